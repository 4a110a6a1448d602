from django.contrib import admin

from tandem.contacts.models import Tag


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    """Organizations and people are edited in the app, where the service layer checks duplicates,
    versions and history; the admin configures the tags they use."""

    list_display = ["name", "color"]
    search_fields = ["name"]

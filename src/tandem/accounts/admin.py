from django.contrib import admin

from tandem.accounts.models import ApiToken, LoginFailure, Team, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "role", "is_active", "date_joined"]
    list_filter = ["role", "is_active", "teams"]
    search_fields = ["email", "full_name"]
    fields = ["email", "full_name", "role", "teams", "language", "time_zone", "is_active"]
    filter_horizontal = ["teams"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at"]
    list_select_related = ["user"]

    def has_add_permission(self, request: object) -> bool:
        return False  # tokens are created by their owner in the UI or with `tandem token create`


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["email", "ip_address", "at"]

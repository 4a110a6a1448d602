from django.urls import URLPattern, path

from tandem.contacts import views

# The organization and person pages (organization-detail, person-detail) are composed from panels of
# several apps: tandem.web mounts them, at organizations/<pk>/ and people/<pk>/.

urlpatterns: list[URLPattern] = [
    path("organizations/", views.organization_list, name="organization-list"),
    path("organizations/new/", views.organization_create, name="organization-create"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization-edit"),
    path("organizations/<int:pk>/archive/", views.organization_archive, name="organization-archive"),
    path("organizations/<int:pk>/restore/", views.organization_restore, name="organization-restore"),
    path("organizations/<int:pk>/merge/", views.organization_merge, name="organization-merge"),
    path("people/", views.person_list, name="person-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/archive/", views.person_archive, name="person-archive"),
    path("people/<int:pk>/restore/", views.person_restore, name="person-restore"),
    path("people/<int:pk>/merge/", views.person_merge, name="person-merge"),
    path("people/<int:pk>/reviewed/", views.person_reviewed, name="person-reviewed"),
]

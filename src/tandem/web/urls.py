from django.urls import path

from tandem.web import customers, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # the customer pages, composed from several apps' panels (the rest of contacts' pages is in contacts)
    path("organizations/<int:pk>/", customers.organization_detail, name="organization-detail"),
    path("people/<int:pk>/", customers.person_detail, name="person-detail"),
]

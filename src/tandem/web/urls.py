from django.urls import path

from tandem.web import customers, pickers, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("design/", views.design, name="design"),
    path("pick/<str:kind>/", pickers.pick, name="pick"),
    # the customer pages, composed from several apps' panels (the rest of contacts' pages is in contacts)
    path("organizations/<int:pk>/", customers.organization_detail, name="organization-detail"),
    path("people/<int:pk>/", customers.person_detail, name="person-detail"),
]

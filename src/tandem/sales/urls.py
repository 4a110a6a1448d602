from django.urls import URLPattern, path

from tandem.sales import views

app_name = "sales"

urlpatterns: list[URLPattern] = [
    path("pipelines/", views.pipeline_list, name="pipeline-list"),
    path("pipelines/new/", views.pipeline_create, name="pipeline-create"),
    path("pipelines/<int:pk>/report/", views.report, name="report"),
    path("pipelines/<int:pk>/settings/", views.pipeline_settings, name="pipeline-settings"),
    path("leads/", views.lead_list, name="lead-list"),
    path("leads/new/", views.lead_create, name="lead-create"),
    path("leads/<int:pk>/", views.lead_detail, name="lead"),
    path("deals/<int:pk>/edit/", views.deal_edit, name="deal-edit"),
    path("deals/<int:pk>/contacts/", views.deal_contact, name="deal-contact"),
    path("deals/<int:pk>/documents/", views.deal_document, name="deal-document"),
    path("deals/<int:pk>/documents/<int:document_pk>/", views.deal_document_file, name="deal-document-file"),
    path("deals/<int:pk>/checklist/", views.deal_step, name="deal-step"),
    path("deals/<int:pk>/activities/", views.deal_activity, name="deal-activity"),
    path("deals/<int:pk>/win/", views.deal_outcome, {"outcome": "win"}, name="deal-win"),
    path("deals/<int:pk>/lose/", views.deal_outcome, {"outcome": "lose"}, name="deal-lose"),
]

from django.urls import path

from tandem.mailgate import views

app_name = "mailgate"

urlpatterns = [
    path("mail/messages/<int:pk>/raw/", views.raw_message, name="raw"),
    path("mail/messages/<int:pk>/html/", views.message_html, name="html"),
    path("items/<int:pk>/email-reply/", views.email_reply, name="email-reply"),
    path("boards/<int:pk>/mail-addresses/", views.address_save, name="address-add"),
    path("boards/<int:pk>/mail-addresses/<int:address_pk>/", views.address_save, name="address-edit"),
]

from django.contrib.auth.views import LogoutView
from django.urls import path

from tandem.accounts import views

urlpatterns = [
    path("login/", views.TandemLoginView.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("invite/<uidb64>/<token>/", views.accept_invitation, name="accept-invite"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password-reset-confirm"),
    path("team/", views.user_list, name="user-list"),
    path("team/invite/", views.user_invite, name="user-invite"),
    path("team/users/<int:pk>/edit/", views.user_edit, name="user-edit"),
    path("team/users/<int:pk>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("team/users/<int:pk>/reactivate/", views.user_reactivate, name="user-reactivate"),
    path(
        "team/users/<int:pk>/resend-invitation/", views.user_resend_invitation, name="user-resend-invitation"
    ),
    path("profile/", views.profile, name="profile"),
    path("profile/password/", views.password_change, name="password-change"),
    path("profile/tokens/", views.token_list, name="token-list"),
    path("profile/tokens/new/", views.token_create, name="token-create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
]

"""Personal API tokens in the browser: the secret is shown once, right after creation, and never
again; tokens can be revoked; nobody reaches another person's tokens."""

import pytest

from tandem.accounts import services
from tandem.accounts.models import ApiToken
from tandem.accounts.services import user_for_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["admin_user", "manager", "member", "guest"])
def test_every_role_creates_a_token_and_sees_the_secret_once(persona, request, client_for):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    response = client.post("/profile/tokens/new/", {"name": "laptop scripts"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    assert secret in response.content.decode()
    assert user_for_token(secret) == user

    listing = client.get("/profile/tokens/").content.decode()
    assert "laptop scripts" in listing
    assert secret[:12] in listing  # the prefix, to tell tokens apart
    assert secret not in listing


def test_empty_state(member, client_for):
    assert "You have no API tokens yet" in client_for(member).get("/profile/tokens/").content.decode()


def test_a_token_needs_a_name(member, client_for):
    response = client_for(member).post("/profile/tokens/new/", {"name": "  "})
    assert response.status_code == 422
    assert response.context["form"].has_error("name")
    assert not ApiToken.objects.exists()


def test_revoke(member, client_for):
    token, secret = services.create_api_token(member, name="ci")
    client = client_for(member)
    response = client.post(f"/profile/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert user_for_token(secret) is None
    assert "Revoked" in client.get("/profile/tokens/").content.decode()


def test_nobody_revokes_or_sees_another_persons_token(member, admin_user, client_for):
    token, secret = services.create_api_token(member, name="bobs nightly job")
    client = client_for(admin_user)
    assert client.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 404
    assert "bobs nightly job" not in client.get("/profile/tokens/").content.decode()
    assert user_for_token(secret) == member


def test_create_and_revoke_need_post(member, client_for):
    token, _ = services.create_api_token(member, name="ci")
    client = client_for(member)
    assert client.get("/profile/tokens/new/").status_code == 405
    assert client.get(f"/profile/tokens/{token.pk}/revoke/").status_code == 405


def test_anonymous_goes_to_login(client):
    assert client.get("/profile/tokens/")["Location"] == "/login/?next=/profile/tokens/"
    assert client.post("/profile/tokens/new/", {"name": "x"})["Location"].startswith("/login/")
    assert not ApiToken.objects.exists()

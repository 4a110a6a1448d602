"""Every people-and-access page, opened by each persona: what each one gets."""

import pytest
from django.test import Client

from tandem.accounts.models import ApiToken

pytestmark = pytest.mark.django_db

PERSONAS = ["admin_user", "manager", "member", "guest", "deactivated", "anonymous"]

# page -> status per persona, in PERSONAS order. 302 for the last two is the way to the login page.
PAGES = {
    "/team/": (200, 200, 200, 200, 302, 302),
    "/team/invite/": (200, 403, 403, 403, 302, 302),
    "/team/users/{member}/edit/": (200, 403, 403, 403, 302, 302),
    "/profile/": (200, 200, 200, 200, 302, 302),
    "/profile/tokens/": (200, 200, 200, 200, 302, 302),
    "/login/": (302, 302, 302, 302, 200, 200),
    "/invite/MQ/bad-token/": (400, 400, 400, 400, 400, 400),
}

# Buttons: POST only; a GET is refused before anything else.
ACTIONS = {
    "/team/users/{member}/deactivate/": (302, 403, 403, 403, 302, 302),
    "/team/users/{member}/reactivate/": (302, 403, 403, 403, 302, 302),
    "/team/users/{member}/resend-invitation/": (302, 403, 403, 403, 302, 302),
    "/profile/tokens/{token}/revoke/": (404, 404, 302, 404, 302, 302),
}


@pytest.fixture
def client_as(request, client_for):
    def make(persona: str) -> Client:
        if persona == "anonymous":
            return Client()
        return client_for(request.getfixturevalue(persona))

    return make


@pytest.fixture
def fill(member, api_token_for):
    api_token_for(member)
    token = ApiToken.objects.get(user=member)
    return lambda path: path.format(member=member.pk, token=token.pk)


@pytest.mark.parametrize(("path", "statuses"), PAGES.items(), ids=list(PAGES))
@pytest.mark.parametrize("index", range(len(PERSONAS)), ids=PERSONAS)
def test_page(path, statuses, index, client_as, fill):
    response = client_as(PERSONAS[index]).get(fill(path))
    assert response.status_code == statuses[index]
    if response.status_code == 302 and PERSONAS[index] in ("deactivated", "anonymous"):
        assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(("path", "statuses"), ACTIONS.items(), ids=list(ACTIONS))
@pytest.mark.parametrize("index", range(len(PERSONAS)), ids=PERSONAS)
def test_action(path, statuses, index, client_as, fill):
    client = client_as(PERSONAS[index])
    assert client.get(fill(path)).status_code == 405
    response = client.post(fill(path))
    assert response.status_code == statuses[index]
    if PERSONAS[index] in ("deactivated", "anonymous"):
        assert response["Location"].startswith("/login/")

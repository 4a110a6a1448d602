"""Only admins invite. The invite form shows its errors next to the fields and writes nothing."""

import pytest

from tandem.accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["manager", "member", "guest"])
def test_non_admins_cannot_invite(persona, request, client_for, outbox):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/team/invite/").status_code == 403
    response = client.post("/team/invite/", {"email": "new@tandem.test", "role": "admin"})
    assert response.status_code == 403
    assert not User.objects.filter(email="new@tandem.test").exists()
    assert outbox == []


def test_anonymous_is_sent_to_login(client):
    response = client.get("/team/invite/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/team/invite/")


def test_admin_sees_the_form(admin_user, client_for, team):
    response = client_for(admin_user).get("/team/invite/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="email"' in content
    assert team.name in content


def test_an_email_already_in_use_is_shown_next_to_the_field(admin_user, member, client_for, outbox):
    response = client_for(admin_user).post("/team/invite/", {"email": "BOB@tandem.test", "role": "member"})
    assert response.status_code == 409
    content = response.content.decode()
    assert "A user with this e-mail address already exists." in content
    assert 'class="form-control is-invalid"' in content
    assert User.objects.filter(email__iexact="bob@tandem.test").count() == 1
    assert outbox == []


def test_bad_input_is_refused_with_field_errors(admin_user, client_for):
    response = client_for(admin_user).post("/team/invite/", {"email": "not-an-address", "role": "emperor"})
    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) == {"email", "role"}
    assert User.objects.count() == 1

"""`tandem token create|list|revoke` manages personal API tokens from the command line."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tandem.accounts.models import ApiToken
from tandem.accounts.services import user_for_token

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_create_prints_a_working_secret(member):
    out, err = run("create", "Bob@Tandem.test", "--name", "nightly export")
    secret = out.strip()
    assert user_for_token(secret) == member
    assert "not shown again" in err
    assert ApiToken.objects.get().name == "nightly export"


def test_list_never_shows_the_secret(member):
    secret, _ = run("create", member.email)
    out, _ = run("list", member.email)
    assert "command line" in out and secret.strip()[:12] in out
    assert secret.strip() not in out


def test_revoke_by_id(member):
    secret = run("create", member.email)[0].strip()
    token_id = re.match(r"(\d+)\t", run("list", member.email)[0]).group(1)
    out, _ = run("revoke", token_id)
    assert "revoked" in out
    assert user_for_token(secret) is None
    assert "revoked" in run("list", member.email)[0]


def test_unknown_email_is_a_clear_error(db):
    with pytest.raises(CommandError, match=re.escape("No user has the e-mail address nobody@tandem.test")):
        run("create", "nobody@tandem.test")
    with pytest.raises(CommandError, match="No user has the e-mail address"):
        run("list", "nobody@tandem.test")


def test_a_deactivated_user_gets_no_token(deactivated):
    with pytest.raises(CommandError, match="deactivated"):
        run("create", deactivated.email)
    assert not ApiToken.objects.exists()


def test_unknown_token_id_is_a_clear_error(db):
    with pytest.raises(CommandError, match="no API token with id 42"):
        run("revoke", "42")


def test_list_says_when_there_are_none(member):
    assert "has no API tokens" in run("list", member.email)[0]

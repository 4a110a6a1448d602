import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import call_command

from tandem.accounts.models import Team, User
from tandem.accounts.roles import Role
from tandem.activity.models import HistoryEntry
from tandem.contacts.models import Membership, Organization, Person
from tandem.mailgate.models import InboundMessage
from tandem.work.models import Board, Item, ItemLink


@pytest.mark.django_db
def test_seed_demo_loads_a_believable_company_once():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert Organization.objects.count() >= 30
    assert Person.objects.count() >= 100
    assert set(Team.objects.values_list("name", flat=True)) == {
        "Sales",
        "Projects",
        "Support",
        "Development",
        "Finance",
    }
    assert all(team.members.exists() for team in Team.objects.all())
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    # everyone works somewhere, but the newcomer who wrote to support@ (to review)
    assert Membership.objects.count() == Person.objects.filter(review_note="").count()
    newcomer = Person.objects.exclude(review_note="").get()
    assert newcomer.full_name == "Lena Novak" and "support@demo.example" in newcomer.review_note
    assert Person.objects.filter(last_name__regex=r"[\u0600-\u06FF]").exists()  # Persian names too
    assert "admin@demo.example" in out.getvalue()
    # built through the services: every record has its history
    created = HistoryEntry.objects.filter(verb="created")
    assert created.filter(target_type__in=["organization", "person"]).count() == (
        Organization.objects.count() + Person.objects.count()
    )
    assert created.filter(target_type="item").count() == Item.objects.count()
    # the four demo boards, with stages, links that block, and comments
    assert set(Board.objects.values_list("name", flat=True)) == {
        "Sales funnel",
        "Finance",
        "Board actions",
        "Support",
    }
    assert ItemLink.objects.filter(kind="blocks").exists()
    # the board's five actions, and the three the last-but-one board meeting's minutes made
    actions = Item.objects.filter(title__startswith="Tandem Demo Board Meeting action: ")
    assert actions.count() == 8
    assert actions.filter(description__contains="From the minutes of the").count() == 3
    # mail came in: an invoice with its PDF on Finance, a reply threaded into it, a question on Support
    received = {m.subject: m for m in InboundMessage.objects.select_related("item__board")}
    invoice = received["Invoice NW-2211 for November"]
    assert invoice.item.board.name == "Finance" and invoice.item.files.get().name == "invoice-NW-2211.pdf"
    assert invoice.organization.name == "Northwind Traders"
    assert received["Re: Invoice NW-2211 for November"].item == invoice.item
    assert received["Cannot export our contacts"].item.board.name == "Support"

    counts = (
        Organization.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        Item.objects.count(),
    )
    call_command("seed_demo", stdout=StringIO())
    assert (
        Organization.objects.count(),
        Person.objects.count(),
        User.objects.count(),
        Item.objects.count(),
    ) == counts


@pytest.mark.django_db
def test_demo_users_can_log_in_with_the_printed_password(client):
    call_command("seed_demo", stdout=StringIO())
    assert client.login(username="sam@demo.example", password="tandem-demo")


@pytest.mark.django_db
def test_the_demos_own_history_is_marked_and_floods_no_home_feed_or_inbox(client):
    """The demo company's records keep their history (marked as made by the demo); what Ada made
    while seeding is no news in anyone's home feed or inbox, while the board feeds still show it."""
    from tandem.feeds import feeds
    from tandem.notifications import fanout
    from tandem.notifications.models import Notification

    call_command("seed_demo", stdout=StringIO())
    fanout.fan_out.call()
    assert HistoryEntry.objects.exists() and not HistoryEntry.objects.filter(generated=False).exists()
    assert not Notification.objects.exists()
    sam = User.objects.get(email="sam@demo.example")
    assert feeds.home(sam).days == []
    assert feeds.new_work(viewer=sam).days  # the board and new-work feeds still tell what exists
    client.force_login(sam)
    assert "Nothing has happened here yet." in client.get("/").content.decode()


@pytest.mark.django_db
def test_createsuperuser_makes_an_admin():
    call_command("createsuperuser", email="Root@Example.com", interactive=False, stdout=StringIO())
    user = User.objects.get(email="root@example.com")
    assert user.role == Role.ADMIN and user.is_staff and user.has_perm("contacts.change_tag")


def test_tandem_command_runs_django_commands_and_aliases(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TANDEM_") and k != "DATABASE_URL"}
    env.update(TANDEM_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'cli.sqlite3'}")

    def tandem(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tandem", *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    assert tandem("migrate").returncode == 0
    seeded = tandem("seed-demo")
    assert seeded.returncode == 0, seeded.stderr
    assert "Demo company ready" in seeded.stdout
    listed = tandem("help")
    assert "seed_demo" in listed.stdout and "serve" in listed.stdout

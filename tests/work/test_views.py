"""The board and item pages through HTTP: forms create and edit items through the services, a
refused close shows the blockers, links, comments, bulk actions, saved views, board settings, the
customer page's work sections, and roles (guests read, members work, managers shape boards)."""

from __future__ import annotations

from tandem.accounts.models import Team
from tandem.work import services
from tandem.work.models import Board, Comment, Item, ItemLink, ItemState, Label, SavedView
from tests.conftest import login


def test_board_and_list_pages_show_cards_and_keep_filters(member, board, make_item, label):
    make_item("Acme deal", labels=[label("sales::lead")], assignees=[member])
    make_item("Globex deal")
    client = login(member)
    page = client.get(f"/boards/{board.pk}/").content.decode()
    assert "Acme deal" in page and "Globex deal" in page and 'data-column="' in page
    filtered = client.get(f"/boards/{board.pk}/", {"assignee": "me"}).content.decode()
    assert "Acme deal" in filtered and "Globex deal" not in filtered
    listed = client.get(f"/boards/{board.pk}/list/", {"ordering": "title"}).content.decode()
    assert listed.index("Acme deal") < listed.index("Globex deal")
    bad = client.get(f"/boards/{board.pk}/", {"due": "someday"}, follow=True)
    assert bad.status_code == 200 and "Choose one of the offered values." in bad.content.decode()


def test_create_and_edit_an_item_through_the_form(member, board, label):
    client = login(member)
    response = client.post(
        "/items/new/",
        {
            "board": board.pk,
            "title": "New deal",
            "type": "deal",
            "priority": "2",
            "labels": [label("sales::lead").pk],
        },
    )
    item = Item.objects.get(title="New deal")
    assert response.status_code == 302 and response["Location"] == f"/items/{item.pk}/"
    assert item.column.name == "lead"
    bad = client.post("/items/new/", {"board": board.pk, "title": "", "type": "deal", "priority": "0"})
    assert bad.status_code == 200 and "This field is required." in bad.content.decode()
    edited = client.post(
        f"/items/{item.pk}/edit/",
        {
            "title": "Renamed",
            "type": "deal",
            "priority": "0",
            "description": "*new*",
            "version": item.version,
        },
    )
    assert edited.status_code == 302
    stale = client.post(
        f"/items/{item.pk}/edit/",
        {"title": "Again", "type": "deal", "priority": "0", "version": item.version},
    )
    assert "Someone else changed this" in stale.content.decode()
    assert Item.objects.get(pk=item.pk).title == "Renamed"
    assert "<em>new</em>" in client.get(f"/items/{item.pk}/").content.decode()


def test_a_refused_close_names_the_blockers_with_links(member, make_item):
    invoice, deal = make_item("Invoice"), make_item("Deal")
    services.link_items(invoice, deal, kind="blocks", by=member)
    client = login(member)
    page = client.post(f"/items/{deal.pk}/close/", follow=True).content.decode()
    assert "cannot be closed" in page and f'href="/items/{invoice.pk}/"' in page
    assert Item.objects.get(pk=deal.pk).state == ItemState.OPEN


def test_drag_and_drop_answers_json_and_a_blocked_drop_409(member, make_item, column):
    invoice, deal = make_item("Invoice"), make_item("Deal")
    services.link_items(invoice, deal, kind="blocks", by=member)
    client = login(member)
    moved = client.post(
        f"/items/{invoice.pk}/move/", {"column": column("lead").pk}, headers={"Accept": "application/json"}
    )
    assert moved.status_code == 200 and moved.json()["column"] == column("lead").pk
    refused = client.post(
        f"/items/{deal.pk}/move/", {"column": column("Closed").pk}, headers={"Accept": "application/json"}
    )
    assert refused.status_code == 409
    assert refused.json()["blocking"][0]["id"] == invoice.pk
    menu = client.get(f"/items/{deal.pk}/move/")
    assert menu.status_code == 200 and 'name="column"' in menu.content.decode()


def test_links_and_comments_from_the_item_page(member, manager, make_item):
    a, b = make_item("A"), make_item("B")
    client = login(member)
    client.post(f"/items/{a.pk}/links/", {"kind": "blocked_by", "target": f"#{b.pk}"})
    assert ItemLink.objects.filter(source=b, target=a, kind="blocks").exists()
    refused = client.post(f"/items/{b.pk}/links/", {"kind": "blocked_by", "target": str(a.pk)}, follow=True)
    assert "block each other" in refused.content.decode()
    client.post(f"/items/{a.pk}/comments/", {"body": f"ping @{manager.handle}"})
    comment = Comment.objects.get(item=a)
    assert manager in a.watchers.all()
    page = client.get(f"/items/{a.pk}/").content.decode()
    assert 'class="mention"' in page
    client.post(f"/items/{a.pk}/comments/{comment.pk}/", {"action": "delete"})
    assert not Comment.objects.exists()


def test_bulk_actions_from_the_list(member, manager, make_item, board):
    one, two = make_item("One"), make_item("Two")
    client = login(member)
    client.post(
        f"/boards/{board.pk}/bulk/", {"items": [one.pk, two.pk], "action": "assign", "user": manager.pk}
    )
    assert set(Item.objects.filter(assignees=manager)) == {one, two}
    client.post(f"/boards/{board.pk}/bulk/", {"items": [one.pk, two.pk], "action": "close"})
    assert set(Item.objects.filter(state=ItemState.CLOSED)) == {one, two}


def test_saved_views_are_per_user(member, manager, board):
    client = login(member)
    client.post(f"/boards/{board.pk}/views/", {"name": "Mine", "query": "assignee=me&due=overdue"})
    view = SavedView.objects.get()
    assert (view.user, view.query) == (member, "assignee=me&due=overdue")
    assert "Mine" in client.get(f"/boards/{board.pk}/").content.decode()
    assert "Mine" not in login(manager).get(f"/boards/{board.pk}/").content.decode()


def test_managers_shape_boards_members_and_guests_do_not(manager, member, guest, board):
    client = login(manager)
    response = client.post(
        "/boards/new/",
        {
            "name": "Support",
            "default_type": "support",
            "stages": "triage\nwaiting",
            "scope": "support",
            "sum_field": "",
        },
    )
    support = Board.objects.get(name="Support")
    assert response.status_code == 302
    assert list(support.columns.values_list("name", flat=True)) == ["Open", "triage", "waiting", "Closed"]
    client.post(f"/boards/{support.pk}/labels/", {"name": "urgent", "color": "#ff0000"})
    urgent = Label.objects.get(name="urgent")
    client.post(f"/boards/{support.pk}/columns/", {"label": urgent.pk})
    assert support.columns.filter(label=urgent).exists()
    for outsider in (member, guest):
        assert login(outsider).get(f"/boards/{support.pk}/settings/").status_code == 403
        assert login(outsider).post("/boards/new/", {"name": "X", "default_type": "task"}).status_code == 403
    # a guest reads the boards of their teams only
    assert login(guest).get(f"/boards/{support.pk}/").status_code == 404
    team = Team.objects.create(name="Support", slug="support")
    services.update_board(support, by=manager, version=None, data={"team": team})
    guest.teams.add(team)
    assert login(guest).get(f"/boards/{support.pk}/").status_code == 200
    assert login(guest).post(f"/items/new/?board={support.pk}", {"title": "x"}).status_code == 403


def test_the_customer_page_shows_its_deals_and_work(member, board, make_org, make_item):
    acme = make_org("Acme")
    deal = make_item("Acme renewal", type="deal", organizations=[acme])
    ticket = make_item("Acme printer", type="support", organizations=[acme])
    page = login(member).get(f"/organizations/{acme.pk}/").content.decode()
    deals = page[page.index('id="deals"') : page.index('id="work-items"')]
    assert f"#{deal.pk} Acme renewal" in deals and "Acme printer" not in deals
    assert f"#{ticket.pk} Acme printer" in page[page.index('id="work-items"') :]
    assert f'name="organization" value="{acme.pk}"' in page  # "New item" for this customer


def test_linking_customers_from_the_item_form(member, board, make_org, make_person, make_item):
    acme = make_org("Acme Robotics")
    ann = make_person("Ann", "Lee")
    item = make_item("Deal")
    client = login(member)
    options = client.get("/items/customer-options/", {"kind": "organization", "add_organization": "acme"})
    assert f'value="Acme Robotics (#{acme.pk})"' in options.content.decode()
    people = client.get("/items/customer-options/", {"kind": "person", "q": "lee"}).content.decode()
    assert f"(#{ann.pk})" in people
    client.post(
        f"/items/{item.pk}/edit/",
        {"title": "Deal", "type": "task", "priority": "0", "version": item.version,
         "add_organization": f"Acme Robotics (#{acme.pk})", "add_person": f"#{ann.pk}"},
    )  # fmt: skip
    item.refresh_from_db()
    assert list(item.organizations.all()) == [acme] and list(item.people.all()) == [ann]
    bad = client.post(
        f"/items/{item.pk}/edit/",
        {
            "title": "Deal",
            "type": "task",
            "priority": "0",
            "version": item.version,
            "add_organization": "Nobody",
        },
    )
    assert "Pick one of the offered names." in bad.content.decode()

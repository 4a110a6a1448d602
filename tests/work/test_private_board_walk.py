"""Role x visibility: every URL of the URL conf and every operation of the OpenAPI document, with the
ids of a private board's item, comment, file, mail, link, deal and so on filled in, for each persona:
an admin, a member of the board's team, a member and a manager outside it, a guest in the team and
a guest outside it.

For everyone outside the team the private board behaves as if it did not exist: each URL that names
one of its records answers exactly what it answers for ids that exist nowhere (404, or the same 403
or 422 the role or the body gets first), and no page or API answer (lists, feeds, timelines, customer
pages, reports, notifications, the live poller) carries the title of anything on it. The team and the
admins reach every one of those records."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tandem.accounts import services as account_services
from tandem.accounts.models import Team, User
from tandem.accounts.roles import Role
from tandem.activity.models import HistoryEntry
from tandem.contacts import services as contacts
from tandem.mailgate import services as mail
from tandem.mailgate.models import InboundMessage
from tandem.notifications import fanout
from tandem.notifications.models import Notification
from tandem.sales import services as sales
from tandem.work import services as work
from tandem.work.models import Comment, Item, ItemFile, ItemLink, SavedView
from tests.conftest import bearer, make_user

pytestmark = pytest.mark.django_db

SECRET = "Zebra invoice 7781"  # the private item's title
SECRET_DEAL = "Quokka merger 5512"  # a deal on a private pipeline
SECRET_SUBTASK = "Ibex subtask 3307"
MISSING = 999_999  # an id that names nothing
OUTSIDERS = ("member_out", "manager_out", "guest_out")
INSIDERS = ("admin", "member_in", "guest_in")


@dataclass
class World:
    users: dict[str, User]
    ids: dict[str, int]  # the private records, by kind
    public: dict[str, int]  # records everyone sees (customers, a public item)
    tokens: dict[str, str] = field(default_factory=dict)


def _html_mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Vera Vendor <vera@vendor.example>"
    message["To"] = "secret-invoices@tandem.test"
    message["Subject"] = SECRET
    message["Message-ID"] = "<7781@vendor.example>"
    message.set_content("The invoice, attached.")
    message.add_alternative("<p>The invoice, attached.</p>", subtype="html")
    message.add_attachment(b"%PDF-1.4 secret", maintype="application", subtype="pdf", filename="bill.pdf")
    return message.as_bytes()


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TANDEM_MAIL_SPOOL = tmp_path / "spool"
    users = {
        "admin": make_user("ada@tandem.test", Role.ADMIN, full_name="Ada Admin"),
        "member_in": make_user("fiona@tandem.test", Role.MEMBER, full_name="Fiona Finance"),
        "member_out": make_user("sam@tandem.test", Role.MEMBER, full_name="Sam Sales"),
        "manager_out": make_user("mona@tandem.test", Role.MANAGER, full_name="Mona Manager"),
        "guest_in": make_user("gita@tandem.test", Role.GUEST, full_name="Gita Guest"),
        "guest_out": make_user("gus@tandem.test", Role.GUEST, full_name="Gus Guest"),
    }
    admin, fiona, sam = users["admin"], users["member_in"], users["member_out"]
    finance = Team.objects.create(name="Finance", slug="finance")
    sales_team = Team.objects.create(name="Sales", slug="sales")
    fiona.teams.add(finance)
    users["guest_in"].teams.add(finance)
    sam.teams.add(sales_team)
    users["manager_out"].teams.add(sales_team)

    org = contacts.create_organization(by=admin, data={"name": "Northwind Traders"})
    person = contacts.create_person(by=admin, data={"first_name": "Nora", "last_name": "North"})
    board = work.create_board_with_stages(
        by=admin,
        data={"name": "Finance", "team": finance, "private": True},
        stages=["to invoice"],
        scope="finance",
    )
    public_board = work.create_board(by=admin, data={"name": "Sales", "team": sales_team})
    label = board.labels.get()
    secret = work.create_item(
        by=fiona,
        board=board,
        data={
            "title": SECRET,
            "organizations": [org],
            "people": [person],
            "assignees": [fiona, sam],  # sam was assigned before; he may not see it now
            "labels": [label],
        },
    )
    subtask = work.create_item(by=fiona, board=board, data={"title": SECRET_SUBTASK, "parent": secret})
    visible = work.create_item(
        by=sam, board=public_board, data={"title": "Deliver the pilot", "organizations": [org]}
    )
    link = work.link_items(secret, visible, kind="blocks", by=fiona)
    comment = work.add_comment(secret, by=fiona, body=f"@{sam.handle} see also #{visible.pk}")
    work.add_comment(visible, by=sam, body=f"Waiting for #{secret.pk}.")
    (stored,) = work.attach_files(
        secret,
        by=fiona,
        files=[work.NewFile(name="bill.pdf", content=b"%PDF-1.4 x", content_type="application/pdf")],
    )
    view = work.save_view(by=fiona, board=board, name="Mine", query="q=zebra")

    address = mail.create_address(by=admin, board=board, data={"address": "secret-invoices@tandem.test"})
    mail.deliver(
        _html_mail(), sender="bounce@vendor.example", recipients=("secret-invoices@tandem.test",), via="smtp"
    )
    assert mail.process_waiting() == 1
    message = InboundMessage.objects.get(item__isnull=False)
    mailed_item = message.item
    assert mailed_item is not None and mailed_item.board_id == board.pk

    pipeline = sales.create_pipeline(by=admin, name="Mergers", stages=[{"name": "Talks"}])
    work.update_board(pipeline.board, by=admin, version=None, data={"team": finance, "private": True})
    deal = sales.create_deal(by=fiona, pipeline=pipeline, title=SECRET_DEAL, data={"organization": org})
    sales.add_contact(deal, person, by=fiona, role="buyer")
    document = sales.attach_document(
        deal, by=fiona, kind="proposal", file=SimpleUploadedFile("offer.pdf", b"%PDF-1.4 offer")
    )
    fanout.fan_out.call()
    notification = Notification.objects.filter(user=fiona).order_by("pk").first()
    assert notification is not None
    ids = {
        "board": board.pk,
        "item": secret.pk,
        "subtask": subtask.pk,
        "column": board.columns.first().pk,  # type: ignore[union-attr]
        "label": label.pk,
        "link": link.pk,
        "comment": comment.pk,
        "file": stored.pk,
        "view": view.pk,
        "address": address.pk,
        "message": message.pk,
        "mailed_item": mailed_item.pk,
        "pipeline": pipeline.pk,
        "stage": pipeline.stages.first().pk,  # type: ignore[union-attr]
        "deal": deal.pk,
        "document": document.pk,
        "notification": notification.pk,
    }
    public = {"organization": org.pk, "person": person.pk, "item": visible.pk, "team": finance.pk}
    tokens = {name: account_services.create_api_token(user, name="walk")[1] for name, user in users.items()}
    return World(users=users, ids=ids, public=public, tokens=tokens)


# --- The URL conf ------------------------------------------------------------------------------

SKIP_PREFIXES = ("admin/", "static/", "media/", "api/")
SKIP_NAMES = {
    "logout", "set_language", "login", "accept-invite", "password-reset", "password-reset-confirm",
    # a POST without fields makes the reader's own feed address: a write that names no record
    "agenda:feed-create",
}  # fmt: skip


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found += _walk(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), f"{namespace}{entry.name}" if entry.name else ""))
    return found


ROUTES = [
    (route, name)
    for route, name in _walk(get_resolver().url_patterns)
    if not route.startswith(SKIP_PREFIXES) and name not in SKIP_NAMES and "(?P" not in route
]

# what an `<int:pk>` names, by the route's first segment
PK_OF = {
    "boards": "board",
    "items": "item",
    "deals": "deal",
    "pipelines": "pipeline",
    "mail": "message",
    "notifications": "notification",
    "timeline": "item",
}
SECOND = {
    "column_pk": "column",
    "label_pk": "label",
    "view_pk": "view",
    "link_pk": "link",
    "comment_pk": "comment",
    "file_pk": "file",
    "document_pk": "document",
    "address_pk": "address",
}


def html_urls(world: World, ids: dict[str, int]) -> list[str]:
    """Every HTML route that can name a private record, with `ids` filled in (GET query strings for
    the feeds and the poller); and the routes naming none, as they are."""
    urls = []
    for route, _name in ROUTES:
        params = re.findall(r"<(?:\w+:)?(\w+)>", route)
        head = route.split("/")[0]
        path = route
        if "pk" in params and head in PK_OF:
            path = path.replace("<int:pk>", str(ids[PK_OF[head]]))
        elif "pk" in params:
            continue  # customers, users, tokens, leads: no private record in their ids
        for param, kind in SECOND.items():
            path = path.replace(f"<int:{param}>", str(ids[kind]))
        if "<str:kind>" in path:
            path = path.replace("<str:kind>", "item")
        if "<" in path:
            continue
        urls.append("/" + path)
    urls += [
        f"/feeds/board/?board={ids['board']}",
        f"/items/new/?board={ids['board']}",
        f"/items/new/?board={ids['board']}&parent={ids['item']}",
    ]
    return sorted(set(urls))


LISTS = [
    "/",
    "/boards/",
    "/boards/?archived=1",
    "/feeds/home/",
    "/feeds/new-work/",
    "/feeds/team/?team={team}",
    "/feeds/new-work/?organization={organization}",
    "/organizations/{organization}/",
    "/people/{person}/",
    "/timeline/organization/{organization}/",
    "/timeline/person/{person}/",
    "/items/{item}/",
    "/timeline/item/{item}/",
    "/pipelines/",
    "/notifications/",
    "/live/?topic=item:{item}&h=0&n=0",
]


# --- The OpenAPI document ----------------------------------------------------------------------

API_ID_OF = {
    "boards": "board",
    "items": "item",
    "deals": "deal",
    "pipelines": "pipeline",
    "labels": "label",
    "notifications": "notification",
    "feeds": "board",
}
API_SECOND = {
    "column_id": "column",
    "link_id": "link",
    "comment_id": "comment",
    "file_id": "file",
    "stage_id": "stage",
}
API_QUERIES = {
    "/api/v1/items": "?board={board}",
    "/api/v1/deals": "?pipeline={pipeline}",
    "/api/v1/labels": "?board={board}",
    "/api/v1/mail/addresses": "?board={board}",
    "/api/v1/mail/replies": "?item={item}",
    "/api/v1/mail/messages": "?item={item}",
    "/api/v1/reports/funnel": "?pipeline={pipeline}",
    "/api/v1/reports/forecast": "?pipeline={pipeline}",
    "/api/v1/reports/outcomes": "?pipeline={pipeline}",
    "/api/v1/reports/conversion": "?pipeline={pipeline}",
    "/api/v1/reports/owners": "?pipeline={pipeline}",
}


def api_operations(client: Client) -> list[tuple[str, str]]:
    document = client.get("/api/v1/openapi.json").json()
    return [
        (method.upper(), path)
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "patch", "put", "delete"}
    ]


def api_url(path: str, ids: dict[str, int], *, people: int) -> str | None:
    """The operation's path with `ids` filled in; None when it names no private record."""
    parts = path.removeprefix("/api/v1/").split("/")
    head = parts[0]
    if head == "mail" and len(parts) > 1:
        head = f"mail/{parts[1]}"
    kind = {"mail/messages": "message", "mail/addresses": "address", **API_ID_OF}.get(head)
    url = path
    names_private = False
    if "{id}" in url:
        if kind is None:
            return None
        if head == "feeds" and "/teams/" in path:
            return None
        url = url.replace("{id}", str(ids[kind]))
        names_private = True
    for param, second in API_SECOND.items():
        url = url.replace("{" + param + "}", str(ids[second]))
    url = url.replace("{person_id}", str(people))
    if "{" in url:
        return None
    query = API_QUERIES.get(path)
    if query:
        url += query.format(**ids)
        names_private = True
    return url if names_private else None


def _api(world: World, who: str, method: str, url: str) -> Any:
    client = Client()
    body = "{}" if method in {"POST", "PATCH", "PUT"} else None
    send = getattr(client, method.lower())
    kwargs: dict[str, Any] = {"headers": bearer(world.tokens[who])}
    if body is not None:
        kwargs["content_type"] = "application/json"
        return send(url, body, **kwargs)
    return send(url, **kwargs)


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _no_secret(response: Any, where: str) -> None:
    text = _body(response)
    for secret in (SECRET, SECRET_DEAL, SECRET_SUBTASK):
        assert secret not in text, f"{where} shows {secret!r} ({response.status_code})"


def _missing(ids: dict[str, int]) -> dict[str, int]:
    return dict.fromkeys(ids, MISSING)


def _snapshot() -> tuple[Any, ...]:
    """What a refused write must leave as it was."""
    return (
        list(Item.objects.order_by("pk").values_list("pk", "version", "state", "title", "board_id", "rank")),
        Comment.objects.count(),
        ItemFile.objects.count(),
        ItemLink.objects.count(),
        SavedView.objects.count(),
        HistoryEntry.objects.count(),
    )


# --- The walk ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outside_the_team_every_url_answers_as_for_records_that_do_not_exist(world: World, who: str) -> None:
    client = Client()
    client.force_login(world.users[who])
    before = _snapshot()
    private, missing = html_urls(world, world.ids), html_urls(world, _missing(world.ids))
    assert len(private) == len(missing) >= 50
    for shown, nowhere in zip(private, missing, strict=True):
        for method in ("get", "post"):
            answer = getattr(client, method)(shown)
            expected = getattr(client, method)(nowhere)
            assert answer.status_code == expected.status_code, (method, shown, answer.status_code)
            _no_secret(answer, f"{method.upper()} {shown}")
    assert _snapshot() == before
    for page in LISTS:
        answer = client.get(page.format(**world.public))
        # a guest outside the Sales team does not see the public item either
        hidden = who == "guest_out" and "{item}" in page and not page.startswith("/live/")
        assert answer.status_code == (404 if hidden else 200), page
        _no_secret(answer, page)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outside_the_team_every_api_operation_answers_as_for_records_that_do_not_exist(
    world: World, who: str
) -> None:
    operations = api_operations(Client())
    assert len(operations) >= 90
    people = world.public["person"]
    before = _snapshot()
    walked = 0
    for method, path in operations:
        shown = api_url(path, world.ids, people=people)
        if shown is None:
            answer = _api(world, who, method, path) if method == "GET" and "{" not in path else None
            if answer is not None:
                _no_secret(answer, f"GET {path}")  # every list: no private rows
            continue
        nowhere = api_url(path, _missing(world.ids), people=people)
        assert nowhere is not None
        answer, expected = _api(world, who, method, shown), _api(world, who, method, nowhere)
        assert answer.status_code == expected.status_code, (method, shown, answer.status_code, _body(answer))
        _no_secret(answer, f"{method} {shown}")
        walked += 1
    assert walked >= 60
    assert _snapshot() == before
    # the customer's own answers list nothing of the private board
    api = {"Authorization": f"Bearer {world.tokens[who]}"}
    org, person = world.public["organization"], world.public["person"]
    for url in (
        f"/api/v1/organizations/{org}/timeline",
        f"/api/v1/items/{world.public['item']}",
        f"/api/v1/items/{world.public['item']}/links",
        f"/api/v1/items/{world.public['item']}/comments",
        f"/api/v1/items/{world.public['item']}/history",
        f"/api/v1/people/{person}",
        "/api/v1/feeds/home",
        "/api/v1/feeds/new-work",
        f"/api/v1/feeds/new-work?organization={org}",
        f"/api/v1/feeds/teams/{world.public['team']}",
        "/api/v1/notifications",
        "/api/v1/items",
        "/api/v1/deals",
        "/api/v1/boards",
        "/api/v1/pipelines",
    ):
        answer = Client().get(url, headers=api)
        expected = 404 if who == "guest_out" and f"items/{world.public['item']}" in url else 200
        assert answer.status_code == expected, (url, answer.status_code)
        _no_secret(answer, url)


@pytest.mark.parametrize("who", INSIDERS)
def test_the_team_and_admins_reach_every_private_record(world: World, who: str) -> None:
    client = Client()
    client.force_login(world.users[who])
    ids = world.ids
    pages = [
        f"/boards/{ids['board']}/",
        f"/boards/{ids['board']}/list/",
        f"/items/{ids['item']}/",
        f"/items/{ids['item']}/files/{ids['file']}/",
        f"/timeline/item/{ids['item']}/",
        f"/feeds/board/?board={ids['board']}",
        f"/items/{ids['deal']}/",
    ]
    for page in pages:
        assert client.get(page).status_code == 200, (who, page)
    assert SECRET in client.get(f"/boards/{ids['board']}/").content.decode()
    assert SECRET in client.get("/feeds/new-work/").content.decode()
    assert SECRET in client.get(f"/organizations/{world.public['organization']}/").content.decode()
    api = {"Authorization": f"Bearer {world.tokens[who]}"}
    for url in (
        f"/api/v1/boards/{ids['board']}",
        f"/api/v1/items/{ids['item']}",
        f"/api/v1/items/{ids['item']}/comments",
        f"/api/v1/items/{ids['item']}/links",
        f"/api/v1/items/{ids['item']}/files",
        f"/api/v1/items/{ids['item']}/files/{ids['file']}",
        f"/api/v1/items/{ids['item']}/history",
        f"/api/v1/feeds/boards/{ids['board']}",
        f"/api/v1/deals/{ids['deal']}",
        f"/api/v1/pipelines/{ids['pipeline']}",
        f"/api/v1/reports/funnel?pipeline={ids['pipeline']}",
        f"/api/v1/mail/replies?item={ids['mailed_item']}",
    ):
        assert Client().get(url, headers=api).status_code == 200, (who, url)
    assert SECRET in _body(Client().get(f"/api/v1/items?board={ids['board']}", headers=api))
    assert SECRET_DEAL in _body(Client().get("/api/v1/deals", headers=api))
    # the mail as sent: the team's members and admins; never a guest
    for url in (f"/mail/messages/{ids['message']}/raw/", f"/mail/messages/{ids['message']}/html/"):
        assert client.get(url).status_code == (403 if who == "guest_in" else 200), (who, url)


def test_a_link_to_a_private_item_shows_as_a_private_item(world: World) -> None:
    sam, ids = world.users["member_out"], world.ids
    client = Client()
    client.force_login(sam)
    page = client.get(f"/items/{world.public['item']}/").content.decode()
    assert "a private item" in page and f"/items/{ids['item']}/" not in page
    assert f'href="/items/{ids["item"]}/"' not in page  # the `#123` in the comment is plain text too
    links = (
        Client()
        .get(f"/api/v1/items/{world.public['item']}/links", headers=bearer(world.tokens["member_out"]))
        .json()
    )
    assert links["blocked_by"] == [{"id": ids["link"], "kind": "blocked_by", "item": None, "private": True}]
    inside = (
        Client()
        .get(f"/api/v1/items/{world.public['item']}/links", headers=bearer(world.tokens["member_in"]))
        .json()
    )
    assert inside["blocked_by"][0]["item"]["title"] == SECRET and inside["blocked_by"][0]["private"] is False


def test_nobody_outside_the_team_is_notified_and_old_notifications_go_quiet(world: World) -> None:
    sam, fiona = world.users["member_out"], world.users["member_in"]
    # sam was assigned and mentioned on the private item: he heard nothing of it
    assert not Notification.objects.filter(user=sam, target_type="item", target_id=world.ids["item"]).exists()
    # the board's team hears of the new item (a guest in the team too)
    assert Notification.objects.filter(user=world.users["guest_in"], target_id=world.ids["item"]).exists()
    # a board made private after people were told: what they were told leaves their inbox
    public_item = Item.objects.get(pk=world.public["item"])
    work.add_comment(public_item, by=fiona, body=f"@{sam.handle} ping")
    fanout.fan_out.call()
    told = Notification.objects.get(user=sam, target_id=public_item.pk, kind="mention")
    client = Client()
    client.force_login(sam)
    assert client.get(f"/notifications/{told.pk}/").status_code == 302
    work.update_board(
        public_item.board,
        by=world.users["admin"],
        version=None,
        data={"team": Team.objects.get(slug="finance"), "private": True},
    )
    assert client.get(f"/notifications/{told.pk}/").status_code == 404
    assert "Deliver the pilot" not in client.get("/notifications/").content.decode()
    inbox = Client().get("/api/v1/notifications", headers=bearer(world.tokens["member_out"])).json()
    assert inbox["items"] == [] and inbox["unread"] == 0


def test_writes_by_id_to_private_records_are_not_found(world: World) -> None:
    ids, token = world.ids, world.tokens["member_out"]
    headers = bearer(token)
    before = _snapshot()

    def post(url: str, body: dict[str, Any]) -> int:
        return (
            Client().post(url, json.dumps(body), content_type="application/json", headers=headers).status_code
        )

    visible = world.public["item"]
    # linking a visible item to a private one by its id: "no such item", as for one that does not exist
    assert post(f"/api/v1/items/{visible}/links", {"kind": "blocks", "target": ids["item"]}) == 422
    assert post(f"/api/v1/items/{visible}/links", {"kind": "blocks", "target": MISSING}) == 422
    assert post(f"/api/v1/items/{ids['item']}/comments", {"body": "hello"}) == 404
    assert post(f"/api/v1/items/{ids['item']}/close", {}) == 404
    assert post("/api/v1/items", {"board": ids["board"], "title": "x"}) == 422
    assert post(f"/api/v1/deals/{ids['deal']}/contacts", {"person": world.public["person"]}) == 404
    patch = Client().patch(
        f"/api/v1/items/{visible}", json.dumps({"parent": ids["item"], "version": 1}), content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert patch.status_code == 422
    client = Client()
    client.force_login(world.users["member_out"])
    client.post(f"/items/{visible}/links/", {"kind": "relates_to", "target": f"#{ids['item']}"})
    client.post(f"/items/{ids['item']}/comments/", {"body": "hello"})
    client.post(f"/items/{ids['item']}/files/", {"files": [SimpleUploadedFile("x.txt", b"x")]})
    assert _snapshot() == before


def test_a_private_board_needs_a_team(world: World) -> None:
    headers = bearer(world.tokens["admin"])
    made = Client().post(
        "/api/v1/boards", json.dumps({"name": "Secret", "private": True}), content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert made.status_code == 422 and made.json()["errors"][0]["field"] == "private"
    board = (
        Client()
        .post(
            "/api/v1/boards", json.dumps({"name": "Open"}), content_type="application/json", headers=headers
        )
        .json()
    )
    assert board["private"] is False
    refused = Client().patch(
        f"/api/v1/boards/{board['id']}", json.dumps({"private": True, "version": 1}), content_type="application/json",
        headers=headers,
    )  # fmt: skip
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "private"
    team = world.public["team"]
    made_private = Client().patch(
        f"/api/v1/boards/{board['id']}", json.dumps({"private": True, "team": team, "version": 1}),
        content_type="application/json", headers=headers,
    )  # fmt: skip
    assert made_private.status_code == 200 and made_private.json()["private"] is True
    fetched = Client().get(f"/api/v1/boards/{board['id']}", headers=headers).json()
    assert fetched["private"] is True and fetched["team"]["id"] == team
    outsider = bearer(world.tokens["manager_out"])
    assert Client().get(f"/api/v1/boards/{board['id']}", headers=outsider).status_code == 404

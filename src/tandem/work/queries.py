"""Reads of boards and items that must stay fast on a board of 100,000 items: a column's cards come
from one index range over (board, column, rank), "more" pages continue after the last rank seen
(keyset, never OFFSET), and the column counts and sums are one grouped query for the whole board."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import Team, User
from tandem.accounts.roles import Permission, Role, require
from tandem.core.counting import cache_key
from tandem.core.errors import NotFound
from tandem.work import rules
from tandem.work.filters import ItemFilters
from tandem.work.models import Board, Column, Comment, Item, ItemLink, ItemState, Label, LinkKind, SumField

CARDS_PER_PAGE = 50


# --- Who sees which board -------------------------------------------------------------------
# The one definition of board visibility; every read of boards, items and what hangs on them
# (comments, files, mail, links, history, notifications, deals) filters through it:
# * admins and Tandem's own accounts (the mail gateway) see every board;
# * a guest sees only the boards of the teams they belong to;
# * everyone else sees every board that is not private, and the private boards of their teams.
# For everyone who may not see it, a board and all on it behave as if they did not exist (404).


def sees_every_board(user: Any) -> bool:
    return bool(getattr(user, "is_system", False) or getattr(user, "role", None) == Role.ADMIN)


def board_visibility(user: Any, *, through: str = "") -> Q:
    """A filter keeping the boards `user` may see, or the rows that reach a board through the
    relation `through` ("board__" for items, "item__board__" for comments, files, mail...)."""
    if sees_every_board(user):
        return Q()
    if user is None or not getattr(user, "pk", None):
        return Q(pk__in=[])
    in_team = Q(**{f"{through}team__in": Team.objects.filter(members=user).values("pk")})
    if user.role == Role.GUEST:
        return in_team
    return Q(**{f"{through}private": False}) | in_team


def visible_boards(user: Any) -> QuerySet[Board]:
    return Board.objects.filter(board_visibility(user))


def items_visible_to(user: Any) -> QuerySet[Item]:
    """Every item on a board `user` may see (archived boards included)."""
    return Item.objects.filter(board_visibility(user, through="board__"))


def hidden_items(user: Any) -> QuerySet[Item, Any] | None:
    """The items `user` may not see (a subquery of ids), or None when they see every board."""
    if sees_every_board(user):
        return None
    # through the few hidden boards (an index range per board), never a scan of every item
    hidden_boards = Board.objects.exclude(board_visibility(user)).values("pk")
    return Item.objects.filter(board__in=hidden_boards).values("pk")


def visible_item_ids(user: Any, ids: Any) -> set[int]:
    """Which of these item ids `user` may see (one query)."""
    return set(items_visible_to(user).filter(pk__in=list(ids)).values_list("pk", flat=True))


def may_see_board(user: Any, board_id: int | None) -> bool:
    if sees_every_board(user):
        return True
    return board_id is not None and visible_boards(user).filter(pk=board_id).exists()


def require_visible(user: Any, item: Item) -> None:
    """NotFound unless `user` may see the item's board: for the services that write."""
    if not may_see_board(user, item.board_id):
        raise NotFound(_("Not found."))


def boards_for(user: User, *, archived: bool = False) -> QuerySet[Board]:
    require(user, Permission.VIEW_WORK)
    return visible_boards(user).filter(archived_at__isnull=not archived).order_by("name", "id")


def get_board_for_user(user: User, pk: int) -> Board:
    require(user, Permission.VIEW_WORK)
    board = visible_boards(user).select_related("team").filter(pk=pk).first()
    if board is None:
        raise NotFound(_("Not found."))
    return board


def open_counts(board_ids: list[int]) -> dict[int, int]:
    """Open items per board, one grouped query."""
    rows = (
        Item.objects.filter(board_id__in=board_ids, state=ItemState.OPEN)
        .values("board_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["board_id"]: row["n"] for row in rows}


def labels_for(user: Any) -> QuerySet[Label]:
    """The global labels and those of the boards `user` may see."""
    return Label.objects.filter(Q(board__isnull=True) | Q(board__in=visible_boards(user).values("pk")))


def labels_for_board(board: Board) -> QuerySet[Label]:
    """The labels an item of this board may carry: the board's own and the global ones."""
    return Label.objects.filter(Q(board=board) | Q(board__isnull=True)).order_by("name", "id")


def items_for(user: User) -> QuerySet[Item]:
    require(user, Permission.VIEW_WORK)
    return items_visible_to(user).filter(board__archived_at__isnull=True)


def blocked_flag() -> Exists:
    """True when an open item blocks this one (the card's "blocked" icon)."""
    return Exists(
        ItemLink.objects.filter(target=OuterRef("pk"), kind=LinkKind.BLOCKS, source__state=ItemState.OPEN)
    )


def child_count(*, closed: bool = False) -> Coalesce:
    """How many subtasks (closed ones only, if asked) an item has: a correlated subquery, so it
    is computed for the rows of the page only, not grouped over a whole column first."""
    children = Item.objects.filter(parent=OuterRef("pk"))
    if closed:
        children = children.filter(state=ItemState.CLOSED)
    counted = children.order_by().values("parent").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted), 0)


def with_progress(queryset: QuerySet[Item]) -> QuerySet[Item]:
    return queryset.annotate(children_total=child_count(), children_closed=child_count(closed=True))


def prefetch_cards(cards: list[Item]) -> None:
    """What the cards of a page show besides their own columns, read for all of them at once:
    labels and assignees (`card.label_list`, `card.assignee_list`), whether an open item blocks
    them, whether they have links, and their subtasks done (`is_blocked`, `has_links`,
    `children_total`, `children_closed`). Four queries for a whole board page.

    Not correlated subqueries on the cards' query: PostgreSQL plans those for the whole column
    (it does not see the LIMIT), hashing every link against every open item; nor Django's
    prefetch, which clones a queryset per card."""
    ids = [card.pk for card in cards]
    labels: dict[int, list[Label]] = {pk: [] for pk in ids}
    assignees: dict[int, list[User]] = {pk: [] for pk in ids}
    blocked: set[int] = set()
    linked: set[int] = set()
    children: dict[int, tuple[int, int]] = {}
    if ids:
        links = (
            Item.labels.through.objects.filter(item_id__in=ids)
            .select_related("label")
            .only(
                "item_id",
                "label__name",
                "label__scope",
                "label__color",
                "label__description",
                "label__board_id",
                "label__builtin",
            )
        )
        for link in links.order_by("label__name", "label_id"):
            labels[link.item_id].append(link.label)
        people = (
            Item.assignees.through.objects.filter(item_id__in=ids)
            .select_related("user")
            .only("item_id", "user__full_name", "user__email", "user__handle")
        )
        for assignment in people.order_by("user__full_name", "user__email"):
            assignees[assignment.item_id].append(assignment.user)
        edges = ItemLink.objects.filter(Q(source_id__in=ids) | Q(target_id__in=ids))
        for source, target, kind, source_state in edges.values_list(
            "source_id", "target_id", "kind", "source__state"
        ):
            linked.update((source, target))
            if kind == LinkKind.BLOCKS and source_state == ItemState.OPEN:
                blocked.add(target)
        counts = (
            Item.objects.filter(parent_id__in=ids)
            .values("parent_id")
            .annotate(total=Count("id"), closed=Count("id", filter=Q(state=ItemState.CLOSED)))
            .order_by()
        )
        children = {row["parent_id"]: (row["total"], row["closed"]) for row in counts}
    flags = rules.card_flags(cards) if cards else {}
    for card in cards:
        card.flags = flags.get(card.pk, [])  # type: ignore[attr-defined]
        card.label_list = labels[card.pk]  # type: ignore[attr-defined]
        card.assignee_list = assignees[card.pk]  # type: ignore[attr-defined]
        card.is_blocked = card.pk in blocked  # type: ignore[attr-defined]
        card.has_links = card.pk in linked  # type: ignore[attr-defined]
        card.children_total, card.children_closed = children.get(card.pk, (0, 0))  # type: ignore[attr-defined]


def card_details(cards: list[Item]) -> None:
    """What other apps show inside the cards of a board page (`card.details`, see
    `rules.CardDetails`: a deal's value, organization, close date...) and whose avatars a card shows
    (`card.avatar_list`: the assignees, or whom the details name instead). One query per app that has
    something to show on these cards, for all of them at once; none on a board of plain tasks."""
    details = rules.card_details(cards) if cards else {}
    for card in cards:
        found = details.get(card.pk)
        card.details = found  # type: ignore[attr-defined]
        people = found.people if found is not None else None
        card.avatar_list = people if people is not None else card.assignee_list  # type: ignore[attr-defined]


def board_cards(ids: list[int]) -> list[Item]:
    """These items as a board page shows them (a card shown again after it was dropped)."""
    cards = list(
        Item.objects.filter(pk__in=ids).select_related("board", "column").defer("description", "search_text")
    )
    prefetch_cards(cards)
    card_details(cards)
    return cards


@dataclass
class ColumnView:
    column: Column
    count: int = 0
    total: Decimal | None = None
    cards: list[Item] = field(default_factory=list)
    more: bool = False
    facts: rules.ColumnFacts | None = None  # what other apps say of the column (board page only)

    @property
    def over_limit(self) -> bool:
        return self.column.wip_limit is not None and self.count > self.column.wip_limit

    @property
    def zone(self) -> bool:
        """Shown as a compact drop zone at the board's end, not as a column of cards."""
        return self.facts is not None and self.facts.zone

    @property
    def hidden(self) -> bool:
        """Left off the board page while it holds no card (its cards, once it has some, show)."""
        return self.facts is not None and self.facts.hide_if_empty and not self.count

    @property
    def next_after(self) -> str:
        return self.cards[-1].rank if self.cards else ""


def column_cards(
    board: Board,
    column: Column,
    filters: ItemFilters,
    *,
    user: User,
    after: str = "",
    limit: int = CARDS_PER_PAGE,
    prefetch: bool = True,
    details: bool = False,
) -> tuple[list[Item], bool]:
    """One page of a column's cards in board order, continuing after the rank `after`. Returns the
    cards and whether more follow. Without `prefetch`, the caller fetches labels and assignees;
    with `details`, what other apps show inside the cards too (the board page's cards)."""
    qs = filters.apply(
        Item.objects.filter(board=board, column=column).select_related("board", "column"), user=user
    )
    if after:
        qs = qs.filter(rank__gt=after)
    # a card shows no description: leave the longest column unread
    cards = list(qs.order_by("rank").defer("description", "search_text")[: limit + 1])
    more = len(cards) > limit
    cards = cards[:limit]
    if prefetch:
        prefetch_cards(cards)
        if details:
            card_details(cards)
    return cards, more


def board_columns(
    board: Board,
    filters: ItemFilters,
    *,
    user: User,
    facts: bool = False,
    only: list[int] | None = None,
) -> list[ColumnView]:
    """Every column of the board with its count (and sum): one grouped query for all of them. On a
    board of more than TANDEM_LARGE_COUNT items the totals are kept in the cache for
    TANDEM_LARGE_COUNT_TTL seconds (the dragged card's counts are updated on the page itself):
    grouping 100,000 rows costs PostgreSQL some 50 ms on every view. With `only`, the columns of
    these ids, counted afresh (what a move changed). With `facts`, what other apps say of the
    columns (`ColumnView.facts`: a pipeline's totals, its drop zones), read with the columns and,
    at most, one more grouped query per app (the board page)."""
    related = ["label", *rules.column_related()] if facts else ["label"]
    columns = list(board.columns.select_related(*related))
    items = filters.apply(Item.objects.filter(board=board), user=user)
    if only is not None:
        items = items.filter(column_id__in=only)
    # only a label filter can meet an item twice (a board label and a global one of the same name)
    aggregates: dict[str, Any] = {"count": Count("id", distinct=bool(filters.labels))}
    if board.sum_field == SumField.ESTIMATE:
        aggregates["total"] = Coalesce(Sum("estimate"), Decimal(0))
    grouped = items.values("column_id").annotate(**aggregates).order_by()
    key = cache_key(grouped)
    fresh = only is not None
    rows: list[dict[str, Any]] | None = None if fresh else cache.get(key)
    if rows is None:
        rows = [dict(row) for row in grouped]
        if not fresh and sum(row["count"] for row in rows) >= settings.TANDEM_LARGE_COUNT:
            cache.set(key, rows, timeout=settings.TANDEM_LARGE_COUNT_TTL)
    totals = {row["column_id"]: row for row in rows}
    views = [
        ColumnView(
            column=column,
            count=totals.get(column.pk, {}).get("count", 0),
            total=totals.get(column.pk, {}).get("total"),
        )
        for column in columns
    ]
    if facts:
        # every column, so a reader knows the board (the counts of the columns not asked for are 0)
        found = rules.column_facts(board, views, items, fresh=fresh)
        for view in views:
            view.facts = found.get(view.column.pk)
    return views if only is None else [view for view in views if view.column.pk in only]


def board_view(board: Board, filters: ItemFilters, *, user: User) -> list[ColumnView]:
    """Every column of the board with its count (and sum, and what other apps say of it), and its
    first page of cards; a drop zone (a pipeline's Won and Lost) shows no cards, so none are read."""
    views = board_columns(board, filters, user=user, facts=True)
    for view in views:
        if view.count and not view.zone:
            view.cards, _more = column_cards(board, view.column, filters, user=user, prefetch=False)
            view.more = view.count > len(view.cards)
    # labels, assignees, links and subtasks of every card on the page: four queries, however many
    # columns; and what other apps show on them (a deal's figures): one query per app
    cards = [card for view in views for card in view.cards]
    prefetch_cards(cards)
    card_details(cards)
    return views


def get_item_for_user(user: User, pk: int) -> Item:
    require(user, Permission.VIEW_WORK)
    item = (
        items_visible_to(user)
        .select_related("board", "column", "parent", "created_by", "closed_by")
        .annotate(is_blocked=blocked_flag())
        .prefetch_related(
            Prefetch("labels", queryset=Label.objects.order_by("name")),
            Prefetch("assignees", queryset=User.objects.order_by("full_name", "email")),
            Prefetch("watchers", queryset=User.objects.order_by("full_name", "email")),
            "organizations",
            "people",
        )
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise NotFound(_("Not found."))
    if item.parent is not None:
        mark_hidden([item.parent], user=user)
    return item


@dataclass
class ItemLinks:
    blocks: list[ItemLink]  # this item blocks these (link.target)
    blocked_by: list[ItemLink]  # these block this item (link.source)
    relates_to: list[tuple[ItemLink, Item]]  # the other end of each relation

    @property
    def count(self) -> int:
        return len(self.blocks) + len(self.blocked_by) + len(self.relates_to)


def links_of(item: Item, *, user: Any) -> ItemLinks:
    """The item's links as seen from this end, with the item at the other end (two queries; three
    when `user` does not see every board). An other end on a board `user` may not see is marked
    `hidden`: pages and the API show it as "a private item", without its number or title."""
    outgoing = list(
        ItemLink.objects.filter(source=item).select_related("target").order_by("kind", "target_id")
    )
    incoming = list(
        ItemLink.objects.filter(target=item).select_related("source").order_by("kind", "source_id")
    )
    others = [link.target for link in outgoing] + [link.source for link in incoming]
    mark_hidden(others, user=user)
    relates = [(link, link.target) for link in outgoing if link.kind == LinkKind.RELATES_TO]
    relates += [(link, link.source) for link in incoming if link.kind == LinkKind.RELATES_TO]
    return ItemLinks(
        blocks=[link for link in outgoing if link.kind == LinkKind.BLOCKS],
        blocked_by=[link for link in incoming if link.kind == LinkKind.BLOCKS],
        relates_to=sorted(relates, key=lambda pair: pair[1].pk),
    )


def mark_hidden(items: list[Item], *, user: Any) -> None:
    """Set `hidden` on each item: True for those on a board `user` may not see (one query)."""
    boards = {item.board_id for item in items}
    if sees_every_board(user) or not boards:
        seen = boards
    else:
        seen = set(visible_boards(user).filter(pk__in=boards).values_list("pk", flat=True))
    for each in items:
        each.hidden = each.board_id not in seen  # type: ignore[attr-defined]


def children_of(item: Item, *, user: Any) -> list[Item]:
    # open ones first ("open" sorts after "closed"); a subtask on a board `user` may not see is left out
    children = items_visible_to(user).filter(parent=item)
    return list(with_progress(children).order_by("-state", "rank"))


def comments_of(item: Item) -> QuerySet[Comment]:
    return Comment.objects.filter(item=item).select_related("author").order_by("created_at", "id")


@dataclass
class CustomerWork:
    """A customer's items on its page: deals and other work, open ones first, a few of each."""

    deals: list[Item]
    deals_open: int
    other: list[Item]
    other_open: int


def work_for_customer(
    *, user: Any, organization: Any = None, person: Any = None, limit: int = 10
) -> CustomerWork:
    if organization is not None:
        linked = items_visible_to(user).filter(organizations=organization)
    else:
        linked = items_visible_to(user).filter(people=person)
    linked = linked.filter(board__archived_at__isnull=True).select_related("board", "column")
    shown = linked.order_by("-state", "due_date", "-id")  # open first ("open" > "closed"), soonest due
    counts = dict(
        linked.filter(state=ItemState.OPEN)
        .values_list("type")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("type", "n")
    )
    deals = list(shown.filter(type="deal")[:limit])
    other = list(shown.exclude(type="deal")[:limit])
    return CustomerWork(
        deals=deals,
        deals_open=counts.get("deal", 0),
        other=other,
        other_open=sum(n for kind, n in counts.items() if kind != "deal"),
    )


def references_for(user: Any) -> Any:
    """For Markdown rendering: `#123` -> (url, title) for the items that exist and `user` may see
    (one query). A reference to an item on a board they may not see stays plain text."""

    def references(ids: list[int]) -> dict[int, tuple[str, str]]:
        return {
            pk: (f"/items/{pk}/", title)
            for pk, title in items_visible_to(user).filter(pk__in=ids).values_list("pk", "title")
        }

    return references


def mentions(handles: list[str]) -> dict[str, tuple[str, str]]:
    """For Markdown rendering: `@handle` -> (url, name) for the active users (one query)."""
    users = User.objects.filter(handle__in=handles, is_active=True)
    return {user.handle: (f"/users/{user.pk}/", user.display_name) for user in users}


# --- A person's day (the home page) -------------------------------------------------------------


@dataclass
class DueWork:
    """Open items assigned to a person, due today or earlier: the first few (the oldest due first)
    and how many in all (counted up to `cap`)."""

    items: list[Item]
    count: int


def due_work_for(user: User, *, today: Any = None, limit: int = 5, cap: int = 100) -> DueWork:
    """Open items assigned to `user` on boards they may see (archived boards left out), due today
    or earlier: at most two queries, whatever the boards hold."""
    today = today or timezone.localdate()
    items = items_for(user).filter(assignees=user, state=ItemState.OPEN, due_date__lte=today)
    first = list(items.select_related("board").order_by("due_date", "pk")[:limit])
    count = len(first) if len(first) < limit else len(items.order_by().values_list("pk", flat=True)[:cap])
    return DueWork(first, count)

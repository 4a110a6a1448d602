"""Generated boards and work items.

Four boards shaped like a company's: a sales funnel (30 % of the items: at scale L the 300,000
deals), support (50 %), finance (15 %) and the board meeting's actions (5 %). The boards, their
stage labels and columns are made through tandem.work.services; the items are drafts written in
bulk like the customers, each derived only from (seed, number) and looking back by proportion, so a
smaller scale is a prefix of a larger one. Item n's position key is its number, so every board
shows its items oldest first and the services can still put a new one above or between them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from tandem.accounts.models import User
from tandem.contacts.normalize import fold_text
from tandem.demo.generate.draws import Draws, Weighted
from tandem.demo.generate.rows import RECORD_SPAN, USER, Blueprint, _log_uniform
from tandem.sales import services as sales
from tandem.sales.models import Pipeline
from tandem.work import rank, services
from tandem.work.models import Board, ColumnKind, ItemState, ItemType, SumField

RANK_WIDTH = 6  # 36**6 = 2 billion items per board before a key grows


@dataclass(frozen=True)
class BoardSpec:
    name: str
    type: str
    scope: str
    stages: tuple[str, ...]
    stage_weights: tuple[int, ...]  # the last weight: no stage (the Open column)
    tags: tuple[str, ...] = ()
    title_prefix: str = ""
    sum_field: str = SumField.NONE


BOARDS = (
    # a pipeline (tandem.sales): its stages are labels stage::<name>; every deal is in one
    BoardSpec("Sales funnel", ItemType.DEAL, "stage", ("lead", "qualified", "proposal", "negotiation", "won", "lost"),
              (30, 20, 15, 10, 5, 5, 0), ("vip", "renewal")),
    BoardSpec("Support", ItemType.SUPPORT, "support", ("triage", "in progress", "waiting on customer"),
              (30, 30, 20, 20), ("bug", "question", "billing"), sum_field=SumField.ESTIMATE),
    BoardSpec("Finance", ItemType.FINANCE, "finance", ("to invoice", "invoiced", "reminder sent"),
              (30, 40, 20, 10)),
    BoardSpec("Board actions", ItemType.ACTION, "action", ("to do", "in progress"), (40, 40, 20),
              title_prefix="Generated Co Board Meeting action: "),
)  # fmt: skip
# win probability of the generated pipeline's stages, in BOARDS[SALES].stages order
PROBABILITIES = (10, 25, 50, 75, 100, 0)
BOARD = Weighted(range(len(BOARDS)), (30, 50, 15, 5))
SALES, SUPPORT, FINANCE, ACTIONS = range(len(BOARDS))

DEALS = ("annual licence", "extra seats", "onboarding workshop", "support plan", "pilot", "data migration",
         "training", "API integration", "framework agreement", "reporting add-on", "roll-out", "premium SLA")  # fmt: skip
PROBLEMS = ("Cannot log in", "Export cuts off names", "Invoice shows the wrong VAT number", "Sync duplicates events",
            "Search is slow", "Password reset mail missing", "Wrong time zone in reports", "Import fails on a file",
            "Cannot attach a document", "Question about the API limits")  # fmt: skip
ACTION_TEXTS = ("Review the budget", "Hire a team lead", "Renegotiate the lease", "Publish the audit summary",
                "Plan the launch", "Decide on the pricing change", "Prepare the investor update")  # fmt: skip


@dataclass(slots=True)
class ItemDraft:
    number: int
    board: int  # index into BOARDS
    title: str
    stage: int | None  # index into the board's stages; None: no stage label
    closed: bool
    priority: int
    created_by: int  # generated user number, also below
    assignees: list[int]
    created_at: datetime
    due_date: date | None
    estimate: str | None
    organization: int | None  # organization number
    tags: list[int] = field(default_factory=list)  # indexes into the board's tags
    deal_value: str | None = None  # sales only: the deal record's value, currency, expected close
    deal_currency: str = "EUR"
    deal_close: date | None = None
    blocks: int | None = None  # item number this one blocks (finance tickets block deals)
    parent: int | None = None  # item number of the parent (subtasks)
    # sales only: the stages the deal entered, in order (indexes into the stages), each with the
    # time it entered; the last is its stage now. A closed deal was decided at its last entry.
    deal_path: list[tuple[int, datetime]] = field(default_factory=list)


def rank_key(number: int) -> str:
    """Item n's position key: the integer n, RANK_WIDTH digits wide."""
    digits = []
    value = number + 1  # never the smallest integer
    for _ in range(RANK_WIDTH):
        value, digit = divmod(value, rank.BASE)
        digits.append(rank.ALPHABET[digit])
    return rank.ALPHABET[rank.ALPHABET.index("i") + RANK_WIDTH - 1] + "".join(reversed(digits))


def _board_of(blueprint: Blueprint, number: int) -> int:
    return BOARD.pick(Draws(blueprint.seed, "item", number))


def _earlier_on_board(blueprint: Blueprint, draws: Draws, number: int, board: int) -> int | None:
    """An earlier item of `board`, if one of a few draws finds one (old ones favoured)."""
    for _ in range(4):
        if number == 0:
            return None
        other = number - 1 - _log_uniform(draws, number)
        if _board_of(blueprint, other) == board:
            return other
    return None


def item(blueprint: Blueprint, number: int) -> ItemDraft:
    draws = Draws(blueprint.seed, "item", number)
    board = BOARD.pick(draws)  # the first draw, as _board_of makes it
    spec = BOARDS[board]
    sizes = blueprint.sizes
    organization = None
    if board != ACTIONS and sizes.organizations:
        window = min(sizes.organizations, number * sizes.organizations // max(sizes.items, 1) + 1)
        organization = window - 1 if draws.chance(0.4) else _log_uniform(draws, window)
    org_name = blueprint.organization_core(organization).name if organization is not None else ""
    if board == SALES:
        title = f"{org_name} - {draws.pick(DEALS)}"
    elif board == SUPPORT:
        title = f"{draws.pick(PROBLEMS)} ({org_name})"
    elif board == FINANCE:
        title = f"Invoice {org_name} {draws.below(12) + 1:02d}/{2024 + draws.below(3)}"
    else:
        title = f"{spec.title_prefix}{draws.pick(ACTION_TEXTS)}"
    stage_pick = Weighted(range(len(spec.stage_weights)), spec.stage_weights).pick(draws)
    created_by = USER.pick(draws)
    assignees = [USER.pick(draws)]
    if draws.chance(0.15):
        second = USER.pick(draws)
        if second != assignees[0]:
            assignees.append(second)
    # after the customer it is about exists (drawn, not from the count: a smaller scale stays a prefix)
    start = blueprint.organization_core(organization).created_at if organization is not None else None
    start = start or blueprint.until - RECORD_SPAN
    created_at = start + (blueprint.until - start) * draws.fraction()
    draft = ItemDraft(
        number=number,
        board=board,
        title=title[:255],
        stage=stage_pick if stage_pick < len(spec.stages) else None,
        closed=draws.chance(0.35),
        priority=Weighted(range(5), (40, 20, 20, 15, 5)).pick(draws),
        created_by=created_by,
        assignees=assignees,
        created_at=created_at,
        due_date=(created_at + timedelta(days=3 + draws.below(60))).date() if draws.chance(0.6) else None,
        estimate=draws.pick(("0.5", "1.00", "2.00", "4.00", "8.00")) if board in (SUPPORT, ACTIONS) and draws.chance(0.5) else None,
        organization=organization,
    )  # fmt: skip
    if board == SALES:
        if draft.closed:  # a deal closes once won (its invoice paid) or lost
            draft.stage = spec.stages.index("won") if draws.chance(0.6) else spec.stages.index("lost")
        draft.deal_value = f"{int(500 * 400 ** draws.fraction())}.{draws.below(100):02d}"
        draft.deal_currency = "USD" if draws.chance(0.2) else "EUR"
        draft.deal_close = (created_at + timedelta(days=30 + draws.below(150))).date()
    if spec.tags and draws.chance(0.2):
        draft.tags.append(draws.below(len(spec.tags)))
    if board == FINANCE and draws.chance(0.5):
        draft.blocks = _earlier_on_board(blueprint, draws, number, SALES)
    if board in (SUPPORT, ACTIONS) and draws.chance(0.03):
        draft.parent = _earlier_on_board(blueprint, draws, number, board)
    if board == SALES and draft.stage is not None:
        draft.deal_path = _deal_path(blueprint, draws, draft)
    return draft


def _deal_path(blueprint: Blueprint, draws: Draws, draft: ItemDraft) -> list[tuple[int, datetime]]:
    """The stages a deal went through to reach its stage: most deals start in the first stage and
    walk forward one stage at a time (some skip one, some go back once); a won deal passed every
    stage in progress, a lost one stopped somewhere. Days pass between the entries, never beyond
    the end of the time line. (Drawn after every other draw, so earlier data sets stay a prefix.)"""
    stages = BOARDS[SALES].stages
    assert draft.stage is not None
    in_progress = [i for i, name in enumerate(stages) if name not in ("won", "lost")]
    name = stages[draft.stage]
    last = (
        in_progress[-1] if name == "won" else draws.below(len(in_progress)) if name == "lost" else draft.stage
    )
    walk = [i for i in in_progress if i <= last]
    if len(walk) > 2 and draws.chance(0.1):
        walk.pop(1 + draws.below(len(walk) - 2))  # skipped a stage
    if len(walk) > 1 and draws.chance(0.1):
        walk[-1:-1] = [walk[-1], walk[-2]]  # went back once and came forward again
    if name in ("won", "lost"):
        walk.append(draft.stage)
    at, path = draft.created_at, []
    for index in walk:
        path.append((index, min(at, blueprint.until)))
        at += timedelta(days=1 + draws.below(20), hours=draws.below(24))
    return path


@dataclass
class BoardIds:
    pipeline: int | None
    stage_ids: list[int]  # the pipeline's stages, in BOARDS[SALES].stages order
    boards: list[int]
    open_columns: list[int | None]
    closed_columns: list[int | None]
    stage_columns: list[list[int]]
    stage_labels: list[list[int]]
    tag_labels: list[list[int]]


def boards(users: list[int]) -> BoardIds:
    """The generated boards, made through the services the first time (by generated user 1, a manager)."""
    maker = User.objects.get(pk=users[0])
    ids = BoardIds(None, [], [], [], [], [], [], [])
    for spec in BOARDS:
        board = Board.objects.filter(name=spec.name, created_by=maker).first()
        if board is None and spec is BOARDS[SALES]:
            stages = [{"name": name, "kind": name if name in ("won", "lost") else "open",
                       "probability": PROBABILITIES[index]} for index, name in enumerate(spec.stages)]  # fmt: skip
            board = sales.create_pipeline(by=maker, name=spec.name, stages=stages).board
            for tag in spec.tags:
                services.create_label(by=maker, board=board, data={"name": tag})
        elif board is None:
            board = services.create_board_with_stages(
                by=maker,
                data={"name": spec.name, "default_type": spec.type, "title_prefix": spec.title_prefix,
                      "sum_field": spec.sum_field},
                stages=spec.stages,
                scope=spec.scope,
            )  # fmt: skip
            for tag in spec.tags:
                services.create_label(by=maker, board=board, data={"name": tag})
        columns = list(board.columns.all())
        labels = {label.name: label.pk for label in board.labels.all()}
        ids.boards.append(board.pk)
        ids.open_columns.append(next((c.pk for c in columns if c.kind == ColumnKind.OPEN), None))
        ids.closed_columns.append(next((c.pk for c in columns if c.kind == ColumnKind.CLOSED), None))
        by_label = {c.label_id: c.pk for c in columns if c.label_id}
        stage_labels = [labels[f"{spec.scope}::{stage}"] for stage in spec.stages]
        ids.stage_labels.append(stage_labels)
        ids.stage_columns.append([by_label[label] for label in stage_labels])
        ids.tag_labels.append([labels[tag] for tag in spec.tags])
    pipeline = Pipeline.objects.filter(board_id=ids.boards[SALES]).first()
    if pipeline is not None:
        if pipeline.finance_board_id is None:
            Pipeline.objects.filter(pk=pipeline.pk).update(finance_board_id=ids.boards[FINANCE])
        by_label = dict(pipeline.stages.values_list("label_id", "pk"))
        ids.pipeline = pipeline.pk
        ids.stage_ids = [by_label[label] for label in ids.stage_labels[SALES]]
    return ids


def column_of(ids: BoardIds, draft: ItemDraft) -> int | None:
    """Where the services would show the item (tandem.work.services.column_for)."""
    if draft.closed:
        return ids.closed_columns[draft.board]
    if draft.stage is not None:
        return ids.stage_columns[draft.board][draft.stage]
    return ids.open_columns[draft.board]


def search_text(draft: ItemDraft) -> str:
    return fold_text(draft.title)


def state_of(draft: ItemDraft) -> str:
    return ItemState.CLOSED if draft.closed else ItemState.OPEN

"""What the API reads and writes for pipelines, stages, leads and deals. Money travels as decimal
strings ("12000.50"), never as floats."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from tandem.accounts.schemas import UserRef
from tandem.core.api.types import Flag, NoNul, RecordId
from tandem.sales.models import Deal, DocumentKind, LeadStatus, RequiredField, StageKind

Name = Annotated[str, Field(strict=True, min_length=1, max_length=200), NoNul]
StageName = Annotated[str, Field(strict=True, min_length=1, max_length=50), NoNul]
Short = Annotated[str, Field(strict=True, max_length=200), NoNul]
# A checklist step: kept in a JSON column, which PostgreSQL refuses with a NUL in it.
Step = Annotated[str, Field(strict=True, min_length=1, max_length=200), NoNul]
Currency = Annotated[str, Field(strict=True, pattern=r"^[A-Za-z]{3}$")]
Money = Annotated[Decimal, Field(ge=0, lt=Decimal("1e12"), max_digits=14, decimal_places=2)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StageIn(_Input):
    name: StageName
    kind: StageKind = StageKind.OPEN
    probability: Percent = Decimal(0)
    required_fields: Annotated[list[RequiredField], Field(max_length=5)] = []
    checklist: Annotated[list[Step], Field(max_length=20)] = []
    required_document: DocumentKind | None = None
    stale_after_days: Annotated[int, Field(strict=True, ge=1, le=3650)] | None = None


class StagePatch(_Input):
    name: StageName = "x"
    probability: Percent = Decimal(0)
    required_fields: Annotated[list[RequiredField], Field(max_length=5)] = []
    checklist: Annotated[list[Step], Field(max_length=20)] = []
    required_document: DocumentKind | None = None
    stale_after_days: Annotated[int, Field(strict=True, ge=1, le=3650)] | None = None
    position: Annotated[int, Field(strict=True, ge=0, le=100)] | None = Field(
        None, description="Move the stage among the stages in progress (0 = first); Won and Lost stay last."
    )


class NewStageIn(StageIn):
    kind: StageKind = Field(StageKind.OPEN, description="Only stages in progress are added.")
    position: Annotated[int, Field(strict=True, ge=0, le=100)] | None = Field(
        None, description="Place among the stages in progress (0 = first); default: last, before Won."
    )


class PipelinePatch(_Input):
    name: Name = "x"
    currency: Currency = "EUR"
    finance_board: RecordId | None = None
    close_won_deals: Flag = Field(
        True, description="A won deal closes itself once finance closes its invoice ticket."
    )


class StageOut(Schema):
    id: int
    name: str
    kind: StageKind
    position: int
    probability: Decimal
    required_fields: list[str]
    checklist: list[str]
    required_document: str
    stale_after_days: int | None
    column: int | None = Field(description="The stage's column on the pipeline's board.")

    @staticmethod
    def resolve_column(obj: Any) -> int | None:
        column = obj.label.columns.first()
        return column.pk if column else None


class PipelineIn(_Input):
    name: Name
    currency: Currency = "EUR"
    finance_board: RecordId | None = Field(None, description="Where winning opens the finance ticket.")
    close_won_deals: Flag = Field(
        True, description="A won deal closes itself once finance closes its invoice ticket."
    )
    stages: Annotated[list[StageIn], Field(min_length=1, max_length=20)]


class PipelineOut(Schema):
    id: int
    name: str
    currency: str
    board: int
    finance_board: int | None
    close_won_deals: bool
    stages: list[StageOut]

    @staticmethod
    def resolve_board(obj: Any) -> int:
        return int(obj.board_id)

    @staticmethod
    def resolve_finance_board(obj: Any) -> int | None:
        return obj.finance_board_id

    @staticmethod
    def resolve_stages(obj: Any) -> list[Any]:
        return list(obj.stages.select_related("label").prefetch_related("label__columns"))


class LeadIn(_Input):
    name: Name
    company: Short = ""
    email: Short = ""
    phone: Annotated[str, Field(strict=True, max_length=40)] = ""
    source: Annotated[str, Field(strict=True, max_length=100)] = ""
    notes: Annotated[str, Field(strict=True, max_length=50_000), NoNul] = ""


class LeadOut(Schema):
    id: int
    name: str
    company: str
    email: str
    phone: str
    source: str
    status: LeadStatus
    owner: UserRef | None
    deal: int | None
    created_at: datetime

    @staticmethod
    def resolve_deal(obj: Any) -> int | None:
        return obj.deal_id


class QualifyIn(_Input):
    pipeline: RecordId
    organization: RecordId | None = Field(
        None, description="An existing organization; else one is made from the lead."
    )
    person: RecordId | None = Field(None, description="An existing person; else one is made from the lead.")
    create_new: Flag = Field(False, description="Make new customers even when Tandem has look-alikes.")


class DealFields(_Input):
    value: Money | None = None
    currency: Currency = "EUR"
    expected_close: date | None = None
    probability: Percent | None = Field(None, description="Overrides the stage's; null: the stage's.")
    source: Annotated[str, Field(strict=True, max_length=100)] = ""
    owner: RecordId | None = None
    organization: RecordId | None = None
    next_step: Short = ""
    next_step_due: date | None = None


class DealIn(DealFields):
    pipeline: RecordId
    title: Annotated[str, Field(strict=True, min_length=1, max_length=255), NoNul]
    stage: RecordId | None = Field(None, description="Default: the pipeline's first stage.")
    contacts: Annotated[list[RecordId], Field(max_length=20)] = []


class StageMoveIn(_Input):
    stage: RecordId


class LoseIn(_Input):
    reason: Annotated[str, Field(strict=True, min_length=1, max_length=300), NoNul]


class DocumentLinkIn(_Input):
    kind: DocumentKind
    url: Annotated[str, Field(strict=True, min_length=8, max_length=500)]
    name: Short = ""


class ChecklistIn(_Input):
    stage: RecordId
    step: Step
    done: Flag = True


class ContactIn(_Input):
    person: RecordId
    role: Annotated[str, Field(strict=True, max_length=100), NoNul] = ""


class ContactOut(Schema):
    person: int
    name: str
    role: str

    @staticmethod
    def resolve_person(obj: Any) -> int:
        return obj.person_id

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.person)


class DocumentOut(Schema):
    id: int
    kind: DocumentKind
    name: str
    url: str
    file: str | None
    uploaded_at: datetime

    @staticmethod
    def resolve_file(obj: Any) -> str | None:
        return obj.file.url if obj.file else None


class DealOut(Schema):
    id: int
    title: str
    pipeline: int
    stage: StageOut | None
    stage_entered_at: datetime
    state: str
    value: Decimal | None
    currency: str
    weighted_value: Decimal | None
    probability: Decimal = Field(description="The deal's, or its stage's.")
    expected_close: date | None
    source: str
    owner: UserRef | None
    organization: int | None
    contacts: list[ContactOut]
    next_step: str
    next_step_due: date | None
    won_at: datetime | None
    lost_at: datetime | None
    lost_reason: str
    documents: list[DocumentOut]
    finance_tickets: list[int]
    url: str

    @staticmethod
    def resolve_id(obj: Deal) -> int:
        return obj.item_id

    @staticmethod
    def resolve_title(obj: Deal) -> str:
        return obj.item.title

    @staticmethod
    def resolve_state(obj: Deal) -> str:
        return obj.item.state

    @staticmethod
    def resolve_pipeline(obj: Deal) -> int:
        return obj.pipeline_id

    @staticmethod
    def resolve_probability(obj: Deal) -> Decimal:
        return obj.effective_probability

    @staticmethod
    def resolve_organization(obj: Deal) -> int | None:
        return obj.organization_id

    @staticmethod
    def resolve_documents(obj: Deal) -> list[Any]:
        return list(obj.documents.all())

    @staticmethod
    def resolve_contacts(obj: Deal) -> list[Any]:
        return list(obj.contacts.all())

    @staticmethod
    def resolve_finance_tickets(obj: Deal) -> list[int]:
        return [invoice.item_id for invoice in obj.invoices.all()]

    @staticmethod
    def resolve_url(obj: Deal) -> str:
        return obj.item.get_absolute_url()

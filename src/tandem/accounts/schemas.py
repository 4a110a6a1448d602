"""What the API reads and writes for users, teams and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field

from tandem.accounts.models import User
from tandem.accounts.roles import GRANTS
from tandem.core.api.schemas import UserRef as UserRef  # named here by the other apps' schemas
from tandem.core.api.types import NoNul


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    description: str


class TeamRef(Schema):
    id: int
    name: str
    slug: str


class UserOut(Schema):
    id: int
    email: str
    full_name: str
    role: str
    teams: list[TeamRef]
    is_active: bool


class MeOut(UserOut):
    language: str
    time_zone: str
    calendar: str
    permissions: list[str]

    @staticmethod
    def resolve_permissions(obj: User) -> list[str]:
        return sorted(GRANTS.get(obj.role, frozenset()))


class TokenOut(Schema):
    """A token as listed: never the secret, only its first characters to recognise it by."""

    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool


class NewTokenOut(TokenOut):
    token: str = Field(description="The secret. Shown this once; Tandem keeps only a digest of it.")


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(strict=True, min_length=1, max_length=80), NoNul]

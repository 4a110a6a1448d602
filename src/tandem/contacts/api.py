"""/api/v1/organizations and /api/v1/people. Endpoints translate HTTP only: reads go through
contacts.queries (access-checked, no N+1), writes through contacts.services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import BaseModel

from tandem.accounts.auth import acting_user
from tandem.accounts.models import User
from tandem.accounts.roles import Permission, require
from tandem.activity.models import HistoryEntry
from tandem.activity.schemas import HistoryOut
from tandem.contacts import queries, services
from tandem.contacts.models import Organization, Person
from tandem.contacts.schemas import (
    MergeIn,
    OrganizationFilters,
    OrganizationIn,
    OrganizationListItem,
    OrganizationMemberOut,
    OrganizationOut,
    OrganizationPatch,
    PersonFilters,
    PersonIn,
    PersonListItem,
    PersonOut,
    PersonPatch,
)
from tandem.core.api.concurrency import IfMatch, edit_precondition, if_match_version, set_etag, stale_as_412
from tandem.core.api.errors import errors
from tandem.core.api.pagination import Page, PageParams, paginate
from tandem.core.api.types import PathId
from tandem.core.errors import InvalidInput, NotFound

organizations = Router(tags=["Organizations"])
people = Router(tags=["People"])


# --- Shared translation between HTTP and the services -----------------------------------------


def _owner(owner_id: int | None) -> User | None:
    if owner_id is None:
        return None
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise InvalidInput(_("There is no active user with this id."), field="owner_id")
    return owner


def _service_data(payload: BaseModel) -> dict[str, Any]:
    """The fields the client sent, as the services take them: only those present change."""
    data = payload.model_dump(exclude_unset=True, exclude={"version", "allow_duplicate"})
    if "owner_id" in data:
        data["owner"] = _owner(data.pop("owner_id"))
    return data


def _created(request: HttpRequest, response: HttpResponse, record: Organization | Person) -> None:
    set_etag(response, record.version)
    response["Location"] = f"{request.path.rstrip('/')}/{record.pk}"


def _history(target_type: str, pk: int) -> QuerySet[HistoryEntry]:
    return HistoryEntry.objects.filter(target_type=target_type, target_id=pk).select_related("actor")


def _update[R: (Organization, Person)](
    request: HttpRequest,
    response: HttpResponse,
    id: int,
    payload: OrganizationPatch | PersonPatch,
    if_match: str | None,
    fetch: Callable[[User, int], R],
    update: Callable[..., object],
) -> R:
    """Edits of both kinds: the version comes from the body (stale: 409) or If-Match (stale: 412)."""
    user = acting_user(request)
    record = fetch(user, id)
    require(user, Permission.EDIT_CUSTOMERS)
    precondition = edit_precondition(if_match, payload.version)
    with stale_as_412(precondition.from_header):
        update(record, by=user, version=precondition.version, data=_service_data(payload))
    return _fresh(request, response, id, fetch)


def _fresh[R: (Organization, Person)](
    request: HttpRequest, response: HttpResponse, id: int, fetch: Callable[[User, int], R]
) -> R:
    """The record as it is after a write, with the ETag of its new version."""
    record = fetch(acting_user(request), id)
    set_etag(response, record.version)
    return record


def _archive_or_restore[R: (Organization, Person)](
    request: HttpRequest,
    response: HttpResponse,
    id: int,
    if_match: str | None,
    fetch: Callable[[User, int], R],
    action: Callable[..., object],
) -> R:
    """Archive and restore for both kinds: If-Match is honoured when sent; answers the fresh record."""
    user = acting_user(request)
    record = fetch(user, id)
    require(user, Permission.ARCHIVE_CUSTOMERS)
    with stale_as_412(from_header=True):
        action(record, by=user, version=if_match_version(if_match))
    return _fresh(request, response, id, fetch)


# --- Organizations ----------------------------------------------------------------------------


@organizations.get("", response={200: Page[OrganizationListItem], **errors()})
def list_organizations(
    request: HttpRequest, filters: Query[OrganizationFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Active organizations (or archived ones with `archived=true`), merged ones never."""
    qs = queries.organizations_for(acting_user(request), **filters.model_dump())
    return paginate(qs, page)


@organizations.post("", response={201: OrganizationOut, **errors(403, 409)})
def create_organization(
    request: HttpRequest, payload: OrganizationIn, response: HttpResponse
) -> Status[Organization]:
    """409 possible_duplicate lists look-alikes in `duplicates`; send `allow_duplicate: true` to save anyway."""
    user = acting_user(request)
    require(user, Permission.EDIT_CUSTOMERS)
    org = services.create_organization(
        by=user, data=_service_data(payload), allow_duplicate=payload.allow_duplicate
    )
    org = queries.get_organization_for_user(user, org.pk)
    _created(request, response, org)
    return Status(201, org)


@organizations.get("/{id}", response={200: OrganizationOut, **errors(404)})
def get_organization(request: HttpRequest, id: PathId, response: HttpResponse) -> Organization:
    """The ETag header carries the version to send back with an edit."""
    org = queries.get_organization_for_user(acting_user(request), id)
    set_etag(response, org.version)
    return org


@organizations.patch("/{id}", response={200: OrganizationOut, **errors(403, 404, 409, 412, 428)})
def update_organization(
    request: HttpRequest,
    id: PathId,
    payload: OrganizationPatch,
    response: HttpResponse,
    if_match: IfMatch = None,
) -> Organization:
    """Send the version you edited as `version` in the body (stale: 409) or `If-Match` (stale: 412)."""
    return _update(
        request,
        response,
        id,
        payload,
        if_match,
        queries.get_organization_for_user,
        services.update_organization,
    )


@organizations.post("/{id}/archive", response={200: OrganizationOut, **errors(403, 404, 412)})
def archive_organization(
    request: HttpRequest, id: PathId, response: HttpResponse, if_match: IfMatch = None
) -> Organization:
    """Archived organizations leave the lists but keep everything. If-Match is honoured when sent."""
    return _archive_or_restore(
        request, response, id, if_match, queries.get_organization_for_user, services.archive
    )


@organizations.post("/{id}/restore", response={200: OrganizationOut, **errors(403, 404, 412)})
def restore_organization(
    request: HttpRequest, id: PathId, response: HttpResponse, if_match: IfMatch = None
) -> Organization:
    return _archive_or_restore(
        request, response, id, if_match, queries.get_organization_for_user, services.restore
    )


@organizations.post("/{id}/merge", response={200: OrganizationOut, **errors(403, 404)})
def merge_organizations(
    request: HttpRequest, id: PathId, payload: MergeIn, response: HttpResponse
) -> Organization:
    """Fold `duplicate_id` into this organization: people, details, tags, notes and history move
    here; the duplicate is archived and points here through `merged_into_id`."""
    user = acting_user(request)
    survivor = queries.get_organization_for_user(user, id)
    require(user, Permission.ARCHIVE_CUSTOMERS)
    try:
        duplicate = queries.get_organization_for_user(user, payload.duplicate_id)
    except NotFound:
        raise InvalidInput(_("There is no organization with this id."), field="duplicate_id") from None
    services.merge(survivor, duplicate, by=user)
    return _fresh(request, response, id, queries.get_organization_for_user)


@organizations.get("/{id}/people", response={200: Page[OrganizationMemberOut], **errors(404)})
def organization_people(request: HttpRequest, id: PathId, page: Query[PageParams]) -> dict[str, Any]:
    org = queries.get_organization_for_user(acting_user(request), id)
    return paginate(queries.organization_people(org), page)


@organizations.get("/{id}/history", response={200: Page[HistoryOut], **errors(404)})
def organization_history(request: HttpRequest, id: PathId, page: Query[PageParams]) -> dict[str, Any]:
    """Newest first."""
    org = queries.get_organization_for_user(acting_user(request), id)
    return paginate(_history("organization", org.pk), page)


# --- People -----------------------------------------------------------------------------------


@people.get("", response={200: Page[PersonListItem], **errors()})
def list_people(
    request: HttpRequest, filters: Query[PersonFilters], page: Query[PageParams]
) -> dict[str, Any]:
    qs = queries.people_for(acting_user(request), **filters.model_dump())
    return paginate(qs, page)


@people.post("", response={201: PersonOut, **errors(403, 409)})
def create_person(request: HttpRequest, payload: PersonIn, response: HttpResponse) -> Status[Person]:
    """409 possible_duplicate lists look-alikes in `duplicates`; send `allow_duplicate: true` to save anyway."""
    user = acting_user(request)
    require(user, Permission.EDIT_CUSTOMERS)
    person = services.create_person(
        by=user, data=_service_data(payload), allow_duplicate=payload.allow_duplicate
    )
    person = queries.get_person_for_user(user, person.pk)
    _created(request, response, person)
    return Status(201, person)


@people.get("/{id}", response={200: PersonOut, **errors(404)})
def get_person(request: HttpRequest, id: PathId, response: HttpResponse) -> Person:
    person = queries.get_person_for_user(acting_user(request), id)
    set_etag(response, person.version)
    return person


@people.patch("/{id}", response={200: PersonOut, **errors(403, 404, 409, 412, 428)})
def update_person(
    request: HttpRequest, id: PathId, payload: PersonPatch, response: HttpResponse, if_match: IfMatch = None
) -> Person:
    """Send the version you edited as `version` in the body (stale: 409) or `If-Match` (stale: 412)."""
    return _update(
        request, response, id, payload, if_match, queries.get_person_for_user, services.update_person
    )


@people.post("/{id}/archive", response={200: PersonOut, **errors(403, 404, 412)})
def archive_person(
    request: HttpRequest, id: PathId, response: HttpResponse, if_match: IfMatch = None
) -> Person:
    return _archive_or_restore(request, response, id, if_match, queries.get_person_for_user, services.archive)


@people.post("/{id}/restore", response={200: PersonOut, **errors(403, 404, 412)})
def restore_person(
    request: HttpRequest, id: PathId, response: HttpResponse, if_match: IfMatch = None
) -> Person:
    return _archive_or_restore(request, response, id, if_match, queries.get_person_for_user, services.restore)


@people.post("/{id}/merge", response={200: PersonOut, **errors(403, 404)})
def merge_people(request: HttpRequest, id: PathId, payload: MergeIn, response: HttpResponse) -> Person:
    """Fold `duplicate_id` into this person; the duplicate is archived and points here."""
    user = acting_user(request)
    survivor = queries.get_person_for_user(user, id)
    require(user, Permission.ARCHIVE_CUSTOMERS)
    try:
        duplicate = queries.get_person_for_user(user, payload.duplicate_id)
    except NotFound:
        raise InvalidInput(_("There is no person with this id."), field="duplicate_id") from None
    services.merge(survivor, duplicate, by=user)
    return _fresh(request, response, id, queries.get_person_for_user)


@people.get("/{id}/history", response={200: Page[HistoryOut], **errors(404)})
def person_history(request: HttpRequest, id: PathId, page: Query[PageParams]) -> dict[str, Any]:
    """Newest first."""
    person = queries.get_person_for_user(acting_user(request), id)
    return paginate(_history("person", person.pk), page)

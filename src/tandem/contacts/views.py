"""The customer pages: lists, the organization and person forms, archive and merge (the organization
and person pages themselves are composed in tandem.web from panels, contacts' among them). Views
translate HTTP only: records are fetched through contacts.queries, every change goes through
contacts.services, and a service's refusal becomes a message on the page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.models import User
from tandem.accounts.roles import Permission
from tandem.contacts import services
from tandem.contacts.filters import OrganizationFilterForm, PersonFilterForm, sort_columns
from tandem.contacts.forms import CustomerForms, MergeForm, OrganizationForms, PersonForms
from tandem.contacts.models import Organization, Person
from tandem.contacts.queries import (
    get_organization_for_user,
    get_person_for_user,
    organization_people,
    organizations_for,
    people_for,
)
from tandem.core.errors import Conflict, InvalidInput, NotFound, PossibleDuplicate, StaleVersion
from tandem.core.pagination import paginate
from tandem.core.views import go, int_or_none, page_or_partial, posted

Customer = Organization | Person

MERGE_SEARCH_RESULTS = 20


# --- Plumbing -------------------------------------------------------------------------------


def to_survivor(request: HttpRequest, record: Customer, url_name: str) -> HttpResponse:
    """A merged record's pages lead to the record it was merged into."""
    messages.info(
        request,
        _("“%(old)s” was merged into “%(new)s”; this is the combined record.")
        % {"old": record, "new": record.merged_into},
    )
    return redirect(url_name, pk=record.merged_into_id)


@dataclass(frozen=True)
class Kind:
    """What differs between organizations and people for the shared views below."""

    name: str
    detail: str
    fetch: Callable[[User, int], Any]
    search: Callable[..., QuerySet[Any]]
    nav: str


ORGANIZATION = Kind(
    "organization", "organization-detail", get_organization_for_user, organizations_for, "organizations"
)
PERSON = Kind("person", "person-detail", get_person_for_user, people_for, "people")


# --- Lists ----------------------------------------------------------------------------------


@guarded_view(Permission.VIEW_CUSTOMERS)
def organization_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    filters = OrganizationFilterForm(request.GET, user=user)
    page = paginate(request, organizations_for(user, **filters.query_kwargs()))
    columns = sort_columns(
        filters.current_ordering, {"name": _("Name"), "updated": _("Updated"), "created": _("Created")}
    )
    context = {"nav": "organizations", "filters": filters, "page": page, "columns": columns}
    return page_or_partial(
        request, "contacts/organization_list.html", "contacts/partials/organization_results.html", context
    )


@guarded_view(Permission.VIEW_CUSTOMERS)
def person_list(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    filters = PersonFilterForm(request.GET, user=user)
    kwargs = filters.query_kwargs()
    page = paginate(request, people_for(user, **kwargs))
    organization = None
    if kwargs["organization"]:
        try:
            organization = get_organization_for_user(user, kwargs["organization"])
        except NotFound:
            organization = None
    columns = sort_columns(
        filters.current_ordering, {"name": _("Name"), "updated": _("Updated"), "created": _("Created")}
    )
    context = {
        "nav": "people",
        "filters": filters,
        "page": page,
        "columns": columns,
        "organization": organization,
    }
    return page_or_partial(
        request, "contacts/person_list.html", "contacts/partials/person_results.html", context
    )


# --- Create and edit ------------------------------------------------------------------------


def _save(
    request: HttpRequest,
    forms: CustomerForms,
    *,
    kind: Kind,
    template: str,
    context: dict[str, Any],
    save: Callable[[], Customer],
    success: str,
) -> HttpResponse:
    duplicates: list[dict[str, Any]] = []
    stale = False
    status = 200
    if request.method == "POST":
        status = 422
        if forms.is_valid():
            try:
                record = save()
            except PossibleDuplicate as exc:
                duplicates, status = list(exc.extra.get("duplicates", [])), 409
            except StaleVersion as exc:
                forms.form.add_error(None, exc.message)
                stale, status = True, 409
            except (InvalidInput, Conflict) as exc:
                forms.add_service_error(exc)
            else:
                messages.success(request, success % {"name": record})
                return go(request, reverse(kind.detail, args=[record.pk]))
    context = {
        **context,
        "nav": kind.nav,
        "forms": forms,
        "form": forms.form,
        "duplicates": duplicates,
        "detail_url": kind.detail,
        "stale": stale,
    }
    return render(request, template, context, status=status)


@guarded_view(Permission.EDIT_CUSTOMERS)
def organization_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    forms = OrganizationForms.for_create(posted(request), user=user)
    return _save(
        request,
        forms,
        kind=ORGANIZATION,
        template="contacts/organization_form.html",
        context={"organization": None},
        save=lambda: services.create_organization(
            by=user, data=forms.service_data(), allow_duplicate=forms.allow_duplicate
        ),
        success=_("Organization “%(name)s” added."),
    )


@guarded_view(Permission.EDIT_CUSTOMERS)
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    organization = get_organization_for_user(user, pk)
    if organization.merged_into_id:
        return to_survivor(request, organization, "organization-edit")
    forms = OrganizationForms.for_edit(posted(request), organization=organization)
    return _save(
        request,
        forms,
        kind=ORGANIZATION,
        template="contacts/organization_form.html",
        context={"organization": organization},
        save=lambda: services.update_organization(
            organization, by=user, version=forms.version, data=forms.service_data()
        ),
        success=_("Saved “%(name)s”."),
    )


@guarded_view(Permission.EDIT_CUSTOMERS)
def person_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    organization = None
    organization_id = int_or_none(request.GET.get("organization"))
    if organization_id:
        try:
            organization = get_organization_for_user(user, organization_id)
        except NotFound:
            organization = None
    if organization is not None and organization.merged_into_id:
        organization = None
    forms = PersonForms.for_create(posted(request), user=user, organization=organization)
    return _save(
        request,
        forms,
        kind=PERSON,
        template="contacts/person_form.html",
        context={"person": None, "organization": organization},
        save=lambda: services.create_person(
            by=user, data=forms.service_data(), allow_duplicate=forms.allow_duplicate
        ),
        success=_("“%(name)s” added."),
    )


@guarded_view(Permission.EDIT_CUSTOMERS)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    person = get_person_for_user(user, pk)
    if person.merged_into_id:
        return to_survivor(request, person, "person-edit")
    forms = PersonForms.for_edit(posted(request), person=person)
    return _save(
        request,
        forms,
        kind=PERSON,
        template="contacts/person_form.html",
        context={"person": person},
        save=lambda: services.update_person(
            person, by=user, version=forms.version, data=forms.service_data()
        ),
        success=_("Saved “%(name)s”."),
    )


# --- Archive and restore --------------------------------------------------------------------


def _archive_or_restore(request: HttpRequest, kind: Kind, pk: int, *, archive: bool) -> HttpResponse:
    user = acting_user(request)
    record = kind.fetch(user, pk)
    version = int_or_none(request.POST.get("version"))
    try:
        if archive:
            services.archive(record, by=user, version=version)
            messages.success(
                request,
                _("Archived “%(name)s”. It no longer shows in lists; restore it any time.")
                % {"name": record},
            )
        else:
            services.restore(record, by=user, version=version)
            messages.success(request, _("Restored “%(name)s”.") % {"name": record})
    except (InvalidInput, Conflict) as exc:
        messages.error(request, exc.message)
    return go(request, reverse(kind.detail, args=[record.pk]))


@guarded_view(Permission.ARCHIVE_CUSTOMERS)
@require_POST
def organization_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_or_restore(request, ORGANIZATION, pk, archive=True)


@guarded_view(Permission.ARCHIVE_CUSTOMERS)
@require_POST
def organization_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_or_restore(request, ORGANIZATION, pk, archive=False)


@guarded_view(Permission.ARCHIVE_CUSTOMERS)
@require_POST
def person_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_or_restore(request, PERSON, pk, archive=True)


@guarded_view(Permission.ARCHIVE_CUSTOMERS)
@require_POST
def person_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_or_restore(request, PERSON, pk, archive=False)


@guarded_view(Permission.EDIT_CUSTOMERS)
@require_POST
def person_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(acting_user(request), pk)
    services.mark_reviewed(person, by=acting_user(request))
    messages.success(request, _("Marked as reviewed."))
    return redirect("person-detail", pk=person.pk)


# --- Merge ----------------------------------------------------------------------------------


def _what_moves(duplicate: Customer) -> list[str]:
    """What the confirm page lists as moving to the record that stays (counts of none left out)."""
    emails, phones = len(duplicate.emails.all()), len(duplicate.phones.all())
    addresses, tags = len(duplicate.addresses.all()), len(duplicate.tags.all())
    counted = [
        (emails, ngettext("%(count)s e-mail address", "%(count)s e-mail addresses", emails)),
        (phones, ngettext("%(count)s phone number", "%(count)s phone numbers", phones)),
        (addresses, ngettext("%(count)s address", "%(count)s addresses", addresses)),
        (tags, ngettext("%(count)s tag", "%(count)s tags", tags)),
    ]
    if isinstance(duplicate, Organization):
        people = organization_people(duplicate).count()
        counted.append(
            (people, ngettext("%(count)s person who works there", "%(count)s people who work there", people))
        )
    else:
        links = len(duplicate.memberships.all())
        counted.append(
            (links, ngettext("%(count)s organization link", "%(count)s organization links", links))
        )
    moving = [text % {"count": localize(n)} for n, text in counted if n]
    moving.append(_("its notes and its history, and anything else linked to it"))
    return moving


def _suggestions(record: Customer) -> list[services.Duplicate]:
    if isinstance(record, Organization):
        return services.find_duplicate_organizations(
            name=record.name, website=record.website, exclude=record.pk
        )
    return services.find_duplicate_people(
        first_name=record.first_name,
        last_name=record.last_name,
        emails=[e.email for e in record.emails.all()],
        phones=[p.e164 for p in record.phones.all()],
        exclude=record.pk,
    )


def _merge(request: HttpRequest, kind: Kind, pk: int) -> HttpResponse:
    user = acting_user(request)
    survivor = kind.fetch(user, pk)
    if survivor.merged_into_id:
        return to_survivor(request, survivor, f"{kind.name}-merge")
    form = MergeForm(posted(request) or (request.GET if "duplicate" in request.GET else None))
    duplicate: Customer | None = None
    if form.is_bound and form.is_valid():
        try:
            duplicate = kind.fetch(user, form.cleaned_data["duplicate"])
        except NotFound:
            form.add_error("duplicate", _("That record does not exist."))
        if duplicate is not None and (duplicate.pk == survivor.pk or duplicate.merged_into_id):
            form.add_error("duplicate", _("Choose another record: that one cannot be merged into this one."))
            duplicate = None
    if request.method == "POST" and duplicate is not None:
        try:
            services.merge(survivor, duplicate, by=user)
        except InvalidInput as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Merged “%(old)s” into “%(new)s”. Everything it had is here now.")
                % {"old": duplicate, "new": survivor},
            )
            return go(request, reverse(kind.detail, args=[survivor.pk]))
    q = request.GET.get("q", "").strip()[:200]
    status = 422 if form.errors else 200
    candidates = list(kind.search(user, q=q).exclude(pk=survivor.pk)[:MERGE_SEARCH_RESULTS]) if q else []
    context = {
        "nav": kind.nav,
        "kind": kind.name,
        "detail_url": kind.detail,
        "merge_url": f"{kind.name}-merge",
        "survivor": survivor,
        "duplicate": duplicate,
        "form": form,
        "q": q,
        "candidates": candidates,
        "suggestions": _suggestions(survivor) if duplicate is None else [],
        "moving": _what_moves(duplicate) if duplicate is not None else [],
    }
    return render(request, "contacts/merge.html", context, status=status)


@guarded_view(Permission.ARCHIVE_CUSTOMERS)
def organization_merge(request: HttpRequest, pk: int) -> HttpResponse:
    return _merge(request, ORGANIZATION, pk)


@guarded_view(Permission.ARCHIVE_CUSTOMERS)
def person_merge(request: HttpRequest, pk: int) -> HttpResponse:
    return _merge(request, PERSON, pk)

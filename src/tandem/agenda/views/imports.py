"""Import an .ics file into a calendar: the form and the result (counts and each problem)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.roles import Permission
from tandem.agenda import queries, services
from tandem.agenda.forms import ImportForm
from tandem.agenda.services.imports import MAX_BYTES, too_large
from tandem.core.errors import InvalidInput, NotAllowed


@never_cache
@guarded_view(Permission.EDIT_EVENTS)
def import_file(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    calendar = queries.get_calendar_for_user(user, pk)
    if not queries.may_write(user, calendar):
        raise NotAllowed(_("You may not put events on this calendar."))
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_BYTES:
                form.add_error("file", too_large())
                status = 413
            else:
                try:
                    result = services.import_ics(calendar, upload.read(), by=user)
                    status = 200
                except InvalidInput as error:
                    form.add_error("file", error.message)
    return render(
        request,
        "agenda/import.html",
        {"nav": "calendar", "calendar": calendar, "form": form, "result": result},
        status=status,
    )

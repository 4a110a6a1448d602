"""The mail gateway's pages: the raw message download (whoever may see the item a message made or
threaded into; a message that made nothing, quarantined or rejected, only admins), the changes to
a board's mail addresses, and the item page's reply by e-mail. What the gateway shows on other
apps' pages (the item's e-mail, a board's addresses, a customer's mail) is in mailgate/panels.py."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.accounts.guards import acting_user, guarded_view
from tandem.accounts.roles import Permission, can
from tandem.core.errors import NotAllowed, ServiceError
from tandem.core.files import serve
from tandem.mailgate import services
from tandem.mailgate.forms import MailAddressForm
from tandem.mailgate.models import InboundMessage, MailAddress
from tandem.work.queries import get_board_for_user, get_item_for_user


@guarded_view(Permission.READ_MAIL)
def raw_message(request: HttpRequest, pk: int) -> FileResponse:
    message = _message_for(request, pk)
    return serve(message.raw, name=f"message-{message.pk}.eml", content_type="message/rfc822")


def _message_for(request: HttpRequest, pk: int) -> InboundMessage:
    """A received message, for whoever may see the item it made or threaded into (one that made
    nothing: admins only)."""
    user = acting_user(request)
    message = InboundMessage.objects.filter(pk=pk).first()
    if message is None or not message.raw:
        raise Http404(_("Not found."))
    if message.item_id is not None:
        get_item_for_user(user, message.item_id)
    elif not can(user, Permission.MANAGE_MAIL):
        raise NotAllowed(_("Only admins see mail that made no item."))
    return message


# The sanitised HTML of a message is shown on a page of its own that may run nothing, load
# nothing from elsewhere (no tracking pixels) and reach nothing of Tandem's (a sandboxed origin).
HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox allow-popups allow-popups-to-escape-sandbox"


@guarded_view(Permission.READ_MAIL)
def message_html(request: HttpRequest, pk: int) -> HttpResponse:
    message = _message_for(request, pk)
    html = services.message_html(message)
    if not html:
        raise Http404(_("This message has no HTML part; its text is on the item."))
    page = (
        '<!doctype html><html><head><meta charset="utf-8"><base target="_blank">'
        f"<title>{escape(message.subject)}</title></head><body>{html}</body></html>"
    )
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = HTML_POLICY
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    return response


@guarded_view(Permission.MANAGE_BOARDS)
@require_POST
def address_save(request: HttpRequest, pk: int, address_pk: int | None = None) -> HttpResponse:
    """Add, change or remove one of the board's mail addresses (from the board's settings)."""
    user = acting_user(request)
    board = get_board_for_user(user, pk)
    mail_address = None
    if address_pk is not None:
        mail_address = MailAddress.objects.filter(pk=address_pk, board=board).first()
        if mail_address is None:
            raise Http404(_("Not found."))
    back = redirect(reverse("work:board-settings", args=[board.pk]) + "#mail-addresses")
    try:
        if mail_address is not None and request.POST.get("action") == "delete":
            services.delete_address(mail_address, by=user)
            messages.success(request, _("Mail address removed."))
            return back
        form = MailAddressForm(request.POST, board=board, instance=mail_address)
        if not form.is_valid():
            messages.error(request, "; ".join(str(e) for errors in form.errors.values() for e in errors))
            return back
        if mail_address is None:
            services.create_address(by=user, board=board, data=form.cleaned_data)
            messages.success(request, _("Mail address added."))
        else:
            services.update_address(mail_address, by=user, data=form.cleaned_data)
            messages.success(request, _("Mail address saved."))
    except ServiceError as error:
        messages.error(request, error.message)
    return back


@guarded_view(Permission.EDIT_WORK)
@require_POST
def email_reply(request: HttpRequest, pk: int) -> HttpResponse:
    """The item page's "Reply by e-mail" form."""
    user = acting_user(request)
    item = get_item_for_user(user, pk)
    try:
        sent = services.email_reply(
            item, by=user, body=request.POST.get("body", ""), to=request.POST.get("to") or None
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reply to %(to)s is on its way.") % {"to": sent.to})
    return redirect(reverse("work:item", args=[item.pk]) + "#mail")

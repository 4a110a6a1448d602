"""The CalDAV side of a sync: a remote calendar collection, spoken to with caldav 1.6's DAVClient
(requests; it negotiates Basic, Digest or Bearer authentication) and a few plain WebDAV requests
whose answers Tandem reads itself, because a sync needs what the library hides: the status of a
sync-collection REPORT (an expired token is a 403 `valid-sync-token`, or 409/410 elsewhere), and
`If-Match` / `If-None-Match` on PUT and DELETE with the 412 they may answer.

Everything a server answers is data: hrefs are resolved against the calendar's URL and must stay
inside it, ETags and calendar data are kept as text, never followed or shown as markup. Errors are
`RemoteError` with a sentence for a person (never the password, never a traceback)."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

import requests
from caldav import DAVClient
from caldav.lib import error as caldav_error
from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree  # type: ignore[import-untyped]

DAV = "DAV:"
CALDAV = "urn:ietf:params:xml:ns:caldav"
NS = {"d": DAV, "c": CALDAV}
MULTIGET_BATCH = 50
MAX_OBJECT_BYTES = 2 * 1024 * 1024


class RemoteError(Exception):
    """The server could not be used; `str(error)` says why, for the account's owner to read."""


class AuthFailed(RemoteError):
    pass


class NotACalendar(RemoteError):
    pass


class LocalAddressRefused(RemoteError):
    pass


class TokenInvalid(Exception):
    """The server no longer knows the sync token (its change log was pruned, the token expired)."""


class PreconditionFailed(Exception):
    """412: the remote object is not the version named by If-Match (or exists, for If-None-Match)."""


@dataclass(frozen=True)
class Member:
    """A calendar object as a sync-collection REPORT lists it."""

    href: str
    etag: str
    deleted: bool = False


def _sync_body(token: str) -> bytes:
    root = etree.Element(f"{{{DAV}}}sync-collection", nsmap={"d": DAV})
    etree.SubElement(root, f"{{{DAV}}}sync-token").text = token
    etree.SubElement(root, f"{{{DAV}}}sync-level").text = "1"
    prop = etree.SubElement(root, f"{{{DAV}}}prop")
    etree.SubElement(prop, f"{{{DAV}}}getetag")
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _multiget_body(hrefs: Iterable[str]) -> bytes:
    root = etree.Element(f"{{{CALDAV}}}calendar-multiget", nsmap={"d": DAV, "c": CALDAV})
    prop = etree.SubElement(root, f"{{{DAV}}}prop")
    etree.SubElement(prop, f"{{{DAV}}}getetag")
    etree.SubElement(prop, f"{{{CALDAV}}}calendar-data")
    for href in hrefs:
        etree.SubElement(root, f"{{{DAV}}}href").text = href
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


_PROPFIND = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<d:propfind xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:prop>'
    b"<d:resourcetype/><d:displayname/><d:sync-token/><c:supported-calendar-component-set/>"
    b"</d:prop></d:propfind>"
)


def check_host(host: str | None) -> None:
    """Refuse an address on the worker's own machine or its link-local network (cloud metadata
    services live at 169.254.169.254): a user types the address the worker then asks. Private
    networks (a Nextcloud on the office LAN) are allowed. TANDEM_CALDAV_ALLOW_LOCAL=true allows all
    (a CalDAV server beside Tandem, the tests' Radicale)."""
    if settings.TANDEM_CALDAV_ALLOW_LOCAL or not host:
        return
    try:
        found = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, ValueError):
        return  # the request itself then fails with "could not be reached"
    for *_rest, address in found:
        ip = ipaddress.ip_address(str(address[0]).split("%", 1)[0])
        if ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast or ip.is_reserved:
            raise LocalAddressRefused(
                _("Tandem does not connect to addresses on its own machine (%(host)s).") % {"host": host}
            )


class _CheckedAdapter(requests.adapters.HTTPAdapter):
    """Every request, redirects included, goes only where `check_host` allows."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        check_host(urlsplit(request.url or "").hostname)
        return super().send(request, *args, **kwargs)


def _status_code(text: str | None) -> int:
    # "HTTP/1.1 404 Not Found"
    parts = (text or "").split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 200


class Remote:
    """One remote calendar collection at `url` (or, before `find_calendar`, whatever the user entered)."""

    def __init__(self, url: str, username: str, password: str, *, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        # Basic credentials from the first request (a server that wants Digest says so and gets it),
        # so no request is first sent without them and refused
        self.client = DAVClient(
            url,
            username=username or None,
            password=password,
            auth=requests.auth.HTTPBasicAuth(username, password) if username else None,
            timeout=int(timeout),
        )
        for scheme in ("http://", "https://"):
            self.client.session.mount(scheme, _CheckedAdapter())

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Remote:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- Transport ------------------------------------------------------------------------------

    def _request(
        self, method: str, url: str, body: bytes | str = "", headers: dict[str, str] | None = None
    ) -> Any:
        host = urlsplit(url).hostname or url
        try:
            text = body.decode("utf-8") if isinstance(body, bytes) else body
            response = self.client.request(url, method, text, headers or {})
        except caldav_error.AuthorizationError as error:
            if "forbidden" in str(getattr(error, "reason", "")).lower():
                return _Forbidden()
            raise AuthFailed(_("The server refused the username or password.")) from None
        except requests.exceptions.SSLError:
            raise RemoteError(
                _("The server's certificate could not be verified (%(host)s).") % {"host": host}
            ) from None
        except requests.exceptions.Timeout:
            raise RemoteError(
                _("The server did not answer in time (%(host)s, after %(seconds)s s).")
                % {"seconds": int(self.timeout), "host": host}
            ) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.InvalidURL):
            raise RemoteError(_("The server could not be reached (%(host)s).") % {"host": host}) from None
        except requests.exceptions.RequestException:
            raise RemoteError(_("The request to the server failed (%(host)s).") % {"host": host}) from None
        except NotImplementedError:
            raise AuthFailed(_("The server asks for a kind of sign-in Tandem does not support.")) from None
        except etree.XMLSyntaxError:
            raise RemoteError(
                _("The server's answer was not readable (%(host)s).") % {"host": host}
            ) from None
        return response

    def _unexpected(self, response: Any) -> RemoteError:
        return RemoteError(_("The server answered HTTP %(status)s.") % {"status": response.status})

    def _absolute(self, href: str) -> str:
        """The URL of an object named by its (unquoted) path or by an href as a server wrote it."""
        if "://" in href:
            return href
        return urljoin(self.url, quote(unquote(href), safe="/@+:~!$&'()*,;="))

    def _inside(self, href: str) -> bool:
        """An href the server names is one of this calendar's objects (never elsewhere)."""
        target = urlsplit(urljoin(self.url, href))
        base = urlsplit(self.url)
        base_path = base.path if base.path.endswith("/") else base.path + "/"
        return (
            (target.scheme, target.netloc) == (base.scheme, base.netloc)
            and unquote(target.path).startswith(unquote(base_path))
            and unquote(target.path) != unquote(base_path)
        )

    # --- The calendar ---------------------------------------------------------------------------

    def find_calendar(self) -> tuple[str, str]:
        """(URL, name) of the calendar the entered address names: the address itself when it is a
        calendar, else the one calendar of the account it names; NotACalendar otherwise."""
        url = self.url if self.url.endswith("/") else self.url + "/"
        response = self._request("PROPFIND", url, _PROPFIND, {"Depth": "0"})
        if isinstance(response, _Forbidden):
            raise AuthFailed(_("The server does not let this account read that address."))
        if response.status == 404:
            raise NotACalendar(_("There is no calendar at this address."))
        if response.status >= 400 or response.tree is None:
            raise NotACalendar(
                _("This address is not a CalDAV calendar (HTTP %(status)s).") % {"status": response.status}
            )
        if response.tree.find(".//d:resourcetype/c:calendar", NS) is not None:
            self.url = url
            name = response.tree.findtext(".//d:displayname", default="", namespaces=NS)
            return url, name.strip()[:300]
        try:
            calendars = self.client.principal().calendars()
        except caldav_error.AuthorizationError:
            raise AuthFailed(_("The server refused the username or password.")) from None
        except (
            caldav_error.DAVError,
            requests.exceptions.RequestException,
            KeyError,
            AttributeError,
            ValueError,
        ):
            raise NotACalendar(_("This address is not a CalDAV calendar or account.")) from None
        if not calendars:
            raise NotACalendar(_("This account has no calendar."))
        if len(calendars) > 1:
            listed = ", ".join(f"{(c.name or '').strip() or '?'} ({c.url})" for c in calendars[:10])
            raise NotACalendar(
                _("This account has several calendars; enter the address of the one to sync: %(list)s")
                % {"list": listed}
            )
        self.url = str(calendars[0].url)
        return self.url, (calendars[0].name or "").strip()[:300]

    # --- Reading --------------------------------------------------------------------------------

    def changes(self, token: str) -> tuple[list[Member], str]:
        """The objects changed or deleted since `token` (every object for ""), and the new token.
        TokenInvalid when the server no longer knows `token`."""
        response = self._request(
            "REPORT",
            self.url,
            _sync_body(token),
            {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
        )
        if isinstance(response, _Forbidden) or response.status in (409, 410):
            if token:
                raise TokenInvalid()
            if isinstance(response, _Forbidden):
                raise AuthFailed(_("The server does not let this account read the calendar."))
        if isinstance(response, _Forbidden) or response.status >= 400 or response.tree is None:
            if response.status == 404:
                raise NotACalendar(_("The calendar is gone from the server."))
            raise self._unexpected(response)
        members: list[Member] = []
        for node in response.tree.findall("d:response", NS):
            href = (node.findtext("d:href", default="", namespaces=NS) or "").strip()
            if not href or not self._inside(href):
                continue
            status = _status_code(node.findtext("d:status", namespaces=NS))
            etag = ""
            for propstat in node.findall("d:propstat", NS):
                if _status_code(propstat.findtext("d:status", namespaces=NS)) < 300:
                    etag = propstat.findtext("d:prop/d:getetag", default="", namespaces=NS) or ""
            members.append(Member(href=self._path(href), etag=etag.strip(), deleted=status == 404))
        new_token = (response.tree.findtext("d:sync-token", default="", namespaces=NS) or "").strip()
        return members, new_token

    def _path(self, href: str) -> str:
        """An object's path, unquoted: one spelling, however a server quotes its hrefs."""
        return unquote(urlsplit(urljoin(self.url, href)).path)

    def fetch(self, hrefs: Iterable[str]) -> Iterator[tuple[str, str, bytes | None]]:
        """(href, etag, data) for each href, data None when it is gone."""
        wanted = list(dict.fromkeys(hrefs))
        for start in range(0, len(wanted), MULTIGET_BATCH):
            batch = wanted[start : start + MULTIGET_BATCH]
            response = self._request(
                "REPORT",
                self.url,
                _multiget_body(urlsplit(self._absolute(href)).path for href in batch),
                {"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
            )
            if isinstance(response, _Forbidden) or response.status >= 400 or response.tree is None:
                # a server without calendar-multiget: one GET each
                for href in batch:
                    found = self.get(href)
                    yield href, *(found or ("", None))
                continue
            seen: set[str] = set()
            for node in response.tree.findall("d:response", NS):
                href = (node.findtext("d:href", default="", namespaces=NS) or "").strip()
                if not href or not self._inside(href):
                    continue
                path = self._path(href)
                seen.add(path)
                data = node.findtext("d:propstat/d:prop/c:calendar-data", namespaces=NS)
                etag = node.findtext("d:propstat/d:prop/d:getetag", default="", namespaces=NS) or ""
                if data is None or len(data) > MAX_OBJECT_BYTES:
                    yield path, etag.strip(), None
                else:
                    yield path, etag.strip(), data.encode("utf-8")
            for href in batch:
                if href not in seen:
                    yield href, "", None

    def get(self, href: str) -> tuple[str, bytes] | None:
        """(etag, data) of one object, None when it is gone."""
        response = self._request("GET", self._absolute(href))
        if isinstance(response, _Forbidden) or response.status == 404 or response.status == 410:
            return None
        if response.status >= 400:
            raise self._unexpected(response)
        raw = response._raw
        data = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
        return (response.headers.get("ETag") or "").strip(), data

    # --- Writing --------------------------------------------------------------------------------

    def put(self, href: str, data: bytes, *, etag: str | None) -> str:
        """Store `data` at `href`: a new object (If-None-Match: *) when `etag` is None, else only
        over that version (If-Match). The new ETag ("" when the server gives none);
        PreconditionFailed on 412."""
        headers = {"Content-Type": "text/calendar; charset=utf-8"}
        if etag is None:
            headers["If-None-Match"] = "*"
        elif etag:
            headers["If-Match"] = etag
        response = self._request("PUT", self._absolute(href), data, headers)
        if not isinstance(response, _Forbidden) and response.status == 412:
            raise PreconditionFailed()
        if isinstance(response, _Forbidden):
            raise RemoteError(_("The server does not let this account write the calendar."))
        if response.status >= 400:
            raise self._unexpected(response)
        return (response.headers.get("ETag") or "").strip()

    def delete(self, href: str, *, etag: str) -> None:
        """Delete the object if it is still the version `etag` names (gone already: fine)."""
        response = self._request("DELETE", self._absolute(href), "", {"If-Match": etag} if etag else {})
        if isinstance(response, _Forbidden):
            raise RemoteError(_("The server does not let this account write the calendar."))
        if response.status == 412:
            raise PreconditionFailed()
        if response.status in (404, 410):
            return
        if response.status >= 400:
            raise self._unexpected(response)


class _Forbidden:
    """A 403 answer (caldav raises it as AuthorizationError; a sync must tell it from a 401)."""

    status = 403
    tree = None

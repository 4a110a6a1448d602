"""A real Radicale CalDAV server on 127.0.0.1 (a free port), in this process on wsgiref in a thread,
with its own storage folder and plain-text htpasswd users; and a few plain HTTP helpers that play
"the user's phone" against it (they never go through Tandem's client)."""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import radicale
import radicale.config
import requests
from lxml import etree  # type: ignore[import-untyped]

PASSWORD = "s3cret-pass"


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


class RadicaleServer:
    def __init__(self, folder: Path, users: tuple[str, ...]) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "users").write_text("".join(f"{user}:{PASSWORD}\n" for user in users))
        configuration = radicale.config.load()
        configuration.update(
            {
                "auth": {
                    "type": "htpasswd",
                    "htpasswd_filename": str(folder / "users"),
                    "htpasswd_encryption": "plain",
                },
                "storage": {"filesystem_folder": str(folder / "collections")},
                "rights": {"type": "owner_only"},
                "logging": {"level": "warning", "mask_passwords": "True"},
            },
            "test",
            privileged=True,
        )
        self.server: WSGIServer = make_server(
            "127.0.0.1", 0, radicale.Application(configuration), handler_class=_Quiet
        )
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- the user's other client ----------------------------------------------------------------

    def auth(self, user: str) -> tuple[str, str]:
        return (user, PASSWORD)

    def make_calendar(self, user: str, name: str = "work") -> str:
        url = f"{self.base}/{user}/{name}-{uuid.uuid4().hex[:6]}/"
        body = (
            '<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" '
            'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>'
            f"{name}</D:displayname></D:prop></D:set></C:mkcalendar>"
        )
        answer = requests.request("MKCALENDAR", url, data=body, auth=self.auth(user), timeout=10)
        assert answer.status_code == 201, answer.text
        return url

    def put(self, user: str, url: str, ics: str) -> str:
        answer = requests.put(
            url,
            data=ics.encode(),
            auth=self.auth(user),
            timeout=10,
            headers={"Content-Type": "text/calendar"},
        )
        assert answer.status_code in (201, 204), answer.text
        return answer.headers.get("ETag", "")

    def get(self, user: str, url: str) -> str | None:
        answer = requests.get(url, auth=self.auth(user), timeout=10)
        return answer.text if answer.status_code == 200 else None

    def delete(self, user: str, url: str) -> None:
        answer = requests.delete(url, auth=self.auth(user), timeout=10)
        assert answer.status_code in (200, 204), answer.text

    def hrefs(self, user: str, calendar_url: str) -> list[str]:
        """The object URLs in a calendar."""
        answer = requests.request(
            "PROPFIND",
            calendar_url,
            data='<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>',
            headers={"Depth": "1"},
            auth=self.auth(user),
            timeout=10,
        )
        tree = etree.fromstring(answer.content)
        found = [node.text for node in tree.iter("{DAV:}href")]
        path = calendar_url.split(str(self.server.server_port), 1)[1]
        return sorted(self.base + href for href in found if href and href.rstrip("/") != path.rstrip("/"))

    def objects(self, user: str, calendar_url: str) -> dict[str, str]:
        """url -> iCalendar text of every object in a calendar."""
        return {href: self.get(user, href) or "" for href in self.hrefs(user, calendar_url)}

    def forget_sync_tokens(self) -> None:
        """Radicale's change log pruned: every sync token it gave is unknown now."""
        for folder in (self.folder / "collections").rglob("sync-token"):
            shutil.rmtree(folder)


def radicale_server(folder: Path, users: tuple[str, ...] = ("alice", "bob")) -> Iterator[RadicaleServer]:
    server = RadicaleServer(folder, users)
    try:
        yield server
    finally:
        server.stop()

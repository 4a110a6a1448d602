"""Every service that changes data writes history: a walk over every public function of every
app's service modules (`services.py`, or the modules of a `services/` package) and rules
(`rules.py`, which the board engine runs inside its moves), and what it calls across apps, finds
those that save, create, update or delete rows, and each of them must reach `record(...)`. A new
service or rule that writes without history fails here. The few that write bookkeeping rather
than a change anyone made are named below, with why."""

from __future__ import annotations

import ast
from pathlib import Path

import tandem

WRITES = {
    "save",
    "create",
    "update",
    "delete",
    "bulk_create",
    "bulk_update",
    "update_or_create",
    "get_or_create",
}

# (app, function): why it writes no history
NOT_A_CHANGE = {
    ("activity", "record"): "it is the history writer",
    (
        "accounts",
        "request_password_reset",
    ): "counts reset mails per address (throttling); the reset itself is recorded",
    ("accounts", "user_for_token"): "notes when a token was last used, at most once a minute",
    ("accounts", "record_login_failure"): "login throttling counters",
    ("accounts", "clear_login_failures"): "login throttling counters",
    (
        "accounts",
        "system_account",
    ): "Tandem's own account (the mail gateway's), made on first use; no one's change",
    ("work", "save_view"): "a person's own saved filter, which nobody else sees",
    ("work", "delete_view"): "a person's own saved filter, which nobody else sees",
    ("mailgate", "send_reply"): "notes that the mail server took a reply; the reply is its comment's history",
    ("sales", "follow_item_state"): "a deal mirrors its item's state for the reports; work records the close",
    ("sales", "follow_state"): "the rule that has the deal mirror its item's state (follow_item_state)",
    ("notifications", "mark_read"): "reading one's own notification changes no record",
    ("notifications", "mark_all_read"): "reading one's own notifications changes no record",
    ("notifications", "mark_record_read"): "opening a record reads one's own notifications of it",
}


def _modules() -> list[Path]:
    """Every app's service modules and rules."""
    root = Path(tandem.__file__).parent
    return sorted([*root.glob("*/services.py"), *root.glob("*/services/*.py"), *root.glob("*/rules.py")])


def _services() -> dict[tuple[str, str], set[str]]:
    """(app, function) -> the names it calls (a name defined in two modules of one app: both's)."""
    root = Path(tandem.__file__).parent
    found: dict[tuple[str, str], set[str]] = {}
    for path in _modules():
        app = path.relative_to(root).parts[0]
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                found.setdefault((app, node.name), set()).update(
                    n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
                    for n in ast.walk(node)
                    if isinstance(n, ast.Call)
                )
    return found


def _reach(services: dict[tuple[str, str], set[str]], start: tuple[str, str]) -> set[str]:
    """Every name called from `start`, through its app's helpers and other apps' services."""
    by_name: dict[str, list[tuple[str, str]]] = {}
    for key in services:
        by_name.setdefault(key[1], []).append(key)
    seen, todo, names = set(), [start], set()
    while todo:
        key = todo.pop()
        if key in seen:
            continue
        seen.add(key)
        names |= services[key]
        for called in services[key]:
            todo += [k for k in by_name.get(called, []) if k[0] == key[0] or not called.startswith("_")]
    return names


def test_every_service_that_writes_records_history() -> None:
    services = _services()
    public = [key for key in services if not key[1].startswith("_")]
    assert len(public) > 80  # the walk sees the services (accounts, contacts, work, sales, ...)
    # ... in packages of service modules, and the rules
    assert {("mailgate", "email_reply"), ("sales", "create_deal"), ("sales", "record_stage")} <= set(public)
    writers = {key for key in public if _reach(services, key) & WRITES}
    missing = sorted(key for key in writers - set(NOT_A_CHANGE) if "record" not in _reach(services, key))
    assert missing == []
    assert set(NOT_A_CHANGE) <= writers  # an exemption for a function that no longer writes goes


def test_the_walk_tells_a_writer_without_history() -> None:
    code = (
        "def make(x):\n    Thing.objects.create(x=x)\n\ndef logged(x):\n    make(x)\n    record(verb='x')\n"
    )
    tree = {("demo", n.name): {getattr(c.func, "attr", getattr(c.func, "id", "")) for c in ast.walk(n)
                               if isinstance(c, ast.Call)} for n in ast.parse(code).body}  # fmt: skip
    assert "record" not in _reach(tree, ("demo", "make")) and "create" in _reach(tree, ("demo", "make"))
    assert "record" in _reach(tree, ("demo", "logged"))

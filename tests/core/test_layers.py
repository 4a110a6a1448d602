"""Tandem's apps stand in layers (docs/architecture.md, "Layers"): a module imports only from its own
app or from a lower layer, never from a higher one nor from a sibling on its own layer. An app that
needs to appear on a higher app's page registers a panel or a hook instead. The only exemption is an
import under `if TYPE_CHECKING:` (annotations only, never run). An import inside a function counts
like one at the top of the module, and a function may import another Tandem app only in
`AppConfig.ready()`, where apps register their hooks."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import tandem

SOURCE = Path(tandem.__file__).parent

# bottom to top; apps on one line are siblings, which may not import each other
LAYERS: list[tuple[str, ...]] = [
    ("core", "formats"),
    ("activity",),
    ("accounts",),
    ("contacts",),
    ("work",),
    ("finance",),
    ("sales", "mailgate", "agenda"),
    ("notifications", "feeds", "rituals"),
    ("web",),
    ("api", "urls", "settings", "wsgi", "cli", "__main__"),
    ("demo",),
]
LAYER_OF = {app: number for number, apps in enumerate(LAYERS) for app in apps}
MOUNTING = set(LAYERS[-2])  # the URL and router mounting may import each other


def app_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "tandem" and len(parts) > 1 else None


def module_name(path: Path) -> str:
    parts = ("tandem", *path.relative_to(SOURCE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


class Imports(ast.NodeVisitor):
    """Every import of a Tandem module in one file: (line, imported module, inside a function, in ready())."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.module, self.is_package = module, is_package
        self.found: list[tuple[int, str, bool, bool]] = []
        self.functions: list[str] = []

    def visit_If(self, node: ast.If) -> None:
        if "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.functions.append(node.name)
        self.generic_visit(node)
        self.functions.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def _add(self, node: ast.stmt, name: str) -> None:
        self.found.append((node.lineno, name, bool(self.functions), self.functions[-1:] == ["ready"]))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._add(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level:
            base = self.module.split(".")
            base = base if self.is_package else base[:-1]
            base = base[: len(base) - node.level + 1]
            name = ".".join([*base, node.module] if node.module else base)
        else:
            name = node.module or ""
        self._add(node, name)


def imports_of(path: Path) -> list[tuple[int, str, bool, bool]]:
    visitor = Imports(module_name(path), path.name == "__init__.py")
    visitor.visit(ast.parse(path.read_text(), str(path)))
    return visitor.found


def source_files() -> list[Path]:
    return sorted(p for p in SOURCE.rglob("*.py") if "migrations" not in p.parts)


def wrong_arrows() -> list[str]:
    wrong = []
    for path in source_files():
        here = app_of(module_name(path))
        if here is None:
            continue
        for line, imported, in_function, in_ready in imports_of(path):
            there = app_of(imported)
            if there is None or there == here:
                continue
            where = f"{path.relative_to(SOURCE.parent)}:{line} imports {imported}"
            if here not in LAYER_OF or there not in LAYER_OF:
                wrong.append(f"{where}: an app missing from the layer table")
            elif LAYER_OF[there] > LAYER_OF[here]:
                wrong.append(f"{where}: up from {here} to {there}")
            elif LAYER_OF[there] == LAYER_OF[here] and not {here, there} <= MOUNTING:
                wrong.append(f"{where}: across siblings {here} and {there}")
            elif in_function and not in_ready:
                wrong.append(f"{where}: inside a function (import at the top, or register in ready())")
    return wrong


def test_every_import_goes_down_the_layers():
    assert wrong_arrows() == []


def test_every_app_is_in_the_layer_table():
    apps = {p.name for p in SOURCE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in SOURCE.glob("*.py") if p.stem != "__init__"}
    assert apps | modules <= set(LAYER_OF)


def test_the_check_sees_an_import_up_the_layers_and_one_hidden_in_a_function(tmp_path, monkeypatch):
    fake = tmp_path / "tandem"
    (fake / "contacts").mkdir(parents=True)
    (fake / "work").mkdir()
    for package in (fake, fake / "contacts", fake / "work"):
        (package / "__init__.py").write_text("")
    (fake / "contacts" / "views.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from tandem.work import queries\n"  # up: contacts is below work
        "if TYPE_CHECKING:\n    from tandem.work.models import Item\n"  # allowed
    )
    (fake / "work" / "services.py").write_text(
        "def f():\n    from tandem.contacts.models import Person\n"  # down, but hidden in a function
    )
    (fake / "work" / "apps.py").write_text(
        "class C:\n    def ready(self):\n        from tandem.contacts import models\n"  # allowed
    )
    monkeypatch.setattr(sys.modules[__name__], "SOURCE", fake)
    found = wrong_arrows()
    assert len(found) == 2
    assert "contacts/views.py:2 imports tandem.work: up from contacts to work" in found[0]
    assert "work/services.py:2 imports tandem.contacts.models: inside a function" in found[1]

"""The house's rules, checked by parsing every module's imports (nothing is imported).

Imports between the subpackages of ``layers`` run one way, along the data flow;
``layers`` never imports Streamlit; the dashboard never does geometry itself.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LAYERS = REPO / "layers"

#: What each room may import, besides itself. The root modules (problems, then errors,
#: which carry problems) may be imported by all.
ALLOWED: dict[str, set[str]] = {
    "problems": set(),
    "errors": {"problems"},
    "geo": {"errors", "problems"},
    "core": {"errors", "problems", "geo"},
    "ingest": {"errors", "problems", "geo", "core"},
    "analysis": {"errors", "problems", "geo", "core"},
    "store": {"errors", "problems", "geo", "core", "ingest"},
    "render": {"errors", "problems", "geo", "core", "analysis"},
    "export": {"errors", "problems", "geo", "core", "analysis", "render"},
    "cli": {"errors", "problems", "geo", "core", "ingest", "analysis", "store", "render",
            "export"},
}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
#: The package's front door re-exports the public API from any room.
TOP = {"__init__", "__main__"}


def _room(path: Path) -> str:
    rel = path.relative_to(LAYERS)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module name imported (absolute form), including imports inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            if module == "layers":  # from layers import geo, core, ... names rooms too
                found += [(node.lineno, f"layers.{a.name}") for a in node.names]
    return found


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if ".venv" not in p.parts)


def test_every_module_sits_in_a_known_room():
    rooms = {_room(p) for p in _modules(LAYERS)} - TOP
    assert rooms <= set(ALLOWED), f"rooms without import rules: {sorted(rooms - set(ALLOWED))}"
    for room in ALLOWED:
        if (LAYERS / room).is_dir():
            init = LAYERS / room / "__init__.py"
            doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
            assert (doc and "May import" in doc) or "may import" in (doc or ""), (
                f"{init.relative_to(REPO)} must say what the room owns and may import")


def test_imports_run_one_way():
    wrong = []
    for path in _modules(LAYERS):
        room = _room(path)
        if room in TOP:
            continue
        for line, module in _imports(path):
            parts = module.split(".")
            if parts[0] != "layers" or len(parts) < 2:
                continue
            target = parts[1]
            if target != room and target not in ALLOWED[room]:
                wrong.append(f"{path.relative_to(REPO)}:{line} ({room}) imports {module}")
    assert not wrong, "imports against the flow:\n" + "\n".join(wrong)


def test_layers_never_imports_streamlit():
    found = [f"{p.relative_to(REPO)}:{line} imports {m}" for p in _modules(LAYERS)
             for line, m in _imports(p) if m.split(".")[0] in {"streamlit", "streamlit_folium"}]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("library", ["shapely", "pyproj"])
def test_dashboard_does_no_geometry(library):
    found = [f"{p.relative_to(REPO)}:{line} imports {m}"
             for p in _modules(REPO / "dashboard")
             for line, m in _imports(p) if m.split(".")[0] == library]
    assert not found, "geometry belongs in layers/:\n" + "\n".join(found)


def test_the_rule_catches_a_wrong_import(tmp_path):
    """The parser sees an upward import, also one inside a function or relative."""
    module = tmp_path / "layers" / "core" / "bad.py"
    module.parent.mkdir(parents=True)
    module.write_text("def f():\n    from ..render import style\n    import layers.export.files\n")
    global LAYERS, REPO
    saved = LAYERS, REPO
    LAYERS, REPO = tmp_path / "layers", tmp_path
    try:
        names = [m for _, m in _imports(module)]
    finally:
        LAYERS, REPO = saved
    assert names == ["layers.render", "layers.export.files"]


def _code_lines(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """A function's length without its docstring (a long docstring is no second job)."""
    length = node.end_lineno - node.lineno + 1
    first = node.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
            and isinstance(first.value.value, str):
        length -= first.end_lineno - first.lineno + 1
    return length


def test_no_module_or_function_too_large():
    """About 400 lines a module and 60 a function: one job each (the issue's limits)."""
    big = []
    for path in _modules(LAYERS):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_MODULE_LINES:
            big.append(f"{path.relative_to(REPO)}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) \
                    and _code_lines(node) > MAX_FUNCTION_LINES:
                big.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}(): "
                           f"{_code_lines(node)} lines")
    assert not big, "\n".join(big)

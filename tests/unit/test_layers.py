"""The package's layers: data flows one way, so a module never imports from a layer above it."""

from __future__ import annotations

import ast
from pathlib import Path

from support.paths import ROOT

PACKAGE = ROOT / "analysis"

#: Bottom to top. A module may import its own layer or any layer below.
LAYERS = {
    "analysis": 0,  # errors, config, periods, workdays, ages, lookup, fileio, withheld, registry
    "analysis.sources": 1,
    "analysis.demo": 2,  # the synthetic world, written through the sources' formats
    "analysis.measures": 2,
    "analysis.presentation": 3,
    "analysis.reports": 4,
    "analysis.engine": 5,
    "analysis.region": 5,  # a region's packs (Dask) and the regional pack: beside the engine
    "analysis.cli": 6,
    "analysis.commands": 6,
    "analysis.__main__": 6,
}


def layer(module: str) -> int:
    """The layer of a dotted module name: its longest prefix in LAYERS."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in LAYERS:
            return LAYERS[".".join(parts[:n])]
    raise AssertionError(f"{module} is in no layer")


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path) -> list[str]:
    """Every `analysis...` module a file imports, at any depth in the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "analysis"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "analysis":
                # `from analysis.x import y` may import the module analysis.x.y
                found += [
                    f"{node.module}.{a.name}"
                    if (PACKAGE.parent / node.module.replace(".", "/") / f"{a.name}.py").exists()
                    else node.module
                    for a in node.names
                ]
    return found


def upward_imports() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        me = module_name(path)
        for target in imports(path):
            if layer(target) > layer(me):
                out.append(f"{me} (layer {layer(me)}) imports {target} (layer {layer(target)})")
    return out


def test_no_module_imports_from_a_higher_layer():
    assert upward_imports() == []


def test_the_check_sees_an_upward_import(tmp_path, monkeypatch):
    bad = tmp_path / "analysis" / "measures"
    bad.mkdir(parents=True)
    (bad / "x.py").write_text("def f():\n    from analysis.presentation import charts\n")
    (tmp_path / "analysis" / "presentation").mkdir()
    (tmp_path / "analysis" / "presentation" / "charts.py").write_text("")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", tmp_path / "analysis")
    assert upward_imports() == [
        "analysis.measures.x (layer 2) imports analysis.presentation.charts (layer 3)"
    ]


def test_every_module_sits_in_a_layer_folder_or_the_bottom():
    bottom = {"__init__", "__main__", "errors", "config", "periods", "workdays", "ages"}
    bottom |= {"lookup", "fileio", "withheld", "registry", "names", "cli", "commands"}
    loose = {p.stem for p in PACKAGE.glob("*.py")} - bottom
    assert loose == set()

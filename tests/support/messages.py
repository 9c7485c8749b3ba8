"""Every rule message the validator can print, read from the source (AST): the text of the
`rule` argument of each report call, with an f-string's values left out."""

from __future__ import annotations

import ast

from support.paths import ROOT

SOURCES = ROOT / "analysis" / "sources"
#: Calls that record a problem, and the position of their rule argument.
CALLS = {
    "error": 1,
    "warning": 1,
    "add": 2,
    "report_rows": 3,
    "_per_file": 4,
    "problem": 2,  # a CIN census element (node, path, rule)
    "fault": 0,  # an Annex A sheet
    "Unreadable": 0,  # an Annex A workbook that cannot be opened
}


def _text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "…" for v in node.values)
    if isinstance(node, ast.Name) and node.id == "DATE_HINT":
        return "not a real date"
    return None


def rule_messages() -> set[str]:
    found = set()
    for path in sorted(SOURCES.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in CALLS and len(node.args) > CALLS[name]:
                text = _text(node.args[CALLS[name]])
                if text:
                    found.add(text.split("…")[0].split(" (")[0].split(";")[0].strip())
    return {t for t in found if t}

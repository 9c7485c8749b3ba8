"""What a board member reads on a rendered page: analyst words that do not belong there.

`problems(html)` reads a page's visible text (not scripts, styles, attributes or the CSV
embedded for download) and names each library name, file name, command, parameter path, raw
code and float-formatted count it finds. The data quality report's technical annex (from its
heading `id="technical-annex"` to the end) may name files and commands; nothing else may."""

from __future__ import annotations

import re

from lxml import html as lxml_html

#: Each rule: a name and the pattern it finds in the visible text.
RULES = {
    "library name": re.compile(
        r"\b(?:statsmodels|scipy|numpy|pandas|NHSRplotthedots|matplotlib|proportion_confint"
        r"|fisher_exact|Table2x2|mannwhitneyu|\w+='\w+')",
        re.IGNORECASE,
    ),
    "file name": re.compile(r"\b[\w-]+\.(?:csv|ya?ml|xlsx|xlsm|xml|json|ipynb|py)\b"),
    "command": re.compile(r"\bboardpack (?:run|validate|benchmarks|demo-data|init|index|db)\b"),
    "parameter path": re.compile(r"\bparams/"),
    "raw code": re.compile(r"\b(?:COMPLETE|IN_PROGRESS|NOT_STARTED|STEP_DOWN|NFA_CLOSE)\b"),
    "float-formatted count": re.compile(r"\b\d{1,3}(?:,\d{3})+\.0\b"),
    "plural in brackets": re.compile(r"\w\(s\)"),
}


def visible_text(page: str) -> str:
    """The text a reader sees, one line per element, without the technical annex."""
    tree = lxml_html.fromstring(page)
    annex = tree.xpath("//*[@id='technical-annex']")
    drop = annex + (annex[0].xpath("following::*") if annex else [])
    for node in tree.xpath("//script|//style") + drop:
        if node.getparent() is not None:
            node.getparent().remove(node)
    return "\n".join(t.strip() for t in tree.itertext() if t.strip())


def problems(page: str) -> list[str]:
    """Each rule broken by the page's visible text, with the words that broke it."""
    text = visible_text(page)
    return [
        f"{rule}: {match.group(0)!r} in {_line(text, match.start())!r}"
        for rule, pattern in RULES.items()
        for match in pattern.finditer(text)
    ]


def _line(text: str, at: int) -> str:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return text[start : end if end >= 0 else None][:160]

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


#: Abbreviations a board member may not know, each with the words that gloss it (case aside).
ABBREVIATIONS = {
    "FTE": "full-time equivalent",
    "NFA": "no further action",
    "CSWW": "children's social work workforce",
    "SPC": "statistical process control",
    "CI": "confidence interval",
    "ONS": "Office for National Statistics",
    "CIN": "child(?:ren)? in need",
    "LA": "local authority",
    "DfE": "Department for Education",
    "HR": "human resources",
    "BVPI": "Best Value Performance Indicator",
    "PACE": "Police and Criminal Evidence Act",
    "kappa": "beyond what chance",
    "AC1": "an agreement measure that stays reliable",
}


def unglossed(page: str) -> list[str]:
    """Each abbreviation the page uses without glossing it where it first appears: the gloss
    must come in the same line or before it, or in the page's "Words used" box."""
    tree = lxml_html.fromstring(page)
    box = " ".join(
        t for node in tree.xpath("//*[contains(@class, 'glossary')]") for t in node.itertext()
    )
    text = visible_text(page)
    out = []
    for short, gloss in ABBREVIATIONS.items():
        used = re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text)
        if not used:
            continue
        end = text.find("\n", used.end())
        before = text[: end if end >= 0 else None]
        if not re.search(gloss, before, re.IGNORECASE) and not re.search(gloss, box, re.IGNORECASE):
            out.append(f"{short} not glossed where it first appears: {_line(text, used.start())!r}")
    return out


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

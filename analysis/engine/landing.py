"""The landing page `<out>/index.html`.

It leads with the latest board summary (its key points and links), then lists every period,
newest first, with each report's web page and PDF links and status. A filter by report works
without JavaScript (radio buttons and CSS), so the page is self-contained static HTML that
opens from a shared drive or any web server, and reads well on a phone.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime
from pathlib import Path

from analysis.fileio import write_atomic

_PERIOD_DIR = re.compile(r"^\d{4}-\d{2}$")
SUMMARY = "board_summary"

CSS = """
html{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;color:#0b0c0c;background:#fff}
body{margin:0 auto;max-width:56rem;padding:1rem 1.25rem 3rem;line-height:1.5}
h1{color:#12436D;font-size:1.8rem;margin:.5rem 0}
h2{color:#12436D;font-size:1.35rem;border-bottom:1px solid #b1b4b6;margin-top:2rem}
.marking{font-weight:bold;text-align:center;border:2px solid #0b0c0c;padding:.2rem}
.synthetic{background:#801650;color:#fff;font-weight:bold;padding:.4rem .75rem}
.lead{background:#f3f2f1;border-left:6px solid #28A197;padding:.5rem 1rem;margin:1rem 0}
.lead h2{margin-top:.25rem;border:0}
a{color:#1d70b8}a:focus,input:focus+label{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border-bottom:1px solid #b1b4b6;padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #0b0c0c}
.failed{color:#A8200D;font-weight:bold}
fieldset{border:1px solid #b1b4b6;margin:1rem 0;padding:.5rem .75rem}
legend{font-weight:bold;padding:0 .25rem}
.choice{display:inline-flex;align-items:baseline;gap:.3rem;max-width:100%;
margin:.15rem 1rem .15rem 0}
@media (max-width:40rem){thead{display:none}tr{display:block;border-bottom:2px solid #b1b4b6;
padding:.4rem 0}td,th{display:block;border:0;padding:.1rem 0}}
"""


def _load(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def periods(out: Path) -> list[tuple[str, dict]]:
    """(period, manifest) for every published period folder, newest first."""
    if not Path(out).is_dir():
        return []
    found = [
        (p.name, _load(p / "manifest.json"))
        for p in Path(out).iterdir()
        if p.is_dir() and _PERIOD_DIR.match(p.name)
    ]
    return sorted(found, reverse=True)


def _label(period: str) -> str:
    return datetime.strptime(period, "%Y-%m").strftime("%B %Y")


def _links(out: Path, period: str, name: str, title: str) -> list[str]:
    links = []
    for ext, what in (("html", "web page"), ("pdf", "PDF")):
        if (Path(out) / period / f"{name}.{ext}").exists():
            links.append(
                f'<a href="{period}/{name}.{ext}">{html.escape(title)}, '
                f"{_label(period)} ({what})</a>"
            )
    return links


def _rows(out: Path, period: str, manifest: dict) -> str:
    rows = []
    for name, entry in manifest.get("reports", {}).items():
        title = entry.get("title", name)
        links = _links(out, period, name, title)
        ok = entry.get("status") == "published"
        status = "published" if ok else "failed in the latest run"
        rows.append(
            f'<tr class="r-{html.escape(name)}"><th scope="row">{html.escape(title)}'
            f"</th><td>{'<br>'.join(links) or 'not published'}</td>"
            f"<td{'' if ok else ' class=failed'}>{status}</td></tr>"
        )
    return "".join(rows)


def _lead(out: Path, found: list[tuple[str, dict]]) -> str:
    """The latest period with a published board summary: its key points and links."""
    for period, manifest in found:
        entry = manifest.get("reports", {}).get(SUMMARY, {})
        if entry.get("status") != "published":
            continue
        metrics = _load(Path(out) / period / "metrics.json").get("reports", {}).get(SUMMARY, {})
        points = "".join(f"<li>{html.escape(p)}</li>" for p in metrics.get("key_points", []))
        links = " · ".join(_links(out, period, SUMMARY, entry.get("title", "Board summary")))
        return (
            f'<section class="lead" aria-labelledby="latest"><h2 id="latest">Latest board '
            f"summary: {_label(period)}</h2><ul>{points}</ul><p>{links}</p></section>"
        )
    return ""


def _filter(names: dict[str, str]) -> tuple[str, str]:
    """Radio buttons that show one report's rows (CSS only), and the CSS rules for them."""
    choice = (
        '<span class="choice"><input type="radio" name="show" id="show-{}"{}>'
        '<label for="show-{}">{}</label></span>'
    )
    inputs = [choice.format("all", " checked", "all", "All reports")]
    rules = []
    for name, title in names.items():
        inputs.append(choice.format(name, "", name, html.escape(title)))
        rules.append(f"body:has(#show-{name}:checked) main tbody tr:not(.r-{name}){{display:none}}")
    form = "<fieldset><legend>Show reports</legend>" + "".join(inputs) + "</fieldset>"
    return form, "".join(rules)


def build_index(out: Path) -> str:
    """The landing page's HTML."""
    found = periods(out)
    latest = found[0][1] if found else {}
    la = html.escape(latest.get("la_name", ""))
    marking = html.escape(latest.get("classification", ""))
    synthetic = any(m.get("synthetic") for _, m in found)
    names = {}
    for _, manifest in found:
        for name, entry in manifest.get("reports", {}).items():
            names.setdefault(name, entry.get("title", name))
    form, rules = _filter(names)
    sections = [
        f'<section aria-labelledby="p{period}"><h2 id="p{period}">{_label(period)}</h2>'
        f"<table><caption>Reports for {_label(period)}</caption><thead><tr>"
        '<th scope="col">Report</th><th scope="col">Read it</th>'
        f'<th scope="col">Status</th></tr></thead><tbody>{_rows(out, period, manifest)}'
        "</tbody></table></section>"
        for period, manifest in found
    ]
    body = "".join(sections) or "<p>No reports have been published yet.</p>"
    banner = (
        ('<p class="synthetic">Synthetic demonstration data – not real children or staff</p>')
        if synthetic
        else ""
    )
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Improvement board reports – {la}</title><style>{CSS}{rules}</style></head>"
        f'<body><header><p class="marking">{marking}</p>{banner}'
        f"<h1>Improvement board reports</h1><p>{la}</p></header>"
        f"{form}<main>{_lead(out, found)}{body}</main>"
        f"<footer><p>Page built {datetime.now():%d/%m/%Y %H:%M}.</p></footer></body></html>"
    )


def write_index(out: Path) -> Path:
    """Rebuild `<out>/index.html` atomically from what is in `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return write_atomic(out / "index.html", build_index(out))

"""The landing page `<out>/index.html`: every period, newest first, each report's links and
status. Static, self-contained HTML with no scripts, readable on a phone."""

from __future__ import annotations

import html
import json
import os
import re
from datetime import datetime
from pathlib import Path

_PERIOD_DIR = re.compile(r"^\d{4}-\d{2}$")

CSS = """
html{font-family:"DejaVu Sans",Arial,Helvetica,sans-serif;color:#0b0c0c;background:#fff}
body{margin:0 auto;max-width:56rem;padding:1rem 1.25rem 3rem;line-height:1.5}
h1{color:#12436D;font-size:1.8rem;margin:.5rem 0}
h2{color:#12436D;font-size:1.35rem;border-bottom:1px solid #b1b4b6;margin-top:2rem}
.marking{font-weight:bold;text-align:center;border:2px solid #0b0c0c;padding:.2rem}
.synthetic{background:#801650;color:#fff;font-weight:bold;padding:.4rem .75rem}
a{color:#1d70b8}a:focus{outline:3px solid #fd0;background:#fd0;color:#0b0c0c}
table{border-collapse:collapse;width:100%}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border-bottom:1px solid #b1b4b6;padding:.35rem .5rem;text-align:left;vertical-align:top}
thead th{border-bottom:2px solid #0b0c0c}
.failed{color:#A8200D;font-weight:bold}
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
    found = (
        [
            (p.name, _load(p / "manifest.json"))
            for p in Path(out).iterdir()
            if p.is_dir() and _PERIOD_DIR.match(p.name)
        ]
        if Path(out).is_dir()
        else []
    )
    return sorted(found, reverse=True)


def _label(period: str) -> str:
    return datetime.strptime(period, "%Y-%m").strftime("%B %Y")


def _rows(out: Path, period: str, manifest: dict) -> str:
    rows = []
    for name, entry in manifest.get("reports", {}).items():
        title = html.escape(entry.get("title", name))
        links = []
        for ext, what in (("html", "web page"), ("pdf", "PDF")):
            if (Path(out) / period / f"{name}.{ext}").exists():
                links.append(
                    f'<a href="{period}/{name}.{ext}">{title}, {_label(period)} ({what})</a>'
                )
        status = entry.get("status", "unknown")
        cls = ' class="failed"' if status != "published" else ""
        shown = "published" if status == "published" else "failed in the latest run"
        rows.append(
            f'<tr><th scope="row">{title}</th><td>{"<br>".join(links) or "–"}</td>'
            f"<td{cls}>{shown}</td></tr>"
        )
    return "".join(rows)


def build_index(out: Path) -> str:
    """The landing page's HTML."""
    found = periods(out)
    latest = found[0][1] if found else {}
    la = html.escape(latest.get("la_name", ""))
    marking = html.escape(latest.get("classification", ""))
    synthetic = any(m.get("synthetic") for _, m in found)
    sections = []
    for period, manifest in found:
        sections.append(
            f'<section aria-labelledby="p{period}"><h2 id="p{period}">{_label(period)}</h2>'
            f"<table><caption>Reports for {_label(period)}</caption><thead><tr>"
            f'<th scope="col">Report</th><th scope="col">Read it</th>'
            f'<th scope="col">Status</th></tr></thead><tbody>'
            f"{_rows(out, period, manifest)}</tbody></table></section>"
        )
    body = "".join(sections) or "<p>No reports have been published yet.</p>"
    banner = (
        (
            '<p class="synthetic" role="note">Synthetic demonstration data – not real '
            "children or staff</p>"
        )
        if synthetic
        else ""
    )
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Improvement board reports – {la}</title><style>{CSS}</style></head><body>"
        f'<header><p class="marking">{marking}</p>{banner}'
        f"<h1>Improvement board reports</h1><p>{la}</p></header>"
        f"<main>{body}</main><footer><p>Built {datetime.now():%d/%m/%Y %H:%M}.</p></footer>"
        "</body></html>"
    )


def write_index(out: Path) -> Path:
    """Rebuild `<out>/index.html` atomically from what is in `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "index.html"
    tmp = out / f".index.{os.getpid()}.tmp"
    tmp.write_text(build_index(out), encoding="utf-8")
    os.replace(tmp, target)
    return target

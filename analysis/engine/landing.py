"""The landing page `<out>/index.html`, from the Jinja2 template
`presentation/templates/landing.html`.

It leads with the latest board summary (its key points and links), then lists every period,
newest first, with each report's web page and PDF links and status. A filter by report works
without JavaScript (radio buttons and CSS), so the page is self-contained static HTML that
opens from a shared drive or any web server, and reads well on a phone.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path

import jinja2

from analysis.config import PACKAGE_DIR
from analysis.engine.params import summary_reports
from analysis.fileio import write_atomic
from analysis.periods import is_period, period_label

TEMPLATES = PACKAGE_DIR / "presentation" / "templates"


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True
    )
    return env.get_template("landing.html")


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
        if p.is_dir() and is_period(p.name)
    ]
    return sorted(found, reverse=True)


def _links(out: Path, period: str, name: str, title: str) -> list[dict]:
    return [
        {"href": f"{period}/{name}.{ext}", "text": f"{title}, {period_label(period)} ({what})"}
        for ext, what in (("html", "web page"), ("pdf", "PDF"))
        if (Path(out) / period / f"{name}.{ext}").exists()
    ]


def _lead(out: Path, found: list[tuple[str, dict]]) -> dict | None:
    """The latest period with a published summary report: its key points and links."""
    summaries = summary_reports()
    for period, manifest in found:
        for name, entry in manifest.get("reports", {}).items():
            if name not in summaries or entry.get("status") != "published":
                continue
            metrics = _load(Path(out) / period / "metrics.json").get("reports", {}).get(name, {})
            return {
                "label": period_label(period),
                "points": metrics.get("key_points", []),
                "links": _links(out, period, name, entry.get("title", name)),
            }
    return None


def build_index(out: Path) -> str:
    """The landing page's HTML."""
    found = periods(out)
    latest = found[0][1] if found else {}
    reports: dict[str, str] = {}
    for _, manifest in found:
        for name, entry in manifest.get("reports", {}).items():
            reports.setdefault(name, entry.get("title", name))
    rows = [
        {
            "period": period,
            "label": period_label(period),
            "rows": [
                {
                    "name": name,
                    "title": entry.get("title", name),
                    "links": _links(out, period, name, entry.get("title", name)),
                    "ok": entry.get("status") == "published",
                }
                for name, entry in manifest.get("reports", {}).items()
            ],
        }
        for period, manifest in found
    ]
    return _template().render(
        la_name=latest.get("la_name", ""),
        marking=latest.get("classification", ""),
        synthetic=any(m.get("synthetic") for _, m in found),
        css=(TEMPLATES / "landing.css").read_text(),
        reports=reports,
        lead=_lead(out, found),
        periods=rows,
        built=f"{datetime.now():%d/%m/%Y %H:%M}",
    )


def write_index(out: Path) -> Path:
    """Rebuild `<out>/index.html` atomically from what is in `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return write_atomic(out / "index.html", build_index(out))

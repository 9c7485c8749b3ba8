"""The landing page `<out>/index.html`: the board's dashboard, from the Jinja2 template
`presentation/templates/dashboard.html` and the static assets copied into `<out>/assets/`.

For each published period (chosen with a period switch, newest first): the board summary's
key points and a tile per headline measure, grouped by the board's themes, with its chart,
table and CSV (`presentation.dashboard`); below, every period's reports with their web page and
PDF links and status, and the period's "How we compare in the region" page where a regional
run has added one. It reads only what the runs published (metrics.json, manifest.json), so
it works from a file share or SharePoint with no server, and no request leaves the page.
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
from analysis.presentation import dashboard as dash
from analysis.presentation.formats import ASSURANCE_ICONS, VARIATION_ICONS, shown_of
from analysis.presentation.present import definitions, terms_used
from analysis.region import LA_PAGE, LA_PAGE_TITLE
from analysis.reports import board_summary as board

TEMPLATES = PACKAGE_DIR / "presentation" / "templates"
ASSETS = PACKAGE_DIR / "presentation" / "assets"


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True
    )
    return env.get_template("dashboard.html")


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


def _region_links(out: Path, period: str) -> list[dict]:
    """The links to the period's "How we compare in the region" page, which `boardpack
    region run` adds beside the LA's reports (none when it has not)."""
    return _links(out, period, LA_PAGE, LA_PAGE_TITLE)


def _tile(period: str, row, index: int) -> dict:
    """One measure's tile for the dashboard, with its chart, table and CSV when it has a
    series."""
    m = row.measure
    tile = {
        "label": m.label,
        "href": f"{period}/{row.link}",
        "value": shown_of(row.value, row.out_of, m.format),
        "change": dash.change_words(row.value, row.year_earlier, m.format),
        "spark": dash.sparkline_svg(row.trend),
        "verdict": row.verdict,
        "variation_icon": VARIATION_ICONS.get(row.point_type, ("", ""))[0],
        "variation_class": f"v-{VARIATION_ICONS.get(row.point_type, ('', 'common'))[1]}",
        "assurance": ASSURANCE_ICONS.get(row.assurance),
        "id": f"{period}-{index}",
        "chart": "",
    }
    tile |= {"target": row.target.capitalize(), "series_note": row.series_note}
    if len(row.trend) >= 2:
        # the board's one verdict draws the chart: its XmR limits, only where SPC applies
        frame = dash.chart_frame(row.trend, row.chart)
        tile |= {
            "chart": dash.chart_svg(
                m.label, frame, m.format, m.frequency, f"c{period}-{index}", target=m.target
            ),
            "table": dash.table_html(m.label, frame, m.format, m.frequency),
            "csv": dash.csv_text(m.label, frame, m.frequency, m.format),
            "file": f"{m.metric}_{period}.csv",
        }
    return tile


def _dashboard(out: Path, period: str, manifest: dict) -> dict | None:
    """A period's board picture: the summary's key points and links, and the tiles by theme;
    None when the period has no published summary."""
    summary = summary_reports()  # read from the notebooks: once, not once per report
    summaries = [
        n
        for n, e in manifest.get("reports", {}).items()
        if n in summary and e.get("status") == "published"
    ]
    if not summaries:
        return None
    reports = _load(Path(out) / period / "metrics.json").get("reports", {})
    card = board.scorecard(reports, board.dashboard_measures(), period)
    tiles = [(row.measure.theme, _tile(period, row, i)) for i, row in enumerate(card.itertuples())]
    # the dashboard's own measures (no room on the summary's page) by the same rules, after
    # the summary's lists
    shared = board.measures()
    own = card[[m not in shared for m in card["measure"]]]
    recorded = reports.get(summaries[0], {})
    order = board.themes() + sorted({t for t, _ in tiles} - set(board.themes()))
    name = summaries[0]
    return {
        "period": period,
        "label": period_label(period),
        "points": recorded.get("key_points", []),
        "attention": recorded.get("attention", []) + board.attention(own, {}),
        "improvements": recorded.get("improvements", []) + board.improvements(own),
        "links": _links(out, period, name, manifest["reports"][name].get("title", name))
        + _region_links(out, period)[:1],
        "themes": [
            {"name": theme or "Other measures", "tiles": [x for t, x in tiles if t == theme]}
            for theme in order
            if any(t == theme for t, _ in tiles)
        ],
    }


def copy_assets(out: Path) -> None:
    """The dashboard's script and style sheet into `<out>/assets/` (only when changed)."""
    for source in ASSETS.iterdir():
        target = Path(out) / "assets" / source.name
        if not target.exists() or target.read_bytes() != source.read_bytes():
            write_atomic(target, source.read_bytes())


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
            ]
            + [
                {"name": LA_PAGE, "title": LA_PAGE_TITLE, "links": links, "ok": True}
                for links in [_region_links(out, period)]
                if links
            ],
        }
        for period, manifest in found
    ]
    dashboards = [d for p, m in found if (d := _dashboard(out, p, m))]
    words = [
        text
        for d in dashboards
        for text in [*d["points"], *d["attention"], *d["improvements"]]
        + [t[k] for theme in d["themes"] for t in theme["tiles"] for k in ("label", "verdict")]
    ]
    return _template().render(
        la_name=latest.get("la_name", ""),
        glossary=[(t, definitions()[t]) for t in terms_used(words)],
        marking=latest.get("classification", ""),
        synthetic=any(m.get("synthetic") for _, m in found),
        reports=reports,
        dashboards=dashboards,
        periods=rows,
        built=f"{datetime.now():%d/%m/%Y %H:%M}",
    )


def write_index(out: Path) -> Path:
    """Rebuild `<out>/index.html` atomically from what is in `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    return write_atomic(out / "index.html", build_index(out))

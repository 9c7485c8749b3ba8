"""A small static accessibility checker for the HTML this project writes (WCAG 2.2 AA, the
parts static HTML can show): language, title, landmarks, heading order, alt text, link text,
form labels, table headers, duplicate ids, zoom, and colour contrast of the CSS rules."""

from __future__ import annotations

import re
from html.parser import HTMLParser

GENERIC_LINKS = {"click here", "here", "more", "link", "read more", "this"}


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text_stack: list[list] = []
        self.links: list[tuple[dict, str]] = []
        self.style = ""
        self._in_style = False
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "a":
            self.text_stack.append([attrs, ""])
        self._in_style = tag == "style"
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "a" and self.text_stack:
            attrs, text = self.text_stack.pop()
            self.links.append((attrs, text.strip()))
        self._in_style = self._in_title = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        if self._in_title:
            self.title += data
        for item in self.text_stack:
            item[1] += data


def _rgb(colour: str) -> tuple[float, float, float] | None:
    c = colour.strip().lower()
    if c in ("#fff", "white"):
        c = "#ffffff"
    if re.fullmatch(r"#[0-9a-f]{3}", c):
        c = "#" + "".join(ch * 2 for ch in c[1:])
    if not re.fullmatch(r"#[0-9a-f]{6}", c):
        return None
    return tuple(int(c[i : i + 2], 16) / 255 for i in (1, 3, 5))


def _luminance(rgb) -> float:
    def lin(v):
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two hex colours."""
    a, b = sorted((_luminance(_rgb(fg)), _luminance(_rgb(bg))), reverse=True)
    return (a + 0.05) / (b + 0.05)


def check(page: str) -> list[str]:
    """Every problem found, as readable lines (an empty list means none)."""
    c = _Collector()
    c.feed(page)
    problems = []
    html_tag = next((a for t, a in c.tags if t == "html"), {})
    if not html_tag.get("lang"):
        problems.append("html element has no lang")
    if not c.title.strip():
        problems.append("page has no title")
    if sum(t == "main" for t, _ in c.tags) != 1:
        problems.append("page needs exactly one main landmark")
    levels = [int(t[1]) for t, _ in c.tags if re.fullmatch(r"h[1-6]", t)]
    if levels.count(1) != 1:
        problems.append(f"page needs exactly one h1 (found {levels.count(1)})")
    for prev, cur in zip(levels, levels[1:], strict=False):
        if cur > prev + 1:
            problems.append(f"heading level skips from h{prev} to h{cur}")
    for tag, attrs in c.tags:
        if tag == "img" and not (attrs.get("alt") or "").strip():
            problems.append("img without alt text")
        if tag == "th" and "scope" not in attrs:
            problems.append("table header cell without scope")
        if (
            tag == "meta"
            and attrs.get("name") == "viewport"
            and re.search(
                r"user-scalable\s*=\s*no|maximum-scale\s*=\s*1(\.0)?\b", attrs.get("content", "")
            )
        ):
            problems.append("viewport disables zoom")
    tables = sum(t == "table" for t, _ in c.tags)
    if sum(t == "caption" for t, _ in c.tags) < tables:
        problems.append("a table has no caption")
    ids = [a["id"] for _, a in c.tags if a.get("id")]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        problems.append(f"duplicate ids: {sorted(dupes)[:5]}")
    labelled = {a.get("for") for t, a in c.tags if t == "label"}
    for tag, attrs in c.tags:
        if tag == "input" and attrs.get("type") != "hidden" and attrs.get("id") not in labelled:
            problems.append(f"input {attrs.get('id')} has no label")
    seen: dict[str, str] = {}
    for attrs, text in c.links:
        if not text:
            problems.append(f"link to {attrs.get('href')} has no text")
        elif text.lower() in GENERIC_LINKS:
            problems.append(f"link text '{text}' does not make sense out of context")
        elif seen.setdefault(text, attrs.get("href")) != attrs.get("href"):
            problems.append(f"link text '{text}' used for two different targets")
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", c.style):
        fg = re.search(r"(?<![-\w])color\s*:\s*(#[0-9a-fA-F]{3,6})", body)
        bg = re.search(r"background(?:-color)?\s*:\s*(#[0-9a-fA-F]{3,6})", body)
        if fg:
            ratio = contrast(fg.group(1), bg.group(1) if bg else "#ffffff")
            if ratio < 4.5:
                problems.append(f"contrast {ratio:.2f}:1 below 4.5:1 in '{selector.strip()}'")
    return problems

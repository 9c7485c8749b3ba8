"""What a rendered pack says, for the identifier scans."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
from pypdf import PdfReader

from analysis.demo.generate import demo_folder

#: Child and employee identifiers and UPNs as the demo data writes them.
ID_PATTERN = re.compile(r"\b(?:[CE]\d{8}|FAKE\d{9})\b")


def identifiers() -> set[str]:
    """Every child and employee identifier and UPN in the demo inputs."""
    folder = demo_folder()
    ids: set[str] = set()
    for name, cols in (
        ("ssda903/header.csv", ["CHILD", "UPN"]),
        ("cin_cp.csv", ["CHILD"]),
        ("assessments.csv", ["CHILD"]),
        ("contacts.csv", ["CHILD"]),
        ("referrals.csv", ["CHILD"]),
        ("audits.csv", ["CHILD", "AUDIT_ID"]),
        ("family.csv", ["CHILD", "FAMILY_ID"]),
        ("absence.csv", ["EMPLOYEE_ID"]),
        ("caseloads.csv", ["WORKER_ID"]),
        ("appraisals.csv", ["EMPLOYEE_ID"]),
    ):
        frame = pd.read_csv(folder / name, dtype=str, usecols=cols)
        for col in cols:
            ids.update(frame[col].dropna())
    return ids


def published_text(out: Path) -> dict[str, str]:
    texts = {}
    for path in out.rglob("*"):
        if path.suffix == ".html":
            texts[str(path)] = path.read_text()
        elif path.suffix == ".pdf":
            texts[str(path)] = "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)
        elif path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            texts[str(path)] = json.dumps([c.get("outputs", []) for c in nb.cells])
        elif path.suffix == ".json":
            texts[str(path)] = path.read_text()
    return texts


def digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under `folder`, outside `public/`."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "public" not in p.relative_to(folder).parts
    }


def page_text(html: str) -> str:
    """A page's words, without its images and the time it was made."""
    html = re.sub(r"data:image/[^\"')]+", "", html)
    html = re.sub(r"Generated</dt>\s*<dd>[^<]*", "Generated</dt><dd>", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def differing(csv: dict, other: dict) -> dict[str, set[str]]:
    """Per report, the metrics (and series, as `series.<name>`) whose values differ."""
    found: dict[str, set[str]] = {}
    for report, metrics in csv.items():
        for name, value in metrics.items():
            theirs = other.get(report, {}).get(name)
            if name == "series":
                for series, points in value.items():
                    if (theirs or {}).get(series) != points:
                        found.setdefault(report, set()).add(f"series.{series}")
            elif theirs != value:
                found.setdefault(report, set()).add(name)
    return found

"""Where things live, and reading the YAML configuration in `params/`."""

from __future__ import annotations

import difflib
import os
from functools import cache
from pathlib import Path

import yaml

from analysis.errors import BoardpackError

PACKAGE_DIR = Path(__file__).resolve().parent
#: The project checkout (an editable install); BOARDPACK_HOME overrides it.
PROJECT_ROOT = Path(os.environ.get("BOARDPACK_HOME", PACKAGE_DIR.parent)).resolve()
PARAMS_DIR = PROJECT_ROOT / "params"
#: An LA's own params folder, laid over PARAMS_DIR (`boardpack --params DIR`).
LOCAL_PARAMS = "BOARDPACK_PARAMS"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
#: PyYAML's libyaml parser where PyYAML was built with it (ten times faster; same documents)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> dict:
    """Read a YAML mapping; a missing or malformed file, or a key given twice in one mapping
    (YAML would silently keep the last), is a user-facing error."""
    try:
        with open(path, encoding="utf-8") as fh:
            loader = _LOADER(fh)
            try:
                node = loader.get_single_node()
                if node is not None:
                    _no_repeated_keys(node, path)
                data = loader.construct_document(node) if node is not None else None
            finally:
                loader.dispose()
    except FileNotFoundError:
        raise BoardpackError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise BoardpackError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise BoardpackError(f"{path}: not valid YAML ({exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BoardpackError(f"{path}: expected a mapping of names to values")
    return data


def _no_repeated_keys(node, path: Path) -> None:
    """Walk the composed document (libyaml's speed: no second parse) and refuse the first
    mapping that gives a key twice, naming both lines."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, yaml.MappingNode):
            seen: dict = {}
            for key, value in item.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        raise BoardpackError(
                            f"{path} line {key.start_mark.line + 1}: {key.value} is given twice "
                            f"(also line {seen[key.value] + 1}); keep one"
                        )
                    seen[key.value] = key.start_mark.line
                stack.append(value)
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)


def nearest(word: str, known) -> str:
    """' (did you mean X?)' for the known name closest to a misspelt one, else ''."""
    close = difflib.get_close_matches(str(word), [str(k) for k in known], n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def _text(value) -> str | None:
    return None if isinstance(value, str) and value.strip() else "text"


def _whole(low: int, high: int):
    def check(value) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return None if ok else f"a whole number from {low} to {high}"

    return check


def _one_of(*choices: str):
    def check(value) -> str | None:
        return None if value in choices else f"one of {', '.join(choices)}"

    return check


def _texts(value) -> str | None:
    ok = isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
    return None if ok else "a list of names, e.g. [a, b]"


#: The sources whose coverage is checked (see analysis/sources/coverage.py).
COVERAGE_TABLES = (
    "episodes", "contacts", "referrals", "cin_cp", "assessments", "audits", "absence",
    "staffing",
)  # fmt: skip


def _tolerance(value) -> str | None:
    want = "a mapping of sources to months from 0 to 24, e.g. {episodes: 2, staffing: 0}"
    if not isinstance(value, dict):
        return want
    for table, months in value.items():
        if table not in COVERAGE_TABLES:
            return f"{want}; {table} is not a source{nearest(table, COVERAGE_TABLES)}"
        if _whole(0, 24)(months):
            return f"{want}; {table}: {months!r}"
    return None


def _measures(value) -> str | None:
    want = "a list of measures, each with report and metric, e.g. [{report: a, metric: b}]"
    ok = isinstance(value, list) and all(
        isinstance(v, dict) and all(isinstance(v.get(k), str) for k in ("report", "metric"))
        for v in value
    )
    return None if ok else want


#: The settings of defaults.yaml, each with the check of its value (None when it passes, else
#: what it should be). Report parameters may also be set there (see engine/params.py).
SETTINGS = {
    "la_name": _text,
    "classification": _text,
    "classification_public": _text,
    "publication": _one_of("restricted", "public"),
    "suppression_threshold": _whole(1, 100),
    "data_dir": _text,
    "processed_dir": _text,
    "out_dir": _text,
    "reports": _texts,
    "new_la_code": _text,
    "old_la_code": _text,
    "benchmark_dir": _text,
    "dashboard_themes": _texts,
    "dashboard_measures": _measures,
    "dip_sample": _text,
    "coverage_tolerance_months": _tolerance,
    "next_step_working_days": _whole(0, 60),
}


def check_settings(data: dict, path: Path) -> dict:
    """The settings of one defaults file, each of SETTINGS checked: one line naming the file,
    the key, what it should be and what it is."""
    for key, check in SETTINGS.items():
        if key in data:
            want = check(data[key])
            if want:
                raise BoardpackError(f"{path}: {key} must be {want}, not {data[key]!r}")
    return data


@cache
def codelists() -> dict:
    """The code lists in `analysis/sources/codelists.yaml` (DfE SSDA903 codes and standard
    categories)."""
    return read_yaml(PACKAGE_DIR / "sources" / "codelists.yaml")


def local_params() -> Path | None:
    """The LA's own params folder, when one is set (BOARDPACK_PARAMS, or --params)."""
    folder = os.environ.get(LOCAL_PARAMS)
    return Path(folder).resolve() if folder else None


def params_file(name: str, base: Path | None = None) -> Path:
    """Where a configuration file is read from: the LA's own params folder when it has the
    file, else the tool's (`base`, default params/)."""
    local = local_params()
    if local is not None and (local / name).exists():
        return local / name
    return Path(base or PARAMS_DIR) / name


def read_params(name: str, base: Path | None = None) -> dict:
    """A configuration file, LA folder first (see `params_file`); defaults.yaml is merged
    key by key (a mapping's keys too), the LA's keys winning, so an LA folder need only hold
    what it changes. Each defaults file's settings are checked (`check_settings`)."""
    tool = Path(base or PARAMS_DIR) / name
    local = local_params()
    if name == "defaults.yaml":
        merged = check_settings(read_yaml(tool), tool)
        if local is not None and (local / name).exists():
            own = check_settings(read_yaml(local / name), local / name)
            # a mapping (coverage_tolerance_months) is merged too: the LA names what it changes
            merged |= {
                k: merged[k] | v if isinstance(v, dict) and isinstance(merged.get(k), dict) else v
                for k, v in own.items()
            }
        return merged
    return read_yaml(params_file(name, base))


def label_map(name: str, params_dir: Path | None = None) -> dict[str, str]:
    """A local-label -> category map from `params/<name>.yaml`, keys upper-cased and stripped."""
    raw = read_params(f"{name}.yaml", params_dir)
    return {str(k).strip().upper(): str(v).strip().upper() for k, v in raw.items()}


def code_label(code_list: str, code: str) -> str:
    """A code with its meaning for the page, e.g. "C2 – full care order" (the code alone
    when the code list gives no meaning)."""
    meaning = (codelists().get("labels", {}).get(code_list) or {}).get(str(code))
    return f"{code} – {meaning}" if meaning else str(code)

"""Where things live, and reading the YAML configuration in `params/`."""

from __future__ import annotations

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
    """Read a YAML mapping; a missing or malformed file is a user-facing error."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=_LOADER)
    except FileNotFoundError:
        raise BoardpackError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise BoardpackError(f"{path}: not valid YAML ({exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BoardpackError(f"{path}: expected a mapping of names to values")
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
    key by key, the LA's keys winning, so an LA folder need only hold what it changes."""
    tool = Path(base or PARAMS_DIR) / name
    local = local_params()
    if name == "defaults.yaml" and local is not None and (local / name).exists():
        return read_yaml(tool) | read_yaml(local / name)
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

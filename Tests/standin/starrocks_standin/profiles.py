"""Per-release behaviour of StarRocks: the one table `--starrocks-version` selects from.

Each row holds what changed between releases, with the StarRocks source (file, PR) that changed
it; Tests/standin/README.md ("Supported releases and version profiles") explains the choice of
releases. Code that behaves per release asks `current()` instead of comparing version strings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Dict, List, Optional

OLD_EMPTY_LOAD_MSG = "all partitions have no load data"
NEW_EMPTY_LOAD_MSG = ("No partitions have data available for loading. If you are sure there may be no data "
                      "to be loaded, you can use `ADMIN SET FRONTEND CONFIG ('empty_load_as_error' = 'false')` "
                      "to ensure such load jobs can succeed")


@dataclass(frozen=True)
class Profile:
    release: str                 # "major.minor"
    supported: bool              # pg2sr supports it (README); other rows only model older behaviour
    mysql_version: str           # FE mysql_server_version default: 5.1.0, 8.0.33 from 3.4 (PR #52512)
    csv_varbinary: str           # CSV VARBINARY field: "hex" (3.0-3.1), "base64" from 3.2 (PR #26911)
    max_decimal_precision: int   # DECIMAL256 (precision 76) from 4.0
    max_varchar: int             # VARCHAR(M) bytes: 1048576 from 2.1 to 4.1
    string_length: int           # STRING = VARCHAR(65533) (docs STRING.md)
    empty_load_message: str      # 0 rows loaded: reworded in 3.3 (PR #44292)
    raise_error: bool            # raise_error() exists from 4.1 (PR #69661)
    patch: str = "0"             # the patch level of `current_version()`

    @property
    def version(self) -> str:
        """`SELECT current_version()` – real releases append the commit hash."""
        return f"{self.release}.{self.patch}-standin"


_ROWS: List[Profile] = [
    Profile("3.1", False, "5.1.0", "hex", 38, 1048576, 65533, OLD_EMPTY_LOAD_MSG, False),
    Profile("3.2", False, "5.1.0", "base64", 38, 1048576, 65533, OLD_EMPTY_LOAD_MSG, False),
    Profile("3.3", True, "5.1.0", "base64", 38, 1048576, 65533, NEW_EMPTY_LOAD_MSG, False),
    Profile("3.4", True, "8.0.33", "base64", 38, 1048576, 65533, NEW_EMPTY_LOAD_MSG, False),
    Profile("3.5", True, "8.0.33", "base64", 38, 1048576, 65533, NEW_EMPTY_LOAD_MSG, False),
    Profile("4.0", True, "8.0.33", "base64", 76, 1048576, 65533, NEW_EMPTY_LOAD_MSG, False),
    Profile("4.1", True, "8.0.33", "base64", 76, 1048576, 65533, NEW_EMPTY_LOAD_MSG, True),
]
PROFILES: Dict[str, Profile] = {p.release: p for p in _ROWS}
OLDEST_SUPPORTED = next(p.release for p in _ROWS if p.supported)
NEWEST = _ROWS[-1].release

_VERSION_RE = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?(?:-[0-9A-Za-z.-]+)?\Z")


class UnknownVersion(ValueError):
    pass


def resolve(text: Optional[str]) -> Profile:
    """`X.Y` or `X.Y.Z` (optionally `-suffix`) → the profile of release X.Y; None → the newest."""
    if text is None:
        return PROFILES[NEWEST]
    m = _VERSION_RE.match(text.strip())
    if m is None:
        raise UnknownVersion(f"--starrocks-version {text!r} is not X.Y or X.Y.Z "
                             f"(known releases: {', '.join(PROFILES)})")
    release = f"{int(m.group(1))}.{int(m.group(2))}"
    if release not in PROFILES:
        raise UnknownVersion(f"--starrocks-version {text}: no profile for StarRocks {release} "
                             f"(known releases: {', '.join(PROFILES)})")
    return replace(PROFILES[release], patch=m.group(3) or "0")


_active: Profile = PROFILES[NEWEST]


def activate(profile: Profile) -> None:
    """One stand-in process models one release; set at start-up (and by in-process tests)."""
    global _active
    _active = profile


def current() -> Profile:
    return _active

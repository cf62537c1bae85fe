"""The GB/T 2260 division list shipped in ``data/regions.csv`` (see data/README.md)."""

import csv
from functools import cache
from pathlib import Path
from typing import NamedTuple

DATA = Path(__file__).parent / "data" / "regions.csv"


class RegionRow(NamedTuple):
    code: str
    name: str
    level: str
    parent: str


@cache
def load_region_rows() -> tuple[RegionRow, ...]:
    with DATA.open(encoding="utf-8", newline="") as fh:
        return tuple(RegionRow(**row) for row in csv.DictReader(fh))


def province_codes() -> list[str]:
    """The two-digit code of every province, for the ID number validator."""
    return [row.code[:2] for row in load_region_rows() if row.level == "province"]

"""Modules a person can hold in their head: none in gongjiang/ over 600 lines, apart from migrations
and demo data. A module that grows past it becomes a package by sub-domain (studios/services/)."""

from pathlib import Path

import gongjiang

LIMIT = 600
ROOT = Path(gongjiang.__file__).parent


def _exempt(path: Path) -> bool:
    return "migrations" in path.parts or path.name in {"demo.py", "seed_demo.py"}


def test_no_module_over_the_limit():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in ROOT.rglob("*.py")
        if not _exempt(path)
    }
    assert len(sizes) > 100  # the walk found the package
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}

"""Every importer by its kind, found in the installed apps' ``importers.py`` (``IMPORTERS = [...]``).

Each importer class carries its ``kind`` and the ``capability`` it needs (or a tuple: any one of
them); nothing here names another app's classes.
"""

from gongjiang.core.plugins import cached_contributions
from gongjiang.orgs.scope import Scope

from .base import Importer


def importers() -> dict[str, type[Importer]]:
    """The importer of each kind, in layer order."""
    found: dict[str, type[Importer]] = {}
    for cls in cached_contributions("importers", "IMPORTERS"):
        if cls.kind in found:
            raise ValueError(f"two importers of kind {cls.kind!r}: {found[cls.kind]} and {cls}")
        found[cls.kind] = cls
    return found


def importer(kind: str) -> type[Importer] | None:
    return importers().get(kind)


def may_import(scope: Scope, kind: str) -> bool:
    """Whether the user holds the capability (one of the capabilities) an importer needs."""
    cap = importers()[kind].capability
    return any(scope.has(c) for c in ((cap,) if isinstance(cap, str) else cap))

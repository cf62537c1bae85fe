"""Every importer by its kind, with the capability it needs (or a tuple: any one of them)."""

from gongjiang.colleges.importers import AttendanceImporter, EnrolmentImporter
from gongjiang.orgs.rules import (
    APPLY_STUDIOS,
    ENROL_COLLEGES,
    ENTER_COMPETITIONS,
    IMPORT_WORKERS,
    MANAGE_COLLEGES,
    MANAGE_COMPETITIONS,
    STAFF_COLLEGES,
)
from gongjiang.orgs.scope import Scope
from gongjiang.studios.importers import StudioImporter

from .base import Importer
from .entries import EntryImporter
from .theory import TheoryImporter
from .workers import WorkerImporter

IMPORTERS: dict[str, tuple[type[Importer], str | tuple[str, ...]]] = {
    WorkerImporter.kind: (WorkerImporter, IMPORT_WORKERS),
    TheoryImporter.kind: (TheoryImporter, MANAGE_COMPETITIONS),
    EntryImporter.kind: (EntryImporter, ENTER_COMPETITIONS),
    EnrolmentImporter.kind: (EnrolmentImporter, ENROL_COLLEGES),
    AttendanceImporter.kind: (AttendanceImporter, (MANAGE_COLLEGES, STAFF_COLLEGES)),
    StudioImporter.kind: (StudioImporter, APPLY_STUDIOS),
}


def may_import(scope: Scope, kind: str) -> bool:
    """Whether the user holds the capability (one of the capabilities) an importer needs."""
    cap = IMPORTERS[kind][1]
    return any(scope.has(c) for c in ((cap,) if isinstance(cap, str) else cap))

"""Every importer by its kind, with the capability it needs."""

from gongjiang.orgs.rules import APPLY_STUDIOS, ENTER_COMPETITIONS, IMPORT_WORKERS, MANAGE_COMPETITIONS
from gongjiang.studios.importers import StudioImporter

from .base import Importer
from .entries import EntryImporter
from .theory import TheoryImporter
from .workers import WorkerImporter

IMPORTERS: dict[str, tuple[type[Importer], str]] = {
    WorkerImporter.kind: (WorkerImporter, IMPORT_WORKERS),
    TheoryImporter.kind: (TheoryImporter, MANAGE_COMPETITIONS),
    EntryImporter.kind: (EntryImporter, ENTER_COMPETITIONS),
    StudioImporter.kind: (StudioImporter, APPLY_STUDIOS),
}

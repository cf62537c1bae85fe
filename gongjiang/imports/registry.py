"""Every importer by its kind, with the capability it needs."""

from gongjiang.orgs.rules import ENTER_COMPETITIONS, IMPORT_WORKERS, MANAGE_COMPETITIONS

from .base import Importer
from .entries import EntryImporter
from .theory import TheoryImporter
from .workers import WorkerImporter

IMPORTERS: dict[str, tuple[type[Importer], str]] = {
    WorkerImporter.kind: (WorkerImporter, IMPORT_WORKERS),
    TheoryImporter.kind: (TheoryImporter, MANAGE_COMPETITIONS),
    EntryImporter.kind: (EntryImporter, ENTER_COMPETITIONS),
}

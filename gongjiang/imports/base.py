"""The import framework: declared columns, every row cleaned first, then one write.

An importer declares its :class:`Column` list and implements ``clean_file`` (whole-file
checks, after every row is clean on its own) and ``write``. The runner reads the file
(xlsx or CSV in UTF-8, UTF-8 with BOM or GB18030), matches headers in either UI
language, cleans every row collecting ``第N行「列」：原因`` errors, and writes only if
there are none, in one transaction.
"""

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from gongjiang.core.errors import DomainError

MAX_ERRORS = 1000
MAX_REPORTED_VALUE = 100  # characters of a refused value kept in the error report


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise | str
    clean: Callable[[str], Any] | None = None
    required: bool = True
    sensitive: bool = False  # masked in error reports

    def headers(self) -> set[str]:
        """The header as written in each UI language."""
        names = set()
        for code in ("zh-hans", "en"):
            with translation.override(code):
                names.add(str(self.label).strip().lower())
        return names


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "value": self.value, "message": self.message}

    def __str__(self) -> str:
        return _("Row %(row)s “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class FileError(DomainError):
    """The file as a whole cannot be read (format, encoding, headers)."""


def mask_value(value: str) -> str:
    """Hide the middle of a personal identifier typed into a file: keep 6 + 4 of an ID, 4 of a phone."""
    if len(value) > 10:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    return "*" * max(len(value) - 4, 0) + value[-4:] if len(value) > 4 else "*" * len(value)


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError(_("The CSV file is neither UTF-8 nor GB18030 text."))


def _capped(rowno: int, cells: list[str], limit: int) -> list[str]:
    """Refuse a row with a cell longer than ``limit`` characters or holding a NUL character."""
    if cells and (max(map(len, cells)) > limit or "\x00" in "".join(cells)):
        raise FileError(
            _("Row %(row)s has a cell longer than %(max)s characters or holding a NUL character.")
            % {"row": rowno, "max": limit}
        )
    return cells


def read_table(path: Path) -> Iterator[list[str]]:
    """Yield every row of an xlsx or CSV file as a list of stripped strings (each cell capped)."""
    suffix, limit = path.suffix.lower(), settings.IMPORT_MAX_CELL_CHARS
    if suffix == ".csv":
        text = _decode(path.read_bytes())
        reader = csv.reader(io.StringIO(text))
        try:
            for rowno, row in enumerate(reader, start=1):
                yield _capped(rowno, [cell.strip() for cell in row], limit)
        except csv.Error as exc:  # e.g. a cell over the csv module's field limit
            raise FileError(_("The CSV file cannot be read near row %(row)s.") % {"row": reader.line_num}) from exc
    elif suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise FileError(_("The file is not a readable Excel workbook.")) from exc
        try:
            ws = wb.worksheets[0]
            ws.reset_dimensions()  # read every cell, whatever the file's <dimension> claims
            for rowno, values in enumerate(ws.iter_rows(values_only=True), start=1):
                yield _capped(rowno, [_cell_text(v) for v in values], limit)
        finally:
            wb.close()
    else:
        raise FileError(_("Upload an .xlsx or .csv file."))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "date") and callable(value.date):
        return value.date().isoformat()
    return str(value).strip()


def count_data_rows(path: Path) -> int:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True)
            ws = wb.worksheets[0]
            rows = (ws.max_row or 1) - 1
            if rows < 1 or (ws.max_column or 1) < 2:  # no <dimension>, or a stub "A1": count the rows
                ws.reset_dimensions()
                rows = sum(1 for _row in ws.iter_rows(values_only=True)) - 1
            wb.close()
            return max(rows, 0)
        except Exception as exc:
            raise FileError(_("The file is not a readable Excel workbook.")) from exc
    if path.suffix.lower() == ".csv":  # parse the records (a quoted cell may span lines), strip no cell
        reader = csv.reader(io.StringIO(_decode(path.read_bytes())))
        try:
            return max(sum(1 for _row in reader) - 1, 0)
        except csv.Error as exc:  # e.g. a cell over the csv module's field limit
            raise FileError(_("The CSV file cannot be read near row %(row)s.") % {"row": reader.line_num}) from exc
    return max(sum(1 for _row in read_table(path)) - 1, 0)


class Importer:
    """Subclasses declare ``kind``, ``capability``, ``label`` and ``columns``, and implement the hooks.

    ``capability`` is what a user must hold to run the import (a tuple: any one of them). An app
    offers its importers in its ``importers.py`` as ``IMPORTERS = [...]``; the registry finds them.
    """

    kind: str = ""
    capability: str | tuple[str, ...] = ()
    label: Promise | str = ""
    columns: Sequence[Column] = ()
    do_not_call_in_templates = True  # templates show the class's label and columns
    job_id: int | None = None  # set by the runner: the job this import runs as (audit notes name it)

    def __init__(self, *, actor: Any, scope: Any, context: dict[str, Any] | None = None) -> None:
        self.actor = actor
        self.scope = scope
        self.context = context or {}
        self.errors: list[RowError] = []

    # hooks -------------------------------------------------------------
    def target(self) -> tuple[str, str] | None:
        """What the file is imported into, as (label, URL of its page), when the import belongs to one
        record (an event, a training class) the user may see; None otherwise."""
        return None

    def clean_row(self, rowno: int, values: dict[str, Any]) -> Any:
        """Turn one row of cleaned cell values into a record; add errors with :meth:`error`."""
        return values

    def clean_file(self, records: list[tuple[int, Any]]) -> None:
        """Checks across rows and against the database, once every row is clean."""

    def write(self, records: list[tuple[int, Any]]) -> dict[str, int]:
        """Write everything in one transaction; return counts of created/updated/unchanged."""
        raise NotImplementedError

    # machinery ---------------------------------------------------------
    def error(self, rowno: int, column: Column | str, value: str, message: str) -> None:
        if isinstance(column, Column):
            label, sensitive = str(column.label), column.sensitive
        else:
            label, sensitive = column, False
        value = value[:MAX_REPORTED_VALUE]  # the report stays bounded whatever the file holds
        self.errors.append(RowError(rowno, label, mask_value(value) if sensitive and value else value, message))

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def map_headers(self, header: list[str]) -> dict[str, int]:
        positions: dict[str, int] = {}
        lookup = {name: col for col in self.columns for name in col.headers()}
        for index, cell in enumerate(header):
            col = lookup.get(cell.strip().lower())
            if col is not None and col.key not in positions:
                positions[col.key] = index
        missing = [str(c.label) for c in self.columns if c.required and c.key not in positions]
        if missing:
            raise FileError(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
        return positions

    def clean_rows(
        self, rows: Iterator[list[str]], progress: Callable[[int], None] | None = None
    ) -> list[tuple[int, Any]]:
        try:
            header = next(rows)
        except StopIteration:
            raise FileError(_("The file is empty.")) from None
        positions = self.map_headers(header)
        # (column, key, cell index or None, cleaner, required), worked out once per file, not per cell
        plan = [(col, col.key, positions.get(col.key), col.clean, col.required) for col in self.columns]
        required_message = _("This column is required.")
        clean_row, errors = self.clean_row, self.errors
        records: list[tuple[int, Any]] = []
        for rowno, row in enumerate(rows, start=2):
            if not any(row):
                continue
            values: dict[str, Any] = {}
            row_ok = True
            width = len(row)
            for col, key, index, clean, required in plan:
                raw = row[index] if index is not None and index < width else ""
                if not raw:
                    if required:
                        self.error(rowno, col, raw, required_message)
                        row_ok = False
                    values[key] = None
                    continue
                if clean is None:
                    values[key] = raw
                    continue
                try:
                    values[key] = clean(raw)
                except ValidationError as exc:
                    self.error(rowno, col, raw, " ".join(exc.messages))
                    row_ok = False
            if row_ok:
                record = clean_row(rowno, values)
                if record is not None:
                    records.append((rowno, record))
            if progress and rowno % 1000 == 0:
                progress(rowno - 1)
            if len(errors) >= MAX_ERRORS:
                break
        return records

"""Exporters: one class per list gives CSV and xlsx from one row generator.

The view passes the queryset it already scoped and filtered, so an export can never
hold a row the page would not show.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A value a spreadsheet writer accepts: a lazy translation becomes its text, None an empty
    cell. Every exporter's row goes through here, so none can hand the writer a Promise."""
    if value is None:
        return ""
    if isinstance(value, Promise):
        return str(value)
    return value


def _safe(value: Any) -> Any:
    """Neutralise spreadsheet formulas in CSV text cells (xlsx cells are written as text)."""
    value = _cell(value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class Exporter:
    identifier: str = ""
    label: Promise | str = ""
    headers: Sequence[Promise | str] = ()

    def rows(self, items: Iterable[Any]) -> Iterator[Sequence[Any]]:
        raise NotImplementedError

    def filename(self, ext: str) -> str:
        return f"{self.identifier}-{timezone.localdate():%Y%m%d}.{ext}"

    def response(self, items: Iterable[Any], fmt: str) -> HttpResponse | StreamingHttpResponse | FileResponse:
        if fmt == "xlsx":
            return self.xlsx_response(items)
        return self.csv_response(items)

    def csv_response(self, items: Iterable[Any]) -> StreamingHttpResponse:
        class Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Echo())

        def stream() -> Iterator[str]:
            yield "\ufeff"  # Excel reads UTF-8 only with a BOM
            yield writer.writerow([str(h) for h in self.headers])
            for row in self.rows(items):
                yield writer.writerow([_safe(v) for v in row])

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.filename("csv")}"'
        return response

    def xlsx_response(self, items: Iterable[Any]) -> FileResponse:
        import xlsxwriter

        tmp = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by FileResponse)
        workbook = xlsxwriter.Workbook(tmp, {"constant_memory": True, "strings_to_formulas": False})
        sheet = workbook.add_worksheet(str(self.label)[:31] or "export")
        bold = workbook.add_format({"bold": True})
        sheet.write_row(0, 0, [str(h) for h in self.headers], bold)
        for index, row in enumerate(self.rows(items), start=1):
            sheet.write_row(index, 0, [_cell(v) for v in row])
        workbook.close()
        tmp.seek(0)
        return FileResponse(
            tmp,
            as_attachment=True,
            filename=self.filename("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

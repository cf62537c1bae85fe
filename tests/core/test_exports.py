"""The exporter base: whatever a row generator yields, the file opens and reads as the page does."""

import io
from decimal import Decimal

import openpyxl
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from gongjiang.core.exports import Exporter


class LazyRows(Exporter):
    identifier = "lazy"
    label = _("Decisions")
    headers = (_("State"), _("Amount (yuan)"), _("Reason"))

    def rows(self, items):  # type: ignore[no-untyped-def]
        for item in items:
            yield (_("Approved"), Decimal("30000.00"), item)


def test_a_lazy_translation_in_a_row_is_written_as_its_text() -> None:
    with translation.override("zh-hans"):
        response = LazyRows().response([None, "=1+1"], "xlsx")
        data = b"".join(response.streaming_content)
        response.file_to_stream.close()  # not response.close(): that signals a finished request
        sheet = openpyxl.load_workbook(io.BytesIO(data)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        assert values == [
            [str(_("State")), str(_("Amount (yuan)")), str(_("Reason"))],
            [str(_("Approved")), 30000, None],
            [str(_("Approved")), 30000, "=1+1"],
        ]
        assert values[1][0] != "Approved"  # the Chinese label, not the msgid

        text = b"".join(LazyRows().response([None], "csv").streaming_content).decode("utf-8-sig")
        assert text.splitlines()[1] == f"{_('Approved')},30000.00,"

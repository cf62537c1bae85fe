"""A list page's cells made in Python (core.cells, issue 17) are what the template made of the same value."""

import datetime as dt
import zoneinfo

import pytest
from django.template import engines
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from gongjiang.core.cells import Links, day, number


def _template(source: str, **context: object) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize(
    "viewname",
    ["colleges:cohort", "colleges:detail", "studios:detail", "studios:alliance_detail", "studios:problem_detail"],
)
def test_links_are_reverse(viewname):
    link = Links(viewname)
    for pk in (1, 7, 10, 4_000_123, 2**40):
        assert link(pk) == reverse(viewname, args=[pk])


def test_links_follow_the_script_prefix():
    from django.urls import get_script_prefix, set_script_prefix

    before = get_script_prefix()
    set_script_prefix("/gongjiang/")
    try:
        assert Links("colleges:cohort")(5) == reverse("colleges:cohort", args=[5]) == "/gongjiang/colleges/classes/5/"
    finally:
        set_script_prefix(before)


def test_day_is_the_date_filter():
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    values = [
        dt.date(2026, 1, 9),
        dt.date(1999, 12, 31),
        dt.datetime(2026, 6, 30, 17, 30, tzinfo=dt.UTC),  # 01:30 on 1 July in Shanghai
        dt.datetime(2026, 6, 30, 12, 0, tzinfo=shanghai),
        dt.datetime(2026, 6, 30, 23, 59),  # naive
    ]
    for value in values:
        assert day(value) == _template('{{ v|date:"Y-m-d" }}', v=value), value
    assert day(None) == _template('{{ v|date:"Y-m-d" }}', v=None) == ""


def test_number_is_the_template_output():
    for value in (0, 7, 999, 1000, 1234567):
        assert number(value) == _template("{{ v }}", v=value)
    with override_settings(USE_THOUSAND_SEPARATOR=True):
        for language in ("zh-hans", "en"):
            with translation.override(language):
                assert number(1234567) == _template("{{ v }}", v=1234567)
        with translation.override("en"):
            assert number(1234567) == "1,234,567"
    assert number(None) == ""

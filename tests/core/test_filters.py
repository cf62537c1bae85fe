"""The template filters that write money, lists and grade bands the way officials read them."""

from decimal import Decimal
from types import SimpleNamespace

from django.utils import translation

from gongjiang.core.templatetags.gongjiang import brief_list, grade_range, money


def test_money_has_separators_two_decimals_and_the_unit() -> None:
    with translation.override("zh-hans"):
        assert money(Decimal("30000")) == "30,000.00 元"
        assert money("1234567.5") == "1,234,567.50 元"
        assert money(-20000) == "-20,000.00 元"
        assert money(Decimal("40000"), "wan") == "4.00 万元"
        assert money(Decimal("9999.99"), "wan") == "9,999.99 元"
        assert money(Decimal("30000"), "bare") == "30,000.00"
        assert money(None) == "—"
    with translation.override("en"):
        assert money(30000) == "30,000.00 yuan"


def test_brief_list_shows_three_and_the_count() -> None:
    with translation.override("zh-hans"):
        assert brief_list(["车工", "钳工"]) == "车工、钳工"
        assert brief_list(["车工", "钳工", "焊工", "铆工", "电工"]) == "车工、钳工、焊工等5项"
        assert brief_list([]) == "—"


def _event(low: int | None, high: int | None) -> SimpleNamespace:
    names = {3: "高级工", 4: "技师"}
    return SimpleNamespace(
        grade_min=low,
        grade_max=high,
        get_grade_min_display=lambda: names.get(low),
        get_grade_max_display=lambda: names.get(high),
    )


def test_grade_range_never_reads_dash_to_dash() -> None:
    with translation.override("zh-hans"):
        assert grade_range(_event(3, 4)) == "高级工 – 技师"
        assert grade_range(_event(3, None)) == "高级工及以上"
        assert grade_range(_event(None, 4)) == "技师及以下"
        assert grade_range(_event(None, None)) == "不限等级"

"""Every installed app's indicators, collected from ``<app>/indicators.py``."""

from gongjiang.core.indicators import Indicator
from gongjiang.core.plugins import cached_contributions


def indicators() -> list[Indicator]:
    found = sorted(cached_contributions("indicators", "INDICATORS"), key=lambda i: (i.order, i.code))
    codes = [i.code for i in found]
    if len(codes) != len(set(codes)):
        raise RuntimeError(f"duplicate indicator codes: {codes}")
    return found


def by_code() -> dict[str, Indicator]:
    return {i.code: i for i in indicators()}


def get(code: str) -> Indicator | None:
    return by_code().get(code)

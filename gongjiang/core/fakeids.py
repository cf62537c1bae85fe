"""Valid-looking identifiers for demo data, tests and benchmarks (never for real people)."""

import datetime as dt
import random

from .validators import USCC_ALPHABET, id_check_char, uscc_check_char


def make_id_number(region_code: str, birth: dt.date, serial: int, *, male: bool) -> str:
    """An 18-digit number with a correct check digit; ``serial`` picks the 3-digit sequence."""
    seq = serial % 500 * 2 + (1 if male else 0)
    first17 = f"{region_code}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_char(first17)


def random_id_number(rng: random.Random, region_code: str, *, min_age: int = 18, max_age: int = 60) -> str:
    today = dt.date(2026, 1, 1)
    birth = today - dt.timedelta(days=rng.randint(min_age * 365, max_age * 365))
    return make_id_number(region_code, birth, rng.randrange(500), male=rng.random() < 0.7)


def make_uscc(region_code: str, serial: int) -> str:
    """A 统一社会信用代码 for a company (登记管理部门 9, 类别 1) with a correct check character."""
    body = ""
    n = serial
    for _ in range(9):
        body = USCC_ALPHABET[n % 31] + body
        n //= 31
    first17 = f"91{region_code}{body}"
    return first17 + uscc_check_char(first17)


def random_phone(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"

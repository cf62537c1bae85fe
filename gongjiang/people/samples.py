"""Generated worker files: the demo seed and the import benchmark feed these rows to the real importer."""

import datetime as dt
import random
from collections.abc import Iterator, Sequence

from django.utils import translation

from gongjiang.core.fakeids import random_id_number, random_phone

from .importers import WorkerImporter

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志强海燕建华春梅玉兰红"
    "梅冬梅东升国庆德胜长江振华立新宏伟永强雪峰"
)
GRADE_NAMES = ("初级工", "中级工", "高级工", "技师", "高级技师")
GRADE_WEIGHTS = (20, 30, 30, 15, 5)
ISSUER = "黑龙江省职业技能鉴定指导中心"


def header() -> list[str]:
    """The importer's headers in Chinese, as a union official's file would have them."""
    with translation.override("zh-hans"):
        return [str(c.label) for c in WorkerImporter.columns]


def random_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
    return rng.choice(SURNAMES) + given


def worker_rows(
    rng: random.Random,
    employers: Sequence[tuple[str, str]],
    occupations: Sequence[str],
    count: int,
    *,
    cert_prefix: str = "DEMO",
) -> Iterator[list[str]]:
    """``count`` data rows; ``employers`` are ``(uscc, region_code)`` pairs. IDs are unique per run."""
    seen: set[str] = set()
    made = 0
    while made < count:
        uscc, region = rng.choice(employers)
        id_number = random_id_number(rng, region)
        if id_number in seen:
            continue
        seen.add(id_number)
        made += 1
        row = [random_name(rng), id_number, random_phone(rng) if rng.random() < 0.8 else "", uscc]
        if rng.random() < 0.65:
            grade = rng.choices(GRADE_NAMES, GRADE_WEIGHTS)[0]
            awarded = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3900))
            row += [rng.choice(occupations), grade, f"{cert_prefix}{made:08d}", awarded.isoformat(), "", ISSUER]
        else:
            row += [rng.choice(occupations) if rng.random() < 0.5 else "", "", "", "", "", ""]
        yield row

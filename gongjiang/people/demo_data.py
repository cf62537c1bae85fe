"""What the demo's workers look like: trades that fit their employer, names that fit their sex.

Plain data and pure functions (no database): the demo seed and each app's demo module draw their
workers from here, so that an aircraft maker's people are 数控铣工, 钳工 and 飞机铆装工 (not 中式烹调师 or
采油工), a woman is not called 建国, and a grade goes with an age. Every occupation named here is in
``data/occupations.txt``.
"""

import datetime as dt
import random
from collections.abc import Iterator, Sequence

from gongjiang.core.fakeids import make_id_number, random_phone

# An employer's industry (Employer.industry, as the demo names it) → the trades its workers hold,
# the commonest first (earlier trades are drawn more often).
OCCUPATIONS_BY_INDUSTRY: dict[str, tuple[str, ...]] = {
    "航空器制造": ("数控铣工", "钳工", "飞机铆装工", "装配钳工", "数控车工", "加工中心操作工", "磨工", "焊工", "电工"),
    "重型装备制造": (
        "锻造工",
        "铸造工",
        "热处理工",
        "焊工",
        "铆工",
        "数控车工",
        "车工",
        "铣工",
        "钳工",
        "起重装卸机械操作工",
    ),
    "铁路车辆制造": ("铁路车辆制修工", "焊工", "铆工", "装配钳工", "涂装工", "数控车工", "铸造工", "电工"),
    "煤炭开采": (
        "采煤机司机",
        "液压支架工",
        "矿井维修电工",
        "瓦斯检查工",
        "掘进机司机",
        "矿井通风工",
        "选煤工",
        "机修钳工",
        "焊工",
        "车工",  # the mine's machine shop
    ),
    "发电设备制造": ("电机装配工", "数控车工", "数控铣工", "加工中心操作工", "焊工", "装配钳工", "车工", "电工"),
    "林业": ("林木种苗工", "护林员", "林业有害生物防治员", "无人机驾驶员", "汽车维修工", "农机修理工"),
    "现代农业": ("农机修理工", "农业技术员", "拖拉机驾驶员", "农作物植保员", "无人机驾驶员", "粮油保管员"),
    "石油开采": ("采油工", "井下作业工", "化工总控工", "仪器仪表维修工", "电工", "焊工"),
    "电力供应": ("变电设备检修工", "送配电线路工", "继电保护员", "电力电缆安装运维工", "电工", "无人机驾驶员"),
    # the generated employers' industries (their name's suffix)
    "机械制造": ("车工", "数控车工", "铣工", "钳工", "焊工", "磨工", "加工中心操作工", "机修钳工", "电工"),
    "建设": ("钢筋工", "混凝土工", "砌筑工", "架子工", "焊工", "电工", "建筑信息模型技术员", "起重装卸机械操作工"),
    "食品": ("农产品食品检验员", "粮油保管员", "机修钳工", "电工", "电子商务师"),
    "电力工程": ("送配电线路工", "电力电缆安装运维工", "变电设备检修工", "电工", "焊工"),
    "化工": ("化工总控工", "仪器仪表维修工", "机修钳工", "电工", "焊工"),
    "装备": ("数控车工", "焊工", "装配钳工", "加工中心操作工", "工业机器人系统运维员", "电工", "机床装调维修工"),
}
# Women's share of an industry's workforce, roughly; others 30%.
WOMEN_SHARE = {"煤炭开采": 0.1, "重型装备制造": 0.15, "铁路车辆制造": 0.15, "建设": 0.1, "食品": 0.55}
# Underground trades, which women may not be given (女职工劳动保护特别规定, 矿山井下作业).
MEN_ONLY = frozenset({"采煤机司机", "液压支架工", "掘进机司机", "瓦斯检查工", "矿井通风工", "矿井维修电工"})

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN_MEN = (
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "涛",
    "明",
    "超",
    "刚",
    "建国",
    "志强",
    "海波",
    "立新",
    "春生",
    "国庆",
    "晓东",
    "振华",
    "德胜",
    "长青",
    "雪松",
    "宏伟",
    "东升",
    "长江",
    "永强",
    "雪峰",
    "建华",
    "海涛",
    "国栋",
    "俊峰",
    "宝山",
    "文博",
    "宇航",
    "伟东",
    "志刚",
    "金龙",
    "德明",
    "庆丰",
    "铁军",
    "永福",
    "立国",
)
GIVEN_WOMEN = (
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "艳",
    "娟",
    "霞",
    "秀英",
    "秀兰",
    "桂英",
    "海燕",
    "春梅",
    "玉兰",
    "红梅",
    "冬梅",
    "丽华",
    "淑珍",
    "晓红",
    "雪梅",
    "凤霞",
    "丽娟",
    "亚楠",
    "婷婷",
    "佳慧",
    "思雨",
    "淑华",
    "秀梅",
    "晓燕",
    "丽娜",
    "玉珍",
    "彩霞",
)
GRADE_NAMES = ("初级工", "中级工", "高级工", "技师", "高级技师")
ISSUER = "黑龙江省职业技能鉴定指导中心"
TODAY = dt.date(2026, 1, 1)  # the generator's fixed "now", so a seed gives the same people every year


def occupations_for(industry: str) -> tuple[str, ...]:
    """The trades of an industry; an unknown industry gets the machine shop's."""
    return OCCUPATIONS_BY_INDUSTRY.get(industry, OCCUPATIONS_BY_INDUSTRY["机械制造"])


def pick_occupation(rng: random.Random, industry: str, *, male: bool = True) -> str:
    trades = [t for t in occupations_for(industry) if male or t not in MEN_ONLY]
    return rng.choices(trades, weights=range(len(trades) + 1, 1, -1))[0]


def pick_name(rng: random.Random, *, male: bool) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_MEN if male else GIVEN_WOMEN)


def pick_grade(rng: random.Random, age: int) -> str:
    """A grade that goes with an age: nobody under 25 is a 技师, nobody under 32 a 高级技师."""
    weights = [20, 30, 30, 15, 5]
    if age < 32:
        weights[4] = 0
    if age < 25:
        weights[3] = 0
        weights[2] = 5
    return rng.choices(GRADE_NAMES, weights)[0]


def worker_rows(
    rng: random.Random, employers: Sequence[tuple[str, str, str]], count: int, *, cert_prefix: str = "DEMO"
) -> Iterator[list[str]]:
    """``count`` rows for the worker importer (its columns in order); ``employers`` are
    ``(uscc, region code, industry)``. Two in three hold a certificate in a trade of their employer's
    industry; of the others half name a trade without a grade. ID numbers are unique in one run."""
    seen: set[str] = set()
    made = 0
    while made < count:
        uscc, region, industry = rng.choice(employers)
        male = rng.random() >= WOMEN_SHARE.get(industry, 0.3)
        age = rng.randint(19, 59)
        birth = TODAY - dt.timedelta(days=age * 365 + rng.randrange(365))
        id_number = make_id_number(region, birth, rng.randrange(500), male=male)
        if id_number in seen:
            continue
        seen.add(id_number)
        made += 1
        row = [pick_name(rng, male=male), id_number, random_phone(rng) if rng.random() < 0.8 else "", uscc]
        occupation = pick_occupation(rng, industry, male=male)
        if rng.random() < 0.65:
            first_year = max(birth.year + 19, 2005)
            awarded = dt.date(first_year, 1, 1) + dt.timedelta(days=rng.randrange((TODAY.year - first_year) * 365))
            row += [occupation, pick_grade(rng, age), f"{cert_prefix}{made:08d}", awarded.isoformat(), "", ISSUER]
        else:
            row += [occupation if rng.random() < 0.5 else "", "", "", "", "", ""]
        yield row

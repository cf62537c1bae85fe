"""Demo data for the organisation: the union tree of Heilongjiang, employers, one log-in per role.

Adds to the demo context: ``province``, ``cities``, ``counties``, ``industries`` (unions by region
code or key), ``employers`` (a list), ``admin`` (the provincial admin ``sheng``), ``password``.
"""

import functools
import hashlib
import random

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongjiang.core.account import DEMO_DEVICE_NAME
from gongjiang.core.fakeids import make_uscc
from gongjiang.core.models import User
from gongjiang.core.seeding import DemoContext

from . import services as org_services
from .enums import RegionLevel, RoleKind, UnionKind
from .models import Employer, Region, Union
from .rules import two_factor_required

# nothing in this seed catches a service's failure: seed_demo runs it without savepoints and with
# its audit rows held (core.seeding.in_bulk)
IN_BULK = True

DEMO_PASSWORD = "gongjiang-demo"  # noqa: S105 (demo only; printed for the reader)


def _hashed(password: str) -> str:
    # keyed by the hashers too: a hash made under other settings (a test's fast hasher) must not be reused
    return _hashed_with(password, tuple(settings.PASSWORD_HASHERS))


@functools.cache
def _hashed_with(password: str, hashers: tuple[str, ...]) -> str:
    return make_password(password)


def create_demo_user(username: str, display_name: str, password: str = DEMO_PASSWORD) -> User:
    """A demo log-in: the password judged by the validators for this user, as ``create_user`` does,
    but hashed once per process (argon2 takes most of a second a hash on a busy machine, and the
    demo makes some thirty log-ins with the one password)."""
    user = User(username=username, display_name=display_name)
    validate_password(password, user)
    user.password = _hashed(password)
    user.save()
    return user


INDUSTRY_UNIONS = (
    ("forestry", "黑龙江省森林工业工会"),
    ("farming", "黑龙江省农林水利工会"),
    ("coal", "黑龙江省能源化学地质工会"),
    ("power", "黑龙江省电力工会"),
    ("machinery", "黑龙江省机械冶金建材工会"),
    ("transport", "黑龙江省交通运输工会"),
    ("education", "黑龙江省教育工会"),
    ("health", "黑龙江省科教文卫工会"),
    ("petroleum", "黑龙江省石油化工工会"),
)

# Employers the article names, with a county-level region and an industrial union.
NAMED_EMPLOYERS = (
    ("中国第一重型机械集团有限公司", "230206", "machinery", "重型装备制造"),
    ("中车齐齐哈尔车辆有限公司", "230204", "machinery", "铁路车辆制造"),
    ("齐齐哈尔和平重工集团有限公司", "230206", "machinery", "重型装备制造"),
    ("龙煤鸡西矿业有限责任公司", "230302", "coal", "煤炭开采"),
    ("哈尔滨电机厂有限责任公司", "230110", "power", "发电设备制造"),
    ("哈尔滨飞机工业集团有限责任公司", "230108", "machinery", "航空器制造"),
    ("中国龙江森林工业集团有限公司", "230103", "forestry", "林业"),
    ("北大荒农垦集团有限公司", "230110", "farming", "现代农业"),
    ("大庆油田有限责任公司", "230602", "petroleum", "石油开采"),
    ("国网黑龙江省电力有限公司", "230103", "power", "电力供应"),
)
SUFFIXES = ("机械制造有限公司", "建设集团有限公司", "食品有限公司", "电力工程有限公司", "化工有限公司", "装备有限公司")
INDUSTRY_OF_SUFFIX = ("machinery", None, "farming", "power", "petroleum", "machinery")


@transaction.atomic
def seed(ctx: DemoContext) -> None:
    ctx.password = DEMO_PASSWORD
    ctx.province, ctx.cities, ctx.counties, ctx.industries = build_unions()
    ctx.employers = build_employers(
        ctx.rng, ctx.cities, ctx.counties, ctx.industries, ctx.options.get("employers_per_city", 10)
    )
    ctx.admin = build_users(ctx.province, ctx.cities, ctx.industries, ctx.employers)


def build_unions() -> tuple[Union, dict[str, Union], dict[str, Union], dict[str, Union]]:
    regions = {r.code: r for r in Region.objects.all()}
    province = org_services.create_union(
        actor=None, name="黑龙江省总工会", kind=UnionKind.PROVINCE, region=regions["230000"], parent=None
    )
    cities: dict[str, Union] = {}
    counties: dict[str, Union] = {}
    for region in sorted(regions.values(), key=lambda r: r.code):
        if region.level == RegionLevel.PREFECTURE:
            cities[region.code] = org_services.create_union(
                actor=None, name=f"{region.name}总工会", kind=UnionKind.CITY, region=region, parent=province
            )
    for region in sorted(regions.values(), key=lambda r: r.code):
        if region.level == RegionLevel.COUNTY and region.parent_id in cities:
            city = cities[region.parent_id]
            counties[region.code] = org_services.create_union(
                actor=None,
                name=f"{city.region.name}{region.name}总工会",
                kind=UnionKind.COUNTY,
                region=region,
                parent=city,
            )
    industries = {
        key: org_services.create_union(
            actor=None, name=name, kind=UnionKind.INDUSTRY, region=regions["230000"], parent=province
        )
        for key, name in INDUSTRY_UNIONS
    }
    return province, cities, counties, industries


def build_employers(
    rng: random.Random,
    cities: dict[str, Union],
    counties: dict[str, Union],
    industries: dict[str, Union],
    per_city: int,
) -> list[Employer]:
    employers = []
    serial = 1000
    for name, region_code, industry_key, industry in NAMED_EMPLOYERS:
        serial += 1
        employers.append(
            org_services.create_employer(
                actor=None,
                name=name,
                uscc=make_uscc(region_code, serial),
                region=counties[region_code].region,
                parent_union=counties[region_code],
                industry_union=industries[industry_key],
                industry=industry,
            )
        )
    county_list = sorted(counties.values(), key=lambda u: u.region_id)
    for city_code in sorted(cities):
        local = [c for c in county_list if c.region.parent_id == city_code]
        for i in range(per_city):
            county = rng.choice(local)
            suffix_index = rng.randrange(len(SUFFIXES))
            industry_key = INDUSTRY_OF_SUFFIX[suffix_index]
            serial += 1
            city_name = cities[city_code].region.name.removesuffix("市").removesuffix("地区")
            name = f"{city_name}{county.region.name[:2]}{SUFFIXES[suffix_index]}"
            if Employer.objects.filter(name=name).exists():
                name = f"{name[:-4]}{i + 1}号{name[-4:]}"
            employers.append(
                org_services.create_employer(
                    actor=None,
                    name=name,
                    uscc=make_uscc(county.region_id, serial),
                    region=county.region,
                    parent_union=county,
                    industry_union=industries[industry_key] if industry_key else None,
                    industry=SUFFIXES[suffix_index].removesuffix("有限公司").removesuffix("集团"),
                )
            )
    return employers


def demo_totp_key(username: str) -> str:
    """A demo administrator's TOTP secret (hex): known, derived from the name, demo mode only."""
    return hashlib.sha256(f"gongjiang-demo-totp:{username}".encode()).hexdigest()[:40]


def seed_demo_device(user: User) -> None:
    """Demo mode: the administrator's second factor, whose current code the demo's code page
    shows (core.account.demo_code), so the demo goes through two-factor sign-in as production does."""
    TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, key=demo_totp_key(user.username), confirmed=True)


def build_users(
    province: Union, cities: dict[str, Union], industries: dict[str, Union], employers: list[Employer]
) -> User:
    by_name = {e.name: e for e in employers}
    plan = (
        ("caiwu", "省总 财务处 审核员", province, RoleKind.FINANCE),
        ("lingdao", "省总 领导", province, RoleKind.LEADERSHIP),
        ("sheng", "省总 管理员", province, RoleKind.PROVINCE_ADMIN),
        ("haerbin", "哈尔滨市总 管理员", cities["230100"], RoleKind.UNION_ADMIN),
        ("qiqihaer", "齐齐哈尔市总 管理员", cities["230200"], RoleKind.UNION_ADMIN),
        ("qiqihaer2", "齐齐哈尔市总 财务", cities["230200"], RoleKind.UNION_ADMIN),
        ("jixie", "机械冶金建材工会 管理员", industries["machinery"], RoleKind.UNION_ADMIN),
        ("hafei", "哈飞工会 干事", by_name["哈尔滨飞机工业集团有限责任公司"].union, RoleKind.ENTERPRISE_STAFF),
        ("xueyuan", "装备制造业工匠学院 管理员", province, RoleKind.COLLEGE_ADMIN),
        ("caipan", "裁判 张建国", province, RoleKind.JUDGE),
        ("caipan2", "裁判 李振华", province, RoleKind.JUDGE),
        ("caipan3", "裁判 赵立新", province, RoleKind.JUDGE),
        ("gongzuoshi", "哈电机创新工作室 领衔人", by_name["哈尔滨电机厂有限责任公司"].union, RoleKind.STUDIO_LEAD),
    )
    admin = None
    for username, display, union, kind in plan:
        user = create_demo_user(username, display)
        org_services.grant_role(actor=None, scope=None, user=user, union=union, kind=kind)
        if kind == RoleKind.PROVINCE_ADMIN and admin is None:
            admin = user
        if (settings.DEMO or settings.DEBUG) and two_factor_required(user, list(user.roles.select_related("union"))):
            seed_demo_device(user)
    if admin is None:
        raise ValueError("the demo plan has no provincial admin")
    return admin

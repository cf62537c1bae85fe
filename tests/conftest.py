"""Shared fixtures: a small province with two cities whose data could leak into each other.

Alice administers Harbin, Bob administers Qiqihar, Charlie has an account and no role.
Each city has a county union, an employer and a worker with a grade certificate; the
Harbin employer also belongs to the machinery industrial union.
"""

import datetime as dt
import subprocess
from types import SimpleNamespace

import pytest
from django.test import Client
from hypothesis import settings as hypothesis_settings

from gongjiang.core.fakeids import make_id_number, make_uscc
from gongjiang.core.models import User
from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RoleKind, UnionKind
from gongjiang.orgs.models import Region
from gongjiang.orgs.scope import Scope
from gongjiang.people import services as people_services
from gongjiang.people.models import Occupation

# Property tests check correctness, not speed: on a loaded two-core CI machine a per-example
# deadline only produces flaky failures (speed lives in bench/).
hypothesis_settings.register_profile("gongjiang", deadline=None)
hypothesis_settings.load_profile("gongjiang")

PASSWORD = "test-password-123"

# Identifiers used in fixtures, exposed so tests can look for them in pages and tables.
HARBIN_ID = make_id_number("230102", dt.date(1985, 3, 12), 11, male=True)
QIQIHAR_ID = make_id_number("230202", dt.date(1990, 7, 1), 22, male=False)
HARBIN_PHONE = "13904511234"
QIQIHAR_PHONE = "13604529876"


def reload_reference_data() -> None:
    """Reload what the data migrations load, if an earlier transactional test flushed it."""
    import importlib

    from django.apps import apps

    for app_label, model, migration in (
        ("orgs", "Region", "gongjiang.orgs.migrations.0002_load_regions"),
        ("people", "Occupation", "gongjiang.people.migrations.0002_load_occupations"),
        ("competitions", "OrganisingRight", "gongjiang.competitions.migrations.0005_seed_organising_rights"),
        ("studios", "LevelRequirement", "gongjiang.studios.migrations.0002_seed_requirements"),
        ("catalogue", "ApprovalRight", "gongjiang.catalogue.migrations.0002_seed_approval_rights"),
    ):
        if not apps.get_model(app_label, model).objects.exists():
            importlib.import_module(migration).load(apps, None)


def race(n: int, work):  # type: ignore[no-untyped-def]
    """Run ``work(i)`` for i in 0..n-1 in n threads released at once, each on its own database
    connection; return what each returned or raised (PostgreSQL concurrency tests)."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(n)
    outcomes: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[i] = work(i)
        except Exception as exc:  # the outcome is what the test looks at
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def make_user(username: str, union=None, kind: str | None = None) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, display_name=username.title())
    if union is not None and kind is not None:
        org_services.grant_role(actor=None, scope=None, user=user, union=union, kind=kind)
    return user


@pytest.fixture
def org(db):
    return build_org()


def build_org() -> SimpleNamespace:
    """Two cities, their counties, employers, workers and users (the ``org`` fixture, callable from a
    module-scoped fixture too)."""
    reload_reference_data()  # an earlier transactional test on this worker may have flushed them
    r = {code: Region.objects.get(code=code) for code in ("230000", "230100", "230200", "230102", "230202")}
    province = org_services.create_union(
        actor=None, name="黑龙江省总工会", kind=UnionKind.PROVINCE, region=r["230000"], parent=None
    )
    harbin = org_services.create_union(
        actor=None, name="哈尔滨市总工会", kind=UnionKind.CITY, region=r["230100"], parent=province
    )
    qiqihar = org_services.create_union(
        actor=None, name="齐齐哈尔市总工会", kind=UnionKind.CITY, region=r["230200"], parent=province
    )
    daoli = org_services.create_union(
        actor=None, name="哈尔滨市道里区总工会", kind=UnionKind.COUNTY, region=r["230102"], parent=harbin
    )
    longsha = org_services.create_union(
        actor=None, name="齐齐哈尔市龙沙区总工会", kind=UnionKind.COUNTY, region=r["230202"], parent=qiqihar
    )
    machinery = org_services.create_union(
        actor=None, name="黑龙江省机械冶金建材工会", kind=UnionKind.INDUSTRY, region=r["230000"], parent=province
    )
    harbin_employer = org_services.create_employer(
        actor=None,
        name="哈尔滨锅炉厂有限责任公司",
        uscc=make_uscc("230102", 1),
        region=r["230102"],
        parent_union=daoli,
        industry_union=machinery,
        industry="锅炉制造",
    )
    qiqihar_employer = org_services.create_employer(
        actor=None,
        name="齐齐哈尔第二机床有限公司",
        uscc=make_uscc("230202", 2),
        region=r["230202"],
        parent_union=longsha,
        industry="机床制造",
    )
    users = SimpleNamespace(
        prov=make_user("prov", province, RoleKind.PROVINCE_ADMIN),
        alice=make_user("alice", harbin, RoleKind.UNION_ADMIN),
        bob=make_user("bob", qiqihar, RoleKind.UNION_ADMIN),
        charlie=make_user("charlie"),
        staff=make_user("staff", harbin_employer.union, RoleKind.ENTERPRISE_STAFF),
        industry=make_user("industry", machinery, RoleKind.UNION_ADMIN),
        judge=make_user("judge", province, RoleKind.JUDGE),
    )
    lathe = Occupation.objects.get(name="车工")
    welder = Occupation.objects.get(name="焊工")
    harbin_worker = people_services.create_worker(
        actor=users.prov,
        scope=Scope(users.prov),
        data=people_services.WorkerData(
            name="王铁军", id_number=HARBIN_ID, employer=harbin_employer, phone=HARBIN_PHONE, occupations=(lathe,)
        ),
    )
    people_services.add_grade(
        actor=users.prov,
        scope=Scope(users.prov),
        worker=harbin_worker,
        occupation=lathe,
        grade=4,
        source="evaluation",
        certificate_no="HRB-0001",
        awarded_on=dt.date(2020, 5, 1),
    )
    qiqihar_worker = people_services.create_worker(
        actor=users.prov,
        scope=Scope(users.prov),
        data=people_services.WorkerData(
            name="李秀梅", id_number=QIQIHAR_ID, employer=qiqihar_employer, phone=QIQIHAR_PHONE, occupations=(welder,)
        ),
    )
    people_services.add_grade(
        actor=users.prov,
        scope=Scope(users.prov),
        worker=qiqihar_worker,
        occupation=welder,
        grade=5,
        source="competition",
        certificate_no="QQH-0001",
        awarded_on=dt.date(2021, 6, 1),
    )
    return SimpleNamespace(
        province=province,
        harbin=harbin,
        qiqihar=qiqihar,
        daoli=daoli,
        longsha=longsha,
        machinery=machinery,
        harbin_employer=harbin_employer,
        qiqihar_employer=qiqihar_employer,
        harbin_worker=harbin_worker,
        qiqihar_worker=qiqihar_worker,
        users=users,
        lathe=lathe,
        welder=welder,
    )


def pdf_text(pdf: bytes) -> str:
    """The text a PDF reader extracts (poppler-utils' pdftotext, installed by the Makefile)."""
    command = ["pdftotext", "-enc", "UTF-8", "-", "-"]
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode()  # noqa: S603


def finish_sign_in(client: Client, user: User) -> None:
    """What the log-in pages leave in a session after the password: administrators who must have
    two factors are verified with a TOTP device (made here if they have none), as after entering
    its code; others are marked as having been asked (orgs.middleware.AccountGateMiddleware)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gongjiang.orgs.middleware import AccountGateMiddleware
    from gongjiang.orgs.models import Role
    from gongjiang.orgs.rules import two_factor_required

    session = client.session
    roles = list(Role.objects.filter(user=user).select_related("union"))
    if two_factor_required(user, roles) or TOTPDevice.objects.filter(user=user).exists():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    else:
        session[AccountGateMiddleware.NO_DEVICE_KEY] = True
    session.save()


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    finish_sign_in(client, user)
    return client


@pytest.fixture
def as_user():
    return login


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that check hashing ask for it themselves."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _private_uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def contest(org):
    return build_contest(org)


def lathe_competition(org: SimpleNamespace, user, organiser, name: str, tier: str = "city"):  # type: ignore[no-untyped-def]
    """A draft skills competition of ``organiser`` with one lathe event (``org.lathe``), made by ``user``
    through the services; returns (competition, event)."""
    from gongjiang.competitions import services as comp

    c = comp.create_competition(
        actor=user,
        scope=Scope(user),
        data=comp.CompetitionData(
            name=name,
            tier=tier,
            kind="skills",
            organiser=organiser,
            registration_closes_on=dt.date(2026, 5, 1),
            starts_on=dt.date(2026, 5, 10),
            ends_on=dt.date(2026, 5, 12),
        ),
    )
    event = comp.save_event(
        actor=user,
        scope=Scope(user),
        competition=c,
        fields={
            "name": "数控车工",
            "occupation": org.lathe,
            "grade_min": None,
            "grade_max": None,
            "mode": "individual",
            "team_size": 1,
            "theory_weight": 30,
            "practical_weight": 70,
            "capacity": None,
            "min_age": None,
            "max_age": None,
            "audience": "employed",
        },
    )
    return c, event


def build_contest(org: SimpleNamespace) -> SimpleNamespace:
    """A provincial competition open to both cities and a Harbin city competition, each with a
    lathe event; the Harbin worker is entered in both, the Qiqihar worker in the provincial one."""
    from gongjiang.competitions import services as comp
    from gongjiang.competitions.enums import State

    prov, alice, bob = org.users.prov, org.users.alice, org.users.bob

    def competition(user, organiser, name, tier):
        c, event = lathe_competition(org, user, organiser, name, tier)
        comp.transition(actor=user, scope=Scope(user), competition=c, to=State.REGISTRATION)
        return c, event

    province_comp, province_event = competition(prov, org.province, "黑龙江省职工职业技能大赛", "provincial_1")
    harbin_comp, harbin_event = competition(alice, org.harbin, "哈尔滨市车工技能竞赛", "city")
    register = comp.register_entry
    org.province_comp, org.province_event, org.harbin_comp, org.harbin_event = (
        province_comp,
        province_event,
        harbin_comp,
        harbin_event,
    )
    org.harbin_entry = register(actor=alice, scope=Scope(alice), event=province_event, worker=org.harbin_worker)
    org.qiqihar_entry = register(actor=bob, scope=Scope(bob), event=province_event, worker=org.qiqihar_worker)
    org.harbin_city_entry = register(actor=alice, scope=Scope(alice), event=harbin_event, worker=org.harbin_worker)
    return org


@pytest.fixture
def policy(db):
    return build_policy()


def build_policy() -> SimpleNamespace:
    """DOMAIN.md's documents, programmes and rules, with a budget for this year for each programme."""
    from decimal import Decimal

    from django.utils import timezone

    from gongjiang.awards.models import Budget
    from gongjiang.policy import seed
    from gongjiang.policy.models import Programme

    seed.load()
    for programme in Programme.objects.all():
        Budget.objects.create(programme=programme, year=timezone.localdate().year, amount=Decimal("1000000.00"))
    return SimpleNamespace(programmes={p.code: p for p in Programme.objects.all()})


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    """What the crawl walked, per role (tests/test_crawl.py records it; shown under xdist too)."""
    lines = [
        value
        for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
        for name, value in getattr(report, "user_properties", [])
        if name == "crawl" and report.when == "call"
    ]
    if lines:
        terminalreporter.write_sep("-", "crawl")
        for line in sorted(lines):
            terminalreporter.write_line(line)

"""Scope is sacred: a user of another city never sees or changes Harbin's rows.

Every named page URL and every API operation must appear in a table: each app's part in
``tests/<app>/leaks.py`` (``PAGES`` and ``API``), the project's own routes below. A new route
without an entry fails ``test_every_route_is_covered``. For each route, Bob
(Qiqihar's admin), Charlie (no role) and a judge try it against Harbin's objects and
must get 403/404, or, for lists, exports, searches and counts, a result with none of
Harbin's rows in it.
"""

import datetime as dt
import importlib
import io
from pathlib import Path

import openpyxl
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from gongjiang.api.api import api
from gongjiang.api.models import ApiToken
from gongjiang.imports.models import ImportJob
from tests.catalogue.leaks import HARBIN_PROJECT
from tests.conftest import HARBIN_ID

# Pages: route name -> (kind, how to build its kwargs from the fixture).
# kind "object": Harbin's object, expect 403/404 for outsiders (GET and POST).
# kind "list": expect 200 (or 403) and none of Harbin's markers in the body.
# kind "own": the user's own things only (tokens, imports, own record) — checked separately.
# kind "public": no data (login, language switch).
# kind "bulk": a POST naming Harbin's rows (``{"objects": [...], "kwargs": {...}}``): refused or
# every item refused, nothing changes.
PROJECT_PAGES = {
    "login": ("public", lambda o: {}),
    "logout": ("public", lambda o: {}),
    "set_language": ("public", lambda o: {}),
    "healthz": ("public", lambda o: {}),
    # The user's own sign-in settings: nobody else's data on them.
    "password_change": ("own", lambda o: {}),
    "account_security": ("own", lambda o: {}),
    # The second-factor steps answer with a redirect when there is nothing to do: no data either.
    "two_factor_setup": ("public", lambda o: {}),
    "two_factor_verify": ("public", lambda o: {}),
}


# API operations: (method, path template) -> kind, path kwargs.
def _leak_modules() -> list:
    return [
        importlib.import_module(f"tests.{path.parent.name}.leaks")
        for path in sorted(Path(__file__).parent.glob("*/leaks.py"))
    ]


def _collect() -> tuple[dict, dict]:
    """The project's pages and every ``tests/<app>/leaks.py`` table; a route claimed twice is an error."""
    pages, operations = dict(PROJECT_PAGES), {}
    for module in _leak_modules():
        path = module.__file__
        for table, part in ((pages, module.PAGES), (operations, module.API)):
            twice = set(table) & set(part)
            assert not twice, f"{path} claims routes another table has: {sorted(twice)}"
            table.update(part)
    return pages, operations


PAGES, API = _collect()


def _named_routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    names = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in {"admin", "api-1"}:
                continue  # admin: staff only (tested below); API: walked through its schema
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names += _named_routes(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(prefix + entry.name)
    return names


def _api_operations() -> set[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def test_every_route_is_covered():
    assert sorted(set(_named_routes(get_resolver())) - set(PAGES)) == []
    assert sorted(_api_operations() - set(API)) == []


@pytest.fixture(scope="module")
def leak_world(django_db_setup, django_db_blocker, tmp_path_factory):  # type: ignore[no-untyped-def]
    """The world every test here reads, built once per test process: the shared fixtures' two cities
    and Harbin's objects, inside a transaction rolled back at the end. Each test runs in a savepoint
    of it (pytest-django's ``db``), so what one test writes is gone before the next; building it for
    each of the ~1,500 tests cost half a second each."""
    from django.db import transaction
    from django.test import override_settings

    from tests.conftest import build_contest, build_org, build_policy

    uploads = tmp_path_factory.mktemp("leak-uploads")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            MEDIA_ROOT=uploads,
        ),
        transaction.atomic(),
    ):
        org = build_contest(build_org())
        build_policy()
        yield _harbin_objects(org), uploads
        transaction.set_rollback(True)


@pytest.fixture
def leaky(leak_world, db, settings):  # type: ignore[no-untyped-def]
    world, uploads = leak_world
    settings.MEDIA_ROOT = uploads  # the world's files, not this test's empty folder
    return world


def _harbin_objects(org):  # type: ignore[no-untyped-def]
    """Harbin's objects that only Alice's side may touch."""
    org.harbin_job = ImportJob.objects.create(
        kind="workers",
        created_by=org.users.alice,
        filename="harbin.xlsx",
        path="/nonexistent",
        sha256="0",
        language="zh-hans",
        status="invalid",
        errors=[{"row": 2, "column": "姓名", "value": "王铁军", "message": "x"}],
    )
    org.harbin_token, _raw = ApiToken.issue(user=org.users.alice, name="harbin")
    # Qiqihar's read-only leadership, an outsider to Harbin like Bob; the province's finance officer.
    from gongjiang.orgs.enums import RoleKind
    from tests.conftest import make_user

    org.users.qleader = make_user("qleader", org.qiqihar, RoleKind.LEADERSHIP)
    org.users.finance = make_user("finance", org.province, RoleKind.FINANCE)
    from gongjiang.competitions import services as comp
    from gongjiang.orgs.scope import Scope

    alice = org.users.alice
    org.harbin_judge = comp.add_judge(
        actor=alice,
        scope=Scope(alice),
        pool=org.harbin,
        name="哈尔滨裁判甲",
        region_code="230100",
        occupations=[org.lathe],
    )
    from django.utils import timezone

    from gongjiang.competitions.models import Certificate, Objection, Result

    harbin_result = Result.objects.create(
        event=org.harbin_event,
        entry=org.harbin_city_entry,
        rank=1,
        practical=90,
        total=90,
        award="gold",
        published_at=timezone.now(),
    )
    org.harbin_objection = Objection.objects.create(result=harbin_result, text="异议", raised_by=alice)
    org.harbin_certificate = Certificate.objects.create(result=harbin_result, code="HRB0000001", issued_by=alice)
    org.harbin_assignment = comp.assign_judge(
        actor=alice, scope=Scope(alice), event=org.harbin_event, judge=org.harbin_judge
    )
    _awards(org, harbin_result)
    _harbin_college(org)
    _harbin_studios(org)
    from tests.catalogue.leaks import harbin_project

    harbin_project(org)
    from gongjiang.stats.models import Bulletin

    org.harbin_bulletin = Bulletin.objects.create(union=org.harbin, month=dt.date(2026, 5, 1), html=org.daoli.name)
    # an app's leaks.py may build Harbin objects of its own (``build(org)``) and name their markers
    for module in _leak_modules():
        if hasattr(module, "build"):
            module.build(org)
    return org


def _harbin_studios(org):
    """A named Harbin studio led by the Harbin worker, a second one, their alliance, a problem with an
    attachment, a claim and the joint project."""
    import datetime as dt

    from django.core.files.base import ContentFile

    from gongjiang.orgs.scope import Scope
    from gongjiang.studios import services as studio_services
    from gongjiang.studios.models import Membership
    from tests.studios import factories

    alice = org.users.alice
    scope = Scope(alice)
    org.harbin_studio = factories.studio(
        alice, org.harbin_employer, HARBIN_STUDIO, "锅炉集箱焊接", lead=org.harbin_worker
    )
    second = factories.studio(alice, org.harbin_employer, "哈尔滨管道检测创新工作室", "管道检测")
    org.harbin_alliance = studio_services.create_alliance(
        actor=alice,
        scope=scope,
        data=studio_services.AllianceData(
            name=HARBIN_ALLIANCE,
            level="city",
            lead_union=org.harbin,
            founded_on=dt.date(2025, 4, 1),
            founding_document="哈工发〔2025〕3号",
        ),
        studios=[org.harbin_studio, second],
    )
    # a provincial alliance Harbin proposes, for the province to name (命名)
    org.harbin_proposed_alliance = studio_services.create_alliance(
        actor=alice,
        scope=scope,
        data=studio_services.AllianceData(
            name="哈尔滨市申报省级创新工作室联盟",
            level="provincial",
            lead_union=org.harbin,
            founded_on=dt.date(2025, 5, 1),
            founding_document="哈工发〔2025〕9号",
        ),
    )
    org.harbin_membership = Membership.objects.get(alliance=org.harbin_alliance, studio=org.harbin_studio)
    org.harbin_problem = studio_services.post_problem(
        actor=alice,
        scope=scope,
        alliance=org.harbin_alliance,
        studio=org.harbin_studio,
        data=studio_services.ProblemData(
            title=HARBIN_PROBLEM, field="焊接", description="气孔多", deadline=dt.date.today() + dt.timedelta(days=30)
        ),
        attachments=[ContentFile(b"%PDF-1.4 harbin", name="harbin.pdf")],
    )
    org.harbin_claim = studio_services.claim_problem(
        actor=alice, scope=scope, problem=org.harbin_problem, studio=second, plan="改进预热"
    )
    org.harbin_project = studio_services.accept_claim(actor=alice, scope=scope, claim=org.harbin_claim)


HARBIN_STUDIO = "哈尔滨锅炉焊接创新工作室"
HARBIN_ALLIANCE = "哈尔滨锅炉制造创新工作室联盟"
HARBIN_PROBLEM = "集箱管座焊缝气孔难题"


def _awards(org, harbin_result):
    """A decision from Harbin's own competition, its ledger line, and a Harbin nomination with an objection."""
    from django.core.files.base import ContentFile

    from gongjiang.awards import services as awards
    from gongjiang.awards.models import Decision, LedgerLine, Nomination, NominationObjection
    from gongjiang.orgs.scope import Scope
    from gongjiang.policy.models import Attachment, PolicyDocument, Programme, Rule

    alice, prov = org.users.alice, org.users.prov
    org.policy_doc = PolicyDocument.objects.get(doc_no="演示〔2023〕1号")
    from gongjiang.policy.models import Goal

    org.policy_goal = Goal.objects.first()
    org.policy_attachment = Attachment.objects.create(
        document=org.policy_doc, name="附件.txt", file=ContentFile(b"policy text", name="a.txt"), uploaded_by=prov
    )
    org.harbin_decision = Decision.objects.create(
        kind="reward",
        rule=Rule.objects.get(code="reward-provincial1-top3"),
        result=harbin_result,
        worker=org.harbin_worker,
        union=org.daoli,
        owner=org.harbin,
        decided_on=dt.date(2026, 6, 1),
        reason_code="reward_ceiling",
        reason_params={
            "rank": 1,
            "field": 1,
            "tier": "city",
            "amount": "100",
            "rule": "r",
            "version": 1,
            "doc_no": "d",
            "clause": "c",
        },
        ceiling=100,
    )
    org.harbin_line = LedgerLine.objects.create(
        programme=Programme.objects.get(code="competition-rewards"),
        year=2026,
        union=org.daoli,
        worker=org.harbin_worker,
        payee=org.harbin_worker.name,
        amount=100,
        reason="x",
        decision=org.harbin_decision,
        proposed_by=alice,
    )
    cycle = awards.open_cycle(
        actor=prov, scope=Scope(prov), rule=Rule.objects.get(code="honour-master-craftsman"), year=2026
    )
    allocation = awards.allocate(actor=prov, scope=Scope(prov), cycle=cycle, union=org.harbin, quota=2)
    org.harbin_nomination = Nomination.objects.create(
        cycle=cycle,
        allocation=allocation,
        worker=org.harbin_worker,
        union=org.daoli,
        statement="哈尔滨推荐事迹",
        materials=ContentFile(b"materials", name="m.txt"),
        state="in_notice",
        nominated_by=alice,
    )
    org.harbin_nomination_objection = NominationObjection.objects.create(
        nomination=org.harbin_nomination, text="异议", raised_by=alice
    )


def _harbin_college(org) -> None:
    """A Harbin college with a finished class: the Harbin worker completed it and holds a certificate."""
    import datetime as dt
    from decimal import Decimal

    from gongjiang.colleges import certificates as college_certificates
    from gongjiang.colleges import services as college
    from gongjiang.colleges.models import Completion
    from gongjiang.orgs.enums import RoleKind
    from gongjiang.orgs.scope import Scope
    from tests.conftest import make_user

    alice = org.users.alice
    scope = Scope(alice)
    org.harbin_college = college.save_college(
        actor=alice, scope=scope, fields={"name": "哈尔滨数字工匠学院", "industry": "数字经济", "union": org.harbin}
    )
    org.harbin_college_staff = college.add_staff(
        actor=alice,
        scope=scope,
        college=org.harbin_college,
        user=make_user("harbin_college_admin", org.harbin, RoleKind.COLLEGE_ADMIN),
    )
    org.harbin_teacher = college.save_teacher(
        actor=alice, scope=scope, college=org.harbin_college, fields={"name": "哈尔滨讲师甲", "kind": "university"}
    )
    org.harbin_course = college.create_course(actor=alice, scope=scope, college=org.harbin_college, title="数控车削")
    org.harbin_unit = college.add_unit(
        actor=alice, scope=scope, course=org.harbin_course, title="车削基础", hours=Decimal(8)
    )
    org.harbin_cohort = college.create_cohort(
        actor=alice,
        scope=scope,
        course=org.harbin_course,
        data=college.CohortData(
            name="哈尔滨数控车削班",
            starts_on=dt.date(2026, 6, 1),
            ends_on=dt.date(2026, 6, 5),
            place="道里区实训基地",
            capacity=20,
            required_hours=Decimal(8),
        ),
    )
    org.harbin_enrolment = college.enrol(actor=alice, scope=scope, cohort=org.harbin_cohort, worker=org.harbin_worker)
    org.harbin_session = college.add_session(
        actor=alice,
        scope=scope,
        cohort=org.harbin_cohort,
        day=dt.date(2026, 6, 1),
        starts_at=dt.time(9),
        hours=Decimal(8),
        topic="车削工艺",
    )
    college.transition(actor=alice, scope=scope, cohort=org.harbin_cohort, to="running")
    college.record_attendance(actor=alice, scope=scope, session=org.harbin_session, present=[org.harbin_enrolment.pk])
    college.record_scores(
        actor=alice, scope=scope, cohort=org.harbin_cohort, scores={org.harbin_enrolment.pk: Decimal(90)}
    )
    college.transition(actor=alice, scope=scope, cohort=org.harbin_cohort, to="finished")
    college_certificates.issue_all(actor=alice, scope=scope, cohort=org.harbin_cohort)
    org.harbin_completion = Completion.objects.get(enrolment=org.harbin_enrolment)
    org.harbin_completion_certificate = org.harbin_completion.certificates.get()


def _markers(org) -> list[str]:
    w = org.harbin_worker
    return [
        w.name,
        w.id_number_masked,
        org.harbin_employer.name,
        org.harbin_employer.uscc,
        org.daoli.name,
        org.harbin_comp.name,
        "哈尔滨裁判甲",
        org.harbin_certificate.code,
        org.harbin_college.name,
        org.harbin_cohort.name,
        org.harbin_completion_certificate.code,
        HARBIN_STUDIO,
        HARBIN_ALLIANCE,
        HARBIN_PROBLEM,
        HARBIN_PROJECT,
        *(m for module in _leak_modules() if hasattr(module, "markers") for m in module.markers(org)),
    ]


def _body(response) -> str:
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if raw[:2] == b"PK":  # xlsx
        sheet = openpyxl.load_workbook(io.BytesIO(raw)).active
        return "\n".join(" ".join(str(c) for c in row if c is not None) for row in sheet.values)
    return raw.decode("utf-8-sig", errors="replace")


OUTSIDERS = ("bob", "charlie", "judge", "qleader")
# The finance officer works at the province and so sees every ledger line, decision, budget and
# honour; everything else (the registers, competitions, colleges, studios, imports, accounts) is
# as closed to them as to an outsider.
FINANCE_READS = ("awards:", "policy:", "portal:")


@pytest.mark.parametrize("name", sorted(n for n in PAGES if not n.startswith(FINANCE_READS)))
def test_finance_reaches_only_money(leaky, as_user, name):
    _check_page(leaky, as_user, "finance", name)


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages(leaky, as_user, who, name):
    _check_page(leaky, as_user, who, name)


def _check_page(leaky, as_user, who, name):
    from django.urls import reverse

    kind, kwargs = PAGES[name]
    if kind == "public":
        return
    client = as_user(getattr(leaky.users, who))
    if kind == "bulk":
        # a bulk action naming Harbin's rows: refused, or every item refused; nothing changes
        spec = kwargs(leaky)
        objects = spec["objects"]
        states = [o.state for o in objects]
        url = reverse(name, kwargs=spec.get("kwargs", {}))
        response = client.post(url, {"ids": [o.pk for o in objects], "verdict": "accept", "note": "x"})
        assert response.status_code in {200, 302, 403, 404}, (url, response.status_code)
        for obj, state in zip(objects, states, strict=True):
            obj.refresh_from_db()
            assert obj.state == state, (url, obj)
        if response.status_code == 200:
            body = _body(response)
            assert all(marker not in body for marker in _markers(leaky)), url
        return
    url = reverse(name, kwargs=kwargs(leaky))
    if kind == "object":
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code in {403, 404, 405}, (method, url, response.status_code)
            if response.status_code == 405:
                assert method == "get"
        return
    if kind == "form":
        # a POST that names Harbin's employer is refused or rejected without writing
        from gongjiang.people.models import Worker

        before = Worker.objects.count()
        response = client.post(url, {"name": "x", "employer": leaky.harbin_employer.pk, "parent_union": leaky.daoli.pk})
        assert response.status_code in {200, 403}
        assert Worker.objects.count() == before
    queries = [""]
    if kind == "list":
        w = leaky.harbin_worker
        queries += [
            f"?q={w.name}",
            f"?q={w.id_number_masked[-4:]}",
            f"?q={leaky.harbin_employer.name}",
            f"?q={leaky.harbin_employer.uscc}",
            f"?employer={leaky.harbin_employer.pk}",
            "?fmt=xlsx",
            "?fmt=csv",
        ]
    for query in queries:
        response = client.get(url + query)
        # 404: a provincial object (a cycle, a document) that this user has no business seeing at all
        assert response.status_code in {200, 403, 404}, (url + query, response.status_code)
        if response.status_code == 200:
            body = _body(response)
            # the searched term is echoed in the search box; a leaked row would show its other columns
            for marker in (m for m in _markers(leaky) if m not in query):
                assert marker not in body, (url + query, marker)


def test_home_counts_exclude_other_cities(leaky, as_user):
    from gongjiang.stats.fill import update_stats

    update_stats()
    assert as_user(leaky.users.bob).get("/").context["counts"] == {"unions": 3, "employers": 1, "workers": 1}
    assert as_user(leaky.users.charlie).get("/").context["counts"] == {}


@pytest.mark.parametrize("who", ["bob", "qleader"])
def test_full_id_search_does_not_cross_cities(leaky, as_user, who):
    response = as_user(getattr(leaky.users, who)).post("/people/workers/", {"q": HARBIN_ID})
    assert response.context["page"].paginator.count == 0
    response = as_user(leaky.users.alice).post("/people/workers/", {"q": HARBIN_ID})
    assert [w.pk for w in response.context["page"]] == [leaky.harbin_worker.pk]
    body = {"q": HARBIN_ID}
    outsider = _api_client(getattr(leaky.users, who)).post("/api/workers/search", body, content_type="application/json")
    assert outsider.json()["count"] == 0
    insider = _api_client(leaky.users.alice).post("/api/workers/search", body, content_type="application/json")
    assert [w["id"] for w in insider.json()["items"]] == [leaky.harbin_worker.pk]


def test_admin_site_is_for_staff_only(leaky, as_user):
    response = as_user(leaky.users.prov).get("/ops/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/ops/admin/login/")


GRADE_PAYLOAD = {"occupation": "车工", "grade": 5, "certificate_no": "X-1", "awarded_on": "2024-01-01"}


def _api_client(user):
    from django.test import Client

    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


# A valid body for each POST operation, by the end of its path: the refusal must come from scope,
# not from validation.
POST_PAYLOADS = {
    "/marks": lambda o: {"entry_id": o.harbin_city_entry.pk, "values": {}},
    "/problems": lambda o: {
        "studio_id": o.harbin_studio.pk,
        "title": "越权",
        "field": "x",
        "description": "x",
        "deadline": "2099-01-01",
    },
    "/claims": lambda o: {"studio_id": o.harbin_studio.pk, "plan": "越权"},
    "/review": lambda o: {"verdict": "accept"},
    "/actions": lambda o: {"action": "approve"},
    "/withdraw": lambda o: {"reason": "越权"},
    "/attendance": lambda o: {"present": []},
    "/grades": lambda o: GRADE_PAYLOAD,
    "/transition": lambda o: {"to": "in_progress"},
    # an innovation recorded for Harbin's employer, by Harbin's worker (an outsider: 404, nothing written)
    "/innovations": lambda o: {
        "title": "越权",
        "kind": "renovation",
        "description": "越权",
        "employer_id": o.harbin_employer.pk,
        "authors": [{"worker_id": o.harbin_worker.pk, "share": 100}],
    },
}


def _post_payload(leaky, path: str) -> dict:
    for suffix, make in POST_PAYLOADS.items():
        if path.endswith(suffix):
            return make(leaky)
    return {"worker_id": leaky.harbin_worker.pk}


@pytest.mark.parametrize("who", OUTSIDERS)
@pytest.mark.parametrize("operation", sorted(API))
def test_api(leaky, who, operation):
    method, template = operation
    kind, kwargs = API[operation]
    client = _api_client(getattr(leaky.users, who))
    path = template.format(**kwargs(leaky))
    if kind == "object":
        payload = _post_payload(leaky, path) if method == "POST" else {}
        response = getattr(client, method.lower())(path, data=payload, content_type="application/json")
        assert response.status_code in {403, 404}, (path, response.status_code)
    elif kind == "create":
        from tests.imports.test_worker_import import _id

        payload = {"name": "越权", "id_number": _id(99), "employer_id": leaky.harbin_employer.pk}
        response = client.post(path, payload, content_type="application/json")
        assert response.status_code in {403, 422}
        assert "越权" not in str(list(leaky.harbin_employer.workers.values_list("name", flat=True)))
    elif kind == "search":  # the filters in a POST body
        w = leaky.harbin_worker
        for body in (
            {},
            {"q": w.name},
            {"q": w.id_number_masked[-4:]},
            {"q": HARBIN_ID},
            {"employer": str(leaky.harbin_employer.pk)},
        ):
            response = client.post(path, body, content_type="application/json")
            assert response.status_code in {200, 403}
            if response.status_code == 200:
                for marker in (m for m in _markers(leaky) if m not in body.values()):
                    assert marker not in response.content.decode(), (path, body, marker)
    else:
        w = leaky.harbin_worker
        for query in ("", f"?q={w.name}", f"?q={w.id_number_masked[-4:]}", f"?employer={leaky.harbin_employer.pk}"):
            response = client.get(path + query)
            assert response.status_code in {200, 403}
            if response.status_code == 200:
                for marker in (m for m in _markers(leaky) if m not in query):
                    assert marker not in response.content.decode(), (path + query, marker)


def test_api_without_token_is_refused(leaky):
    from django.test import Client

    assert Client().get("/api/workers").status_code == 401
    assert Client(headers={"Authorization": "Bearer nope"}).get("/api/workers").status_code == 401


@pytest.mark.parametrize("who", ["bob", "alice"])
def test_shared_provincial_event_shows_each_city_only_its_own_entries(leaky, as_user, who):
    """Both cities may enter the provincial event; neither sees the other's entrants."""
    client = as_user(getattr(leaky.users, who))
    own, other = (
        (leaky.qiqihar_worker, leaky.harbin_worker) if who == "bob" else (leaky.harbin_worker, leaky.qiqihar_worker)
    )
    url = f"/competitions/events/{leaky.province_event.pk}/"
    for suffix in ("", "export/?fmt=csv", "export/?fmt=xlsx", f"candidates/?q={other.name}"):
        body = _body(client.get(url + suffix))
        assert other.name not in body, suffix
        assert other.id_number_masked not in body, suffix
    assert own.name in _body(client.get(url))
    _token, raw = ApiToken.issue(user=getattr(leaky.users, who), name="t")
    api_body = Client(headers={"Authorization": f"Bearer {raw}"}).get(f"/api/events/{leaky.province_event.pk}/entries")
    assert [e["worker_name"] for e in api_body.json()["items"]] == [own.name]
    # the detail page counts only the user's own entrants
    assert [e.entry_count for e in client.get(f"/competitions/{leaky.province_comp.pk}/").context["events"]] == [1]


def test_province_sees_every_entry(leaky, as_user):
    events = as_user(leaky.users.prov).get(f"/competitions/{leaky.province_comp.pk}/").context["events"]
    assert [e.entry_count for e in events] == [2]


def test_alliance_members_see_each_other_by_name_only(leaky, as_user):
    """Public by design: a provincial alliance of a Harbin and a Qiqihar studio shows Bob (Qiqihar) the
    alliance page with the Harbin member's name and employer, and the alliance's own joint projects.
    The Harbin studio's own page, its edit routes, its API record, its list row and its Harbin-only
    alliance stay closed to him."""
    import datetime as dt

    from gongjiang.orgs.scope import Scope
    from gongjiang.studios import services as studio_services
    from tests.studios import factories

    prov, bob = leaky.users.prov, leaky.users.bob
    qiqihar_studio = factories.studio(bob, leaky.qiqihar_employer, "齐齐哈尔机床装配创新工作室", "机床装配")
    shared = studio_services.create_alliance(
        actor=prov,
        scope=Scope(prov),
        data=studio_services.AllianceData(
            name="黑龙江省装备制造创新工作室联盟",
            level="provincial",
            lead_union=leaky.province,
            founded_on=dt.date(2025, 6, 1),
            founding_document="黑工发〔2025〕9号",
        ),
        studios=[leaky.harbin_studio, qiqihar_studio],
    )
    client = as_user(bob)
    page = _body(client.get(f"/studios/alliances/{shared.pk}/"))
    assert HARBIN_STUDIO in page
    assert leaky.harbin_employer.name in page
    assert leaky.harbin_worker.name not in page  # the member's lead and team are the member's own
    for url in (f"/studios/{leaky.harbin_studio.pk}/", f"/studios/{leaky.harbin_studio.pk}/edit/"):
        assert client.get(url).status_code == 404
    assert HARBIN_STUDIO not in _body(client.get("/studios/"))
    assert HARBIN_ALLIANCE not in _body(client.get("/studios/alliances/"))
    api_client = _api_client(bob)
    assert api_client.get(f"/api/studios/{leaky.harbin_studio.pk}").status_code == 404
    names = [m["name"] for m in api_client.get(f"/api/alliances/{shared.pk}/members").json()]
    assert names == [HARBIN_STUDIO, "齐齐哈尔机床装配创新工作室"]
    # Bob's union cannot act for the Harbin member: not delist it, not post for it
    assert client.post(f"/studios/alliances/{shared.pk}/chair/").status_code == 403


def test_an_opened_problem_is_public_to_the_board_only(leaky, as_user):
    """Public by design: once the poster opens Harbin's problem to every alliance, Bob sees it on the
    board and its page; the poster's studio page, its alliance and its joint project stay Harbin's."""
    from gongjiang.studios.models import Problem

    client = as_user(leaky.users.bob)
    assert HARBIN_PROBLEM not in _body(client.get("/studios/problems/"))
    Problem.objects.filter(pk=leaky.harbin_problem.pk).update(open_to_all=True)
    assert HARBIN_PROBLEM in _body(client.get(f"/studios/problems/?q={HARBIN_PROBLEM[:4]}"))
    assert client.get(f"/studios/problems/{leaky.harbin_problem.pk}/").status_code == 200
    for url in (
        f"/studios/{leaky.harbin_studio.pk}/",
        f"/studios/alliances/{leaky.harbin_alliance.pk}/",
        f"/studios/projects/{leaky.harbin_project.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    # Charlie (no role) and the judge still see nothing
    for who in ("charlie", "judge"):
        assert (
            as_user(getattr(leaky.users, who)).get(f"/studios/problems/{leaky.harbin_problem.pk}/").status_code == 404
        )


@pytest.mark.parametrize(
    ("url", "payload", "model"),
    [
        ("/studios/new/", "studio", "Studio"),
        ("/studios/alliances/new/", "alliance", "Alliance"),
    ],
)
def test_forms_naming_harbin_write_nothing(leaky, as_user, url, payload, model):
    from django.apps import apps

    data = {
        "studio": {
            "name": "越权工作室",
            "level": "city",
            "employer": leaky.harbin_employer.pk,
            "lead": leaky.harbin_worker.id_number_masked,
            "field": "x",
            "founded_on": "2020-01-01",
        },
        "alliance": {
            "name": "越权联盟",
            "level": "city",
            "lead_union": leaky.harbin.pk,
            "founded_on": "2020-01-01",
            "founding_document": "x",
            "bar": "60",
            "inactive_months": "12",
            "waiting_months": "12",
            "studios": [leaky.harbin_studio.pk],
        },
    }[payload]
    Model = apps.get_model("studios", model)
    before = Model.objects.count()
    response = as_user(leaky.users.bob).post(url, data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= ({"employer"} if payload == "studio" else {"lead_union", "studios"})
    assert Model.objects.count() == before


def test_find_boxes_never_list_harbin_rows_and_posts_naming_them_write_nothing(leaky, as_user):
    """The three short lists of issue 17 as Bob, on pages of his own: the innovation form's competition,
    an event's judges and a problem's claiming studio. Searched by Harbin's names, or sent Harbin's ids
    as chosen so far, they list none of Harbin's rows; a POST naming one is refused and writes nothing."""
    import datetime as dt

    from gongjiang.competitions.models import Assignment
    from gongjiang.innovations.models import Innovation
    from gongjiang.orgs.scope import Scope
    from gongjiang.studios import services as studio_services
    from gongjiang.studios.models import Claim, Problem
    from tests.conftest import lathe_competition
    from tests.reach import options
    from tests.studios import factories as sf

    bob, htmx = leaky.users.bob, {"HX-Request": "true"}
    client = as_user(bob)
    markers = _markers(leaky)

    def clean(response, name: str, harbin_pk: int) -> None:
        assert response.status_code == 200
        assert str(harbin_pk) not in options(response.text, name)
        body = _body(response)
        for marker in markers:
            assert marker not in body.replace(f'value="{marker}"', ""), marker  # the term echoed in the box

    # 1. the innovation form, Qiqihar's employer chosen: Harbin's competition is not in its history
    for term in (leaky.harbin_comp.name, leaky.harbin_comp.name[:3]):
        query = {"employer": leaky.qiqihar_employer.pk, "competition_q": term, "competition": leaky.harbin_comp.pk}
        clean(client.get("/innovations/new/", query, headers=htmx), "competition", leaky.harbin_comp.pk)
    before = Innovation.objects.count()
    data = {"title": "越权", "kind": "renovation", "description": "x", "employer": leaky.qiqihar_employer.pk}
    response = client.post("/innovations/new/", data | {"competition": leaky.harbin_comp.pk})
    assert response.status_code == 200 and "competition" in response.context["form"].errors
    assert Innovation.objects.count() == before

    # 2. an event of Qiqihar's own competition: Harbin's judge is not in a pool Bob may use
    _competition, event = lathe_competition(leaky, bob, leaky.qiqihar, "齐齐哈尔市车工技能竞赛")
    url = f"/competitions/events/{event.pk}/"
    for term in ("哈尔滨裁判甲", "裁判"):
        query = {"judge_q": term, "judge": leaky.harbin_judge.pk}
        clean(client.get(url, query, headers=htmx), "judge", leaky.harbin_judge.pk)
        clean(client.get(url, query), "judge", leaky.harbin_judge.pk)
    response = client.post(f"{url}judges/", {"judge": leaky.harbin_judge.pk}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "请选择本竞赛可用专家库中尚未选派到本赛项的有效裁判；可在上方按姓名查找。"
    ]
    assert not Assignment.objects.filter(event=event).exists()

    # 3. Harbin's problem opened to every alliance, Bob's studio a member of one: Harbin's studios are
    #    never his to claim for
    qiqihar_studio = sf.studio(bob, leaky.qiqihar_employer, "齐市机床装配创新工作室", "机床装配")
    studio_services.create_alliance(
        actor=bob,
        scope=Scope(bob),
        data=studio_services.AllianceData(
            name="齐齐哈尔机床联盟",
            level="city",
            lead_union=leaky.qiqihar,
            founded_on=dt.date(2025, 6, 1),
            founding_document="齐工发〔2025〕2号",
        ),
        studios=[qiqihar_studio],
    )
    Problem.objects.filter(pk=leaky.harbin_problem.pk).update(open_to_all=True)
    url = f"/studios/problems/{leaky.harbin_problem.pk}/"
    page = client.get(url)
    assert options(page.text, "studio") == [str(qiqihar_studio.pk)]
    for term in (HARBIN_STUDIO, "工作室"):
        response = client.get(url, {"studio_q": term, "studio": leaky.harbin_studio.pk}, headers=htmx)
        assert response.status_code == 200
        assert options(response.text) in ([], [str(qiqihar_studio.pk)])
        assert HARBIN_STUDIO not in response.text.replace(f'value="{HARBIN_STUDIO}"', "")
    before = Claim.objects.count()
    response = client.post(f"{url}claim/", {"studio": leaky.harbin_studio.pk, "plan": "越权"}, follow=True)
    assert Claim.objects.count() == before
    assert len(list(response.context["messages"])) == 1

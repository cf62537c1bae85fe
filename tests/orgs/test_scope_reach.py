"""A capability held at every top union reaches every union: its filter keeps every row with a union
(``IS NOT NULL``, no closure-table read); with another top union outside the roles it stays exact."""

from django.db.models import Q

from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union
from gongjiang.orgs.rules import VIEW_UNIONS, VIEW_WORKERS
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker


def test_every_union_in_reach_filters_on_having_one(org):
    scope = Scope(org.users.prov)
    assert scope.reaches_all(VIEW_WORKERS)
    assert scope.union_filter(VIEW_WORKERS) == Q(union__isnull=False)
    assert set(Union.objects.filter(scope.union_filter(VIEW_UNIONS, "pk"))) == set(Union.objects.all())
    city = Scope(org.users.alice)
    assert not city.reaches_all(VIEW_WORKERS)
    assert org.qiqihar not in set(Union.objects.filter(city.union_filter(VIEW_UNIONS, "pk")))


def test_another_top_union_keeps_the_exact_filter(org):
    other = org_services.create_union(
        actor=None, name="另一个省总工会", kind=UnionKind.PROVINCE, region=org.province.region, parent=None
    )
    scope = Scope(org.users.prov)
    assert not scope.reaches_all(VIEW_UNIONS)
    seen = set(Union.objects.filter(scope.union_filter(VIEW_UNIONS, "pk")))
    assert other not in seen and org.qiqihar in seen


def test_the_probe_keeps_exactly_the_rows_in_reach(org):
    """``union_exists`` (one closure probe a row) keeps what ``union_filter`` (the reach's hash) keeps: a
    city admin never another city's row, never a row without a union; through a join too."""
    alice = Scope(org.users.alice)
    assert not alice.reaches_all(VIEW_UNIONS)
    # the parent: the province has none, Harbin's and Qiqihar's children have their city
    kept = set(Union.objects.filter(alice.union_exists(VIEW_UNIONS, "parent")))
    assert org.daoli in kept
    assert org.province not in kept and org.longsha not in kept and org.qiqihar not in kept
    assert all(u.parent is not None for u in kept)
    # a worker through its employer's union (a join in the probe's outer reference)
    workers = set(Worker.objects.filter(alice.union_exists(VIEW_WORKERS, "employer__union")))
    assert org.harbin_worker in workers and org.qiqihar_worker not in workers
    for user in vars(org.users).values():
        scope = Scope(user)
        for cap in (VIEW_UNIONS, VIEW_WORKERS):
            for model, field in ((Union, "pk"), (Union, "parent"), (Worker, "union"), (Worker, "employer__union")):
                exact = set(model.objects.filter(scope.union_filter(cap, field)))
                assert set(model.objects.filter(scope.union_exists(cap, field))) == exact, (user, cap, model, field)
                negated = set(model.objects.exclude(scope.union_exists(cap, field)))
                assert negated == set(model.objects.all()) - exact, (user, cap, model, field)


def test_a_probing_scope_reads_an_apps_rule_row_by_row(org):
    """``Scope.probing()`` turns an app's visibility rule into per-row probes: the same rows, no hash of
    the reach (``IN (SELECT … orgs_unionancestor …)``) in its SQL."""
    alice = Scope(org.users.alice)
    probing = alice.probing()
    assert probing.probing() is probing and probing.roles is alice.roles
    hashed = Worker.objects.filter(alice.union_filter(VIEW_WORKERS))
    probed = Worker.objects.filter(probing.union_filter(VIEW_WORKERS))
    assert set(hashed) == set(probed) == {org.harbin_worker}
    sql = str(probed.query)
    assert "EXISTS" in sql and "IN (SELECT" not in sql
    assert Scope(org.users.charlie).probing().union_filter(VIEW_WORKERS) == Q(pk__in=[])
    assert Scope(org.users.prov).probing().union_filter(VIEW_WORKERS) == Q(union__isnull=False)


def test_several_capabilities_reach_the_union_of_their_reaches(org):
    """``union_filter((cap, other), field)``: a row in either capability's reach (the catalogue is read
    by those who manage competitions and by leadership, who only read them)."""
    from gongjiang.orgs.enums import RoleKind
    from gongjiang.orgs.rules import MANAGE_COMPETITIONS, VIEW_COMPETITIONS
    from tests.conftest import make_user

    both = make_user("both", org.harbin, RoleKind.UNION_ADMIN)
    org_services.grant_role(actor=None, scope=None, user=both, union=org.qiqihar, kind=RoleKind.LEADERSHIP)
    scope = Scope(both)
    caps = (MANAGE_COMPETITIONS, VIEW_COMPETITIONS)
    assert scope.roots(caps) == {org.harbin.pk, org.qiqihar.pk} and scope.has(caps)
    assert scope.roots(MANAGE_COMPETITIONS) == {org.harbin.pk}
    for how in (scope.union_filter, scope.union_exists):
        kept = set(Union.objects.filter(how(caps, "pk")))
        assert {org.harbin, org.daoli, org.qiqihar, org.longsha} <= kept
        assert org.province not in kept and org.machinery not in kept
    assert not Scope(org.users.charlie).has(caps)

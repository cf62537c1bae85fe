"""A capability held at every top union reaches every union: its filter keeps every row with a union
(``IS NOT NULL``, no closure-table read); with another top union outside the roles it stays exact."""

from django.db.models import Q

from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Union
from gongjiang.orgs.rules import VIEW_UNIONS, VIEW_WORKERS
from gongjiang.orgs.scope import Scope


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

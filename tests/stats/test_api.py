"""The statistics REST API: the cockpit's figures, scoped like the pages."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from gongjiang.api.models import ApiToken
from gongjiang.stats import fill, registry
from gongjiang.stats.models import Count

from .world import build


@pytest.fixture
def filled(org, policy):
    build(org, seed=5, size=4)
    fill.update_stats(since=fill.EPOCH)
    return org


def _client(user):
    _token, raw = ApiToken.issue(user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _stored(indicator, union_id, year, dimension="", key=""):
    row = Count.objects.filter(
        indicator=indicator.code, union_id=union_id, grain="Y", period__year=year, dimension=dimension, key=key
    ).first()
    return row.value if row else 0


def test_union_figures_are_the_rollups_and_link_to_their_rows(filled):
    year = timezone.localdate().year
    body = _client(filled.users.prov).get(f"/api/stats/unions/{filled.harbin.pk}?year={year}").json()
    assert body["union"]["id"] == filled.harbin.pk
    assert body["as_of"]
    indicators = registry.by_code()
    assert {f["code"] for f in body["figures"]} == set(indicators)
    for f in body["figures"]:
        indicator = indicators[f["code"]]
        assert f["raw"] == _stored(indicator, filled.harbin.pk, f["year"])
        assert Decimal(f["value"]) * indicator.scale == f["raw"]
        assert f["rows_url"].startswith(("/stats/u/", "/"))
    assert [c["id"] for c in body["children"]] == [filled.daoli.pk]
    held = registry.get("competitions_held")
    assert body["children"][0]["figures"]["competitions_held"] == str(_stored(held, filled.daoli.pk, year))


def test_one_indicator_by_month_and_dimension(filled):
    prov = _client(filled.users.prov)
    indicator = registry.get("participant_times")
    year = (
        Count.objects.filter(indicator="participant_times", union=filled.province, grain="Y")
        .latest("value")
        .period.year
    )
    body = prov.get(
        f"/api/stats/unions/{filled.province.pk}/indicators/participant_times?year={year}&dimension=tier"
    ).json()
    assert len(body["months"]) == 12
    assert sum(int(v) for v in body["months"]) == _stored(indicator, filled.province.pk, year)
    assert sum(int(s["value"]) for s in body["slices"]) == _stored(indicator, filled.province.pk, year)
    assert all("figure_dim=tier" in s["rows_url"] or "dim=tier" in s["rows_url"] for s in body["slices"])
    assert prov.get(f"/api/stats/unions/{filled.province.pk}/indicators/nope").status_code == 404
    assert (
        prov.get(f"/api/stats/unions/{filled.province.pk}/indicators/participant_times?dimension=nope").status_code
        == 404
    )


def test_a_city_admin_reaches_only_their_city(filled):
    bob = _client(filled.users.bob)
    for union in (filled.province, filled.harbin, filled.daoli):
        assert bob.get(f"/api/stats/unions/{union.pk}").status_code == 404
        assert bob.get(f"/api/stats/unions/{union.pk}/indicators/participants").status_code == 404
    body = bob.get(f"/api/stats/unions/{filled.qiqihar.pk}").json()
    assert [c["id"] for c in body["children"]] == [filled.longsha.pk]
    assert len(bob.get("/api/stats/indicators").json()) == len(registry.indicators())


def test_no_role_no_figures(filled):
    charlie = _client(filled.users.charlie)
    assert charlie.get("/api/stats/indicators").status_code == 403
    assert charlie.get(f"/api/stats/unions/{filled.province.pk}").status_code == 404

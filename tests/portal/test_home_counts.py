"""The home page's counts come from the statistics rollups, never from the raw tables (issue 17)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gongjiang.orgs import services as org_services
from gongjiang.orgs.enums import RoleKind
from gongjiang.orgs.scope import Scope
from gongjiang.portal.views import scope_counts
from gongjiang.stats.fill import update_stats


def test_counts_read_no_raw_table_and_say_how_fresh(org, as_user):
    update_stats()
    scope = Scope(org.users.prov)
    with CaptureQueriesContext(connection) as ctx:
        counts, fresh = scope_counts(scope)
    assert counts == {"unions": 8, "employers": 2, "workers": 2}
    assert fresh is not None
    # (the to-dos beside them count their own few waiting rows; the scope's totals come from the rollups)
    raw = ("people_worker", "orgs_employer", '"orgs_union"')
    counting = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counting if any(t in sql for t in raw)]
    response = as_user(org.users.prov).get("/")
    assert response.context["counts"] == counts
    assert 'id="counts-freshness"' in response.content.decode()
    assert response.context["counts_fresh"] is not None


def test_a_union_below_another_of_the_users_unions_is_not_counted_twice(org):
    org_services.grant_role(actor=None, scope=None, user=org.users.alice, union=org.daoli, kind=RoleKind.UNION_ADMIN)
    org_services.grant_role(actor=None, scope=None, user=org.users.alice, union=org.qiqihar, kind=RoleKind.UNION_ADMIN)
    update_stats()
    counts, fresh = scope_counts(Scope(org.users.alice))
    # Harbin (3 unions, 1 employer, 1 worker) + Qiqihar (3, 1, 1); Daoli lies inside Harbin
    assert counts == {"unions": 6, "employers": 2, "workers": 2}
    assert fresh is not None


def test_counts_show_the_last_fill_not_the_rows_since(org):
    update_stats()
    org_services.create_union(
        actor=None, name="哈尔滨市南岗区总工会", kind="county", region=org.daoli.region, parent=org.harbin
    )
    counts, _fresh = scope_counts(Scope(org.users.alice))
    assert counts["unions"] == 3  # the new union appears after the next fill
    update_stats()
    assert scope_counts(Scope(org.users.alice))[0]["unions"] == 4

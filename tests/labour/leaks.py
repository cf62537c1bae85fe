"""The labour entries of the leak test (tests/test_leaks.py): each route, how an outsider tries it against
Harbin's objects, and the Harbin objects themselves (``build``) with the words that must not leak
(``markers``). See test_leaks.py for what each kind means."""

import datetime as dt
from decimal import Decimal

from django.core.files.base import ContentFile

HARBIN_LABOUR = "哈尔滨地铁三号线建设劳动竞赛（演示）"
HARBIN_SECTION = "三号线土建一标"
HARBIN_TEAM = "盾构掘进班"


def build(org) -> None:
    """Harbin's labour competition: a unit of the Harbin employer with a team (the Harbin worker in it), a
    closed first quarter and an open second one with a figure, its evidence and a veto."""
    from gongjiang.labour import services
    from gongjiang.orgs.scope import Scope
    from tests.labour.conftest import labour_competition, standard_scheme

    alice = org.users.alice
    scope = Scope(alice)
    org.harbin_labour = labour_competition(alice, org.harbin, HARBIN_LABOUR, "city")
    indicators = standard_scheme(alice, org.harbin_labour)
    org.harbin_indicator = indicators["quality"]
    org.harbin_labour_unit = services.enter_unit(
        actor=alice, scope=scope, competition=org.harbin_labour, employer=org.harbin_employer, section=HARBIN_SECTION
    )
    org.harbin_team = services.add_team(actor=alice, scope=scope, unit=org.harbin_labour_unit, name=HARBIN_TEAM)
    services.add_member(actor=alice, scope=scope, team=org.harbin_team, worker=org.harbin_worker)

    def quarter(name, start):
        return services.open_round(
            actor=alice,
            scope=scope,
            competition=org.harbin_labour,
            data=services.RoundData(name, start, start + dt.timedelta(days=89), start + dt.timedelta(days=99)),
        )

    org.harbin_closed_round = quarter("2026年第一季度", dt.date(2026, 1, 1))
    values = {i.pk: (Decimal(90), "") for i in indicators.values()}
    services.report_figures(
        actor=alice, scope=scope, round_=org.harbin_closed_round, unit=org.harbin_labour_unit, values=values, check=True
    )
    services.close_round(actor=alice, scope=scope, round_=org.harbin_closed_round)
    org.harbin_labour_round = quarter("2026年第二季度", dt.date(2026, 4, 1))
    services.report_figures(
        actor=alice,
        scope=scope,
        round_=org.harbin_labour_round,
        unit=org.harbin_labour_unit,
        values={indicators["progress"].pk: (Decimal(80), "")},
        evidence={indicators["progress"].pk: [ContentFile(b"%PDF-1.4 harbin", name="harbin.pdf")]},
    )
    org.harbin_evidence = org.harbin_labour_unit.figures.get(
        indicator=indicators["progress"], round=org.harbin_labour_round
    ).evidence.get()
    org.harbin_veto = services.record_veto(
        actor=alice, scope=scope, round_=org.harbin_labour_round, unit=org.harbin_labour_unit, reason="哈尔滨事故"
    )


def markers(org) -> list[str]:
    return [HARBIN_LABOUR, HARBIN_SECTION, HARBIN_TEAM]


def _c(o):
    return {"pk": o.harbin_labour.pk}


def _r(o):
    return {"pk": o.harbin_labour_round.pk}


PAGES = {
    "labour:list": ("list", lambda o: {}),
    "labour:detail": ("object", _c),
    "labour:scheme": ("object", _c),
    "labour:indicator_remove": ("object", lambda o: {"pk": o.harbin_indicator.pk}),
    "labour:unit_add": ("object", _c),
    "labour:unit": ("object", lambda o: {"pk": o.harbin_labour_unit.pk}),
    "labour:team_add": ("object", lambda o: {"pk": o.harbin_labour_unit.pk}),
    "labour:member_add": ("object", lambda o: {"pk": o.harbin_team.pk}),
    "labour:member_remove": ("object", lambda o: {"pk": o.harbin_team.pk, "worker": o.harbin_worker.pk}),
    "labour:round_add": ("object", _c),
    "labour:round": ("object", _r),
    "labour:figures": ("object", lambda o: {"pk": o.harbin_labour_round.pk, "unit": o.harbin_labour_unit.pk}),
    "labour:veto_add": ("object", _r),
    "labour:veto_lift": ("object", lambda o: {"pk": o.harbin_veto.pk}),
    "labour:round_close": ("object", _r),
    # the red-flag board of a closed round is public by design, like a competition's notice of results:
    # units and scores, no person (tests/labour/test_labour.py)
    "labour:board": ("public", lambda o: {"pk": o.harbin_closed_round.pk}),
    "labour:round_export": ("object", lambda o: {"pk": o.harbin_closed_round.pk}),
    "labour:standings": ("object", _c),
    "labour:standings_export": ("object", _c),
    "labour:final_publish": ("object", _c),
    # the published final standing of a finished competition is public like the rounds' boards (units and
    # scores, no person); Harbin's is not published here, so it answers 404 (tests/labour/test_final.py)
    "labour:final_board": ("public", _c),
    "labour:evidence": ("object", lambda o: {"pk": o.harbin_evidence.pk}),
}

API = {
    ("GET", "/api/labour/units"): ("list", lambda o: {}),
    ("GET", "/api/labour/rounds"): ("list", lambda o: {}),
    ("GET", "/api/labour/rounds/{round_id}/standings"): ("object", lambda o: {"round_id": o.harbin_closed_round.pk}),
    ("GET", "/api/labour/competitions/{competition_id}/standings"): (
        "object",
        lambda o: {"competition_id": o.harbin_labour.pk},
    ),
}

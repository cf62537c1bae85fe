"""The awards entries of the leak test (tests/test_leaks.py): each route, and how an outsider tries it
against Harbin's objects built by its ``leaky`` fixture. See test_leaks.py for what each kind means."""

PAGES = {
    "awards:decisions": ("list", lambda o: {}),
    "awards:decision": ("object", lambda o: {"pk": o.harbin_decision.pk}),
    "awards:decisions_bulk": ("bulk", lambda o: {"objects": [o.harbin_decision]}),
    "awards:nominations_bulk": (
        "bulk",
        lambda o: {"objects": [o.harbin_nomination], "kwargs": {"pk": o.harbin_nomination.cycle_id}},
    ),
    "awards:propose": ("object", lambda o: {"pk": o.harbin_comp.pk}),
    "awards:ledger": ("list", lambda o: {}),
    "awards:line": ("object", lambda o: {"pk": o.harbin_line.pk}),
    "awards:budgets": ("list", lambda o: {}),
    "awards:report": ("list", lambda o: {}),
    # honour cycles are provincial; each union sees only its own allocation and nominees in them
    "awards:cycles": ("list", lambda o: {}),
    "awards:cycle": ("list", lambda o: {"pk": o.harbin_nomination.cycle_id}),
    # a cycle's nominees as a spreadsheet: the user's subtree's only (a team's cycle, Harbin's team in it)
    "awards:cycle_export": ("list", lambda o: {"pk": o.harbin_team_nomination.cycle_id}),
    "awards:cycle_advance": ("object", lambda o: {"pk": o.harbin_nomination.cycle_id}),
    "awards:cycle_deadline": ("object", lambda o: {"pk": o.harbin_nomination.cycle_id}),
    "awards:allocate": ("object", lambda o: {"pk": o.harbin_nomination.cycle_id}),
    "awards:nominate": ("object", lambda o: {"pk": o.harbin_nomination.cycle_id}),
    "awards:nomination": ("object", lambda o: {"pk": o.harbin_nomination.pk}),
    "awards:nomination_action": ("object", lambda o: {"pk": o.harbin_nomination.pk}),
    "awards:materials": ("object", lambda o: {"pk": o.harbin_nomination.pk}),
    "awards:objection_decide": ("object", lambda o: {"pk": o.harbin_nomination_objection.pk}),
    # the public notice of nominees (names masked) and the honour roll are public by design
    "awards:notice": ("public", lambda o: {"pk": o.harbin_nomination.cycle_id}),
    "awards:showcase": ("public", lambda o: {}),
    "awards:showcase_year": ("public", lambda o: {"year": 2026}),
}

API = {
    ("GET", "/api/policy/documents"): ("list", lambda o: {}),
    ("GET", "/api/policy/documents/{document_id}"): ("list", lambda o: {"document_id": o.policy_doc.pk}),
    ("GET", "/api/policy/rules"): ("list", lambda o: {}),
    ("GET", "/api/policy/rules/{rule_id}"): ("list", lambda o: {"rule_id": o.harbin_decision.rule_id}),
    ("GET", "/api/decisions"): ("list", lambda o: {}),
    ("GET", "/api/decisions/{decision_id}"): ("object", lambda o: {"decision_id": o.harbin_decision.pk}),
    ("POST", "/api/decisions/{decision_id}/review"): ("object", lambda o: {"decision_id": o.harbin_decision.pk}),
    ("GET", "/api/ledger"): ("list", lambda o: {}),
    ("GET", "/api/ledger/{line_id}"): ("object", lambda o: {"line_id": o.harbin_line.pk}),
    ("POST", "/api/ledger/{line_id}/actions"): ("object", lambda o: {"line_id": o.harbin_line.pk}),
    ("GET", "/api/cycles"): ("list", lambda o: {}),
    ("GET", "/api/nominations"): ("list", lambda o: {}),
    ("GET", "/api/nominations/{nomination_id}"): ("object", lambda o: {"nomination_id": o.harbin_nomination.pk}),
}


HARBIN_TEAM = "哈锅焊接突击队"


def build(org) -> None:
    """A 工人先锋号 cycle with Harbin's team in it (a team is named by its employer and its name)."""
    from gongjiang.awards import services as awards
    from gongjiang.orgs.scope import Scope
    from gongjiang.policy.models import Rule

    prov, alice = org.users.prov, org.users.alice
    cycle = awards.open_cycle(
        actor=prov, scope=Scope(prov), rule=Rule.objects.get(code="honour-worker-pioneer"), year=2026
    )
    allocation = awards.allocate(actor=prov, scope=Scope(prov), cycle=cycle, union=org.harbin, quota=1)
    org.harbin_team_nomination = awards.nominate(
        actor=alice,
        scope=Scope(alice),
        allocation=allocation,
        employer=org.harbin_employer,
        team_name=HARBIN_TEAM,
        statement="哈尔滨班组事迹",
    )


def markers(org) -> list[str]:
    return [HARBIN_TEAM]

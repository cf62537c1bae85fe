"""The competitions entries of the leak test (tests/test_leaks.py): each route, and how an outsider tries it
against Harbin's objects built by its ``leaky`` fixture. See test_leaks.py for what each kind means."""

PAGES = {
    "competitions:list": ("list", lambda o: {}),
    "competitions:create": ("form", lambda o: {}),
    # the province's organising rights: policy data, no union's rows (403 for everyone else)
    "competitions:tiers": ("list", lambda o: {}),
    "competitions:detail": ("object", lambda o: {"pk": o.harbin_comp.pk}),
    "competitions:edit": ("object", lambda o: {"pk": o.harbin_comp.pk}),
    "competitions:transition": ("object", lambda o: {"pk": o.harbin_comp.pk}),
    "competitions:event_create": ("object", lambda o: {"pk": o.harbin_comp.pk}),
    "competitions:event": ("object", lambda o: {"pk": o.harbin_event.pk}),
    "competitions:event_edit": ("object", lambda o: {"pk": o.harbin_event.pk}),
    "competitions:event_export": ("object", lambda o: {"pk": o.harbin_event.pk}),
    "competitions:event_candidates": ("object", lambda o: {"pk": o.harbin_event.pk}),
    "competitions:entry_register": ("object", lambda o: {"pk": o.harbin_event.pk}),
    # the Harbin worker's entry in the provincial event, which Bob's union may also enter
    "competitions:entry_withdraw": ("object", lambda o: {"pk": o.harbin_entry.pk}),
    "competitions:judges": ("list", lambda o: {}),
    "competitions:event_assign": ("object", lambda o: {"pk": o.harbin_event.pk}),
    "competitions:assignment_change": ("object", lambda o: {"pk": o.harbin_assignment.pk}),
    "competitions:judging": ("own", lambda o: {}),
    "competitions:event_scheme": ("object", lambda o: {"pk": o.harbin_event.pk}),
    "competitions:event_mark": ("object", lambda o: {"pk": o.harbin_event.pk}),
    "competitions:event_results": ("object", lambda o: {"pk": o.harbin_event.pk}),
    "competitions:event_sign_off": ("object", lambda o: {"pk": o.harbin_event.pk}),
    "competitions:event_results_export": ("object", lambda o: {"pk": o.harbin_event.pk}),
    "competitions:objection_raise": ("object", lambda o: {"pk": o.harbin_city_entry.pk}),
    "competitions:objection_decide": ("object", lambda o: {"pk": o.harbin_objection.pk}),
    # the published notice of awards is public by design; names are masked (tests/competitions)
    "competitions:public_notice": ("public", lambda o: {"pk": o.harbin_comp.pk}),
    "competitions:certificates": ("object", lambda o: {"pk": o.harbin_comp.pk}),
    "competitions:certificate_revoke": ("object", lambda o: {"pk": o.harbin_certificate.pk}),
    "competitions:certificate_pdf": ("object", lambda o: {"code": o.harbin_certificate.code}),
    "competitions:mine": ("own", lambda o: {}),
    "competitions:figures": ("public", lambda o: {}),  # a redirect to stats:figures, which is covered
}

API = {
    ("GET", "/api/competitions"): ("list", lambda o: {}),
    ("GET", "/api/competitions/tiers"): ("list", lambda o: {}),
    ("POST", "/api/competitions"): ("create", lambda o: {}),
    ("POST", "/api/competitions/{competition_id}/transition"): (
        "object",
        lambda o: {"competition_id": o.harbin_comp.pk},
    ),
    ("GET", "/api/competitions/{competition_id}"): ("object", lambda o: {"competition_id": o.harbin_comp.pk}),
    ("GET", "/api/competitions/{competition_id}/events"): ("object", lambda o: {"competition_id": o.harbin_comp.pk}),
    ("GET", "/api/events/{event_id}/entries"): ("object", lambda o: {"event_id": o.harbin_event.pk}),
    ("POST", "/api/events/{event_id}/entries"): ("object", lambda o: {"event_id": o.harbin_event.pk}),
    ("GET", "/api/judging"): ("list", lambda o: {}),
    ("GET", "/api/events/{event_id}/marks"): ("object", lambda o: {"event_id": o.harbin_event.pk}),
    ("POST", "/api/events/{event_id}/marks"): ("object", lambda o: {"event_id": o.harbin_event.pk}),
    ("GET", "/api/events/{event_id}/results"): ("object", lambda o: {"event_id": o.harbin_event.pk}),
}

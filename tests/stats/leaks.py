"""The statistics entries of the leak test (tests/test_leaks.py): each route, and how an outsider tries it
against Harbin's objects built by its ``leaky`` fixture. See test_leaks.py for what each kind means."""

# each user opens their own union's cockpit; Harbin's figures are Harbin's objects
PAGES = {
    "stats:index": ("list", lambda o: {}),
    "stats:definitions": ("list", lambda o: {}),
    "stats:health": ("public", lambda o: {}),
    "stats:figures": ("list", lambda o: {}),
    "stats:cockpit": ("object", lambda o: {"union_id": o.harbin.pk}),
    "stats:cockpit_json": ("object", lambda o: {"union_id": o.harbin.pk}),
    "stats:rows": ("object", lambda o: {"union_id": o.harbin.pk, "code": "participant_times"}),
    "stats:people": ("object", lambda o: {"union_id": o.harbin.pk, "code": "participants"}),
    "stats:export": ("object", lambda o: {"union_id": o.harbin.pk, "panel": "headline"}),
    "stats:upward": ("object", lambda o: {"union_id": o.harbin.pk}),
    "stats:yearly_report": ("object", lambda o: {"union_id": o.harbin.pk}),
    "stats:bulletin": ("object", lambda o: {"union_id": o.harbin.pk, "pk": o.harbin_bulletin.pk}),
}
API = {
    ("GET", "/api/stats/indicators"): ("list", lambda o: {}),
    ("GET", "/api/stats/unions/{union_id}"): ("object", lambda o: {"union_id": o.harbin.pk}),
    ("GET", "/api/stats/unions/{union_id}/indicators/{code}"): (
        "object",
        lambda o: {"union_id": o.harbin.pk, "code": "participant_times"},
    ),
}

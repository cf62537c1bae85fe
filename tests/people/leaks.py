"""The people entries of the leak test (tests/test_leaks.py): each route, and how an outsider tries it
against Harbin's objects built by its ``leaky`` fixture. See test_leaks.py for what each kind means."""

PAGES = {
    "people:worker_list": ("list", lambda o: {}),
    "people:worker_export": ("list", lambda o: {}),
    "people:worker_create": ("form", lambda o: {}),
    "people:worker_detail": ("object", lambda o: {"pk": o.harbin_worker.pk}),
    "people:worker_record": ("object", lambda o: {"pk": o.harbin_worker.pk}),
    "people:worker_edit": ("object", lambda o: {"pk": o.harbin_worker.pk}),
    "people:grade_create": ("object", lambda o: {"pk": o.harbin_worker.pk}),
    "people:honour_create": ("object", lambda o: {"pk": o.harbin_worker.pk}),
    "people:worker_reveal": ("object", lambda o: {"pk": o.harbin_worker.pk, "field": "id_number"}),
    "people:me": ("own", lambda o: {}),
}

API = {
    ("GET", "/api/workers"): ("list", lambda o: {}),
    ("POST", "/api/workers/search"): ("search", lambda o: {}),
    ("POST", "/api/workers"): ("create", lambda o: {}),
    ("GET", "/api/workers/{worker_id}"): ("object", lambda o: {"worker_id": o.harbin_worker.pk}),
    ("GET", "/api/workers/{worker_id}/grades"): ("object", lambda o: {"worker_id": o.harbin_worker.pk}),
    ("POST", "/api/workers/{worker_id}/grades"): ("object", lambda o: {"worker_id": o.harbin_worker.pk}),
}

"""The imports entries of the leak test (tests/test_leaks.py): each route, and how an outsider tries it
against Harbin's objects built by its ``leaky`` fixture. See test_leaks.py for what each kind means."""

PAGES = {
    "imports:list": ("own", lambda o: {}),
    "imports:kind": ("own", lambda o: {"kind": "theory"}),
    "imports:template": ("public", lambda o: {"kind": "workers"}),
    "imports:job": ("object", lambda o: {"pk": o.harbin_job.pk}),
    "imports:job_errors": ("object", lambda o: {"pk": o.harbin_job.pk}),
}

API: dict = {}

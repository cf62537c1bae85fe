"""The orgs entries of the leak test (tests/test_leaks.py): each route, and how an outsider tries it
against Harbin's objects built by its ``leaky`` fixture. See test_leaks.py for what each kind means."""

PAGES = {
    "orgs:union_list": ("list", lambda o: {}),
    "orgs:union_detail": ("object", lambda o: {"pk": o.daoli.pk}),
    "orgs:employer_list": ("list", lambda o: {}),
    "orgs:employer_export": ("list", lambda o: {}),
    "orgs:employer_create": ("form", lambda o: {}),
    "orgs:employer_detail": ("object", lambda o: {"pk": o.harbin_employer.pk}),
    "orgs:employer_edit": ("object", lambda o: {"pk": o.harbin_employer.pk}),
    "orgs:account_list": ("list", lambda o: {}),
    "orgs:account_password": ("object", lambda o: {"user_id": o.users.staff.pk}),
    "orgs:account_active": ("object", lambda o: {"user_id": o.users.staff.pk}),
    "orgs:role_revoke": ("object", lambda o: {"pk": o.users.alice.roles.get().pk}),
}

API = {
    ("GET", "/api/unions"): ("list", lambda o: {}),
    ("GET", "/api/unions/{union_id}"): ("object", lambda o: {"union_id": o.daoli.pk}),
    ("GET", "/api/employers"): ("list", lambda o: {}),
    ("GET", "/api/employers/{employer_id}"): ("object", lambda o: {"employer_id": o.harbin_employer.pk}),
}

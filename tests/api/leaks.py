"""The api entries of the leak test (tests/test_leaks.py): each route, and how an outsider tries it
against Harbin's objects built by its ``leaky`` fixture. See test_leaks.py for what each kind means."""

PAGES = {
    "api:token_list": ("own", lambda o: {}),
    "api:token_revoke": ("object", lambda o: {"pk": o.harbin_token.pk}),
}

API: dict = {}

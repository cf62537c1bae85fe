"""The portal entries of the leak test (tests/test_leaks.py): each route, and how an outsider tries it
against Harbin's objects built by its ``leaky`` fixture. See test_leaks.py for what each kind means."""

PAGES = {
    "home": ("list", lambda o: {}),
    # one's own certificates only: an outsider sees none of Harbin's
    "my_certificates": ("list", lambda o: {}),
    # anyone verifies a certificate by its code and sees masked data (tests/competitions)
    "verify_form": ("public", lambda o: {}),
    "verify": ("public", lambda o: {"code": o.harbin_certificate.code}),
}

API: dict = {}

"""A test client signed in as a user the way the log-in pages leave a session, second factor
included (administrators must have one): the benchmarks time pages, not the set-up redirect."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def signed_in(username: str):
    from django.test import Client

    from gongjiang.core.models import User
    from tests.conftest import finish_sign_in  # the tests' own sign-in: one way to do it

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    finish_sign_in(client, user)
    return client

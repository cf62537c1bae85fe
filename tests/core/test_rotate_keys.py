import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError

from gongjiang.core import crypto
from gongjiang.people.models import Worker
from tests.conftest import HARBIN_ID, QIQIHAR_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def keys(settings):
    yield settings
    crypto._fernet.cache_clear()


def test_rotation_lets_the_old_key_go(org, keys):
    old = list(keys.FIELD_ENCRYPTION_KEYS)
    new = Fernet.generate_key().decode()
    keys.FIELD_ENCRYPTION_KEYS = [new, *old]
    call_command("rotate_field_keys", verbosity=0)
    keys.FIELD_ENCRYPTION_KEYS = [new]
    crypto._fernet.cache_clear()
    assert {crypto.decrypt(w.id_number_enc) for w in Worker.objects.all()} == {HARBIN_ID, QIQIHAR_ID}


def test_a_value_no_key_opens_stops_the_rotation_and_says_so(org, keys):
    keys.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="does not decrypt with any of FIELD_ENCRYPTION_KEYS"):
        call_command("rotate_field_keys", verbosity=0)

"""Field encryption (Fernet, rotatable keys) and keyed hashes for look-up.

Personal identifiers are stored as ciphertext plus an HMAC-SHA256 of the
normalised value; the HMAC makes equality look-ups and uniqueness possible
without the plaintext in the database.
"""

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings


@cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.FIELD_ENCRYPTION_KEYS])


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


def keyed_hash(value: str) -> str:
    return hmac.new(settings.FIELD_HASH_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()

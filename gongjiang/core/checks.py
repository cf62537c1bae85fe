"""Start-up checks: with DEBUG off the process refuses to start on a secret it cannot trust.

``settings.py`` calls :func:`production_problems` while it is read, before any app loads, so
every process (gunicorn, the task worker, ``manage.py migrate``, cron commands) refuses alike,
each problem with the environment variable to set and how to make a good value. Pure
functions on plain values: no Django import, so settings can use them.
"""

import base64
import binascii
from urllib.parse import urlsplit

MIN_SECRET_KEY_LENGTH = 50
MIN_SECRET_KEY_UNIQUE = 5
MIN_FIELD_HASH_KEY_LENGTH = 32

# Commands that make a good value (not secrets themselves).
HOW_SECRET_KEY = (
    "python -c 'from django.core.management.utils import get_random_secret_key; print(get_random_secret_key())'"  # noqa: S105
)
HOW_FERNET_KEY = "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
HOW_HASH_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def is_fernet_key(key: str) -> bool:
    """A Fernet key is 32 bytes in URL-safe base64 (44 characters)."""
    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32 and len(key) == 44
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False


def _secret_key(value: str) -> str | None:
    if len(value) < MIN_SECRET_KEY_LENGTH or len(set(value)) < MIN_SECRET_KEY_UNIQUE:
        return (
            f"SECRET_KEY must be at least {MIN_SECRET_KEY_LENGTH} random characters "
            f"(got {len(value)}); generate one with: {HOW_SECRET_KEY}"
        )
    return None


def _encryption_keys(raw: str) -> str | None:
    keys = [item.strip() for item in raw.split(",") if item.strip()]
    if not keys:
        return (
            "FIELD_ENCRYPTION_KEYS is empty: set one or more comma-separated Fernet keys "
            f"(the first encrypts, all decrypt); generate one with: {HOW_FERNET_KEY}"
        )
    bad = [str(i + 1) for i, key in enumerate(keys) if not is_fernet_key(key)]
    if bad:
        return (
            f"FIELD_ENCRYPTION_KEYS: key number {', '.join(bad)} is not a Fernet key "
            f"(44 characters of URL-safe base64); generate one with: {HOW_FERNET_KEY}"
        )
    return None


def _hash_key(value: str) -> str | None:
    if len(value) < MIN_FIELD_HASH_KEY_LENGTH:
        return (
            f"FIELD_HASH_KEY must be at least {MIN_FIELD_HASH_KEY_LENGTH} random characters "
            f"(got {len(value)}); generate one with: {HOW_HASH_KEY}"
        )
    return None


def _public_base_url(value: str) -> str | None:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        return (
            f"PUBLIC_BASE_URL must be the site's address as citizens reach it, such as "
            f"https://gongjiang.example.gov.cn (got {value!r})"
        )
    if value.endswith("/"):
        return f"PUBLIC_BASE_URL must not end with a slash: set {value.rstrip('/')!r}"
    return None


def production_problems(
    *,
    secret_key: str,
    field_encryption_keys: str,
    field_hash_key: str,
    public_base_url: str,
    demo: bool,
    demo_values: dict[str, str],
) -> list[str]:
    """What stops a DEBUG-off process from starting, one sentence each; empty when it may start.

    ``demo_values`` maps each setting to its built-in demo value: allowed in demo mode only.
    """
    problems: list[str] = []
    values = {
        "SECRET_KEY": (secret_key, _secret_key),
        "FIELD_ENCRYPTION_KEYS": (field_encryption_keys, _encryption_keys),
        "FIELD_HASH_KEY": (field_hash_key, _hash_key),
        "PUBLIC_BASE_URL": (public_base_url, _public_base_url),
    }
    for name, (value, check) in values.items():
        demo_value = demo_values.get(name)
        in_use = [v.strip() for v in value.split(",")] if name == "FIELD_ENCRYPTION_KEYS" else [value]
        if demo_value is not None and demo_value in in_use:
            if demo:
                continue
            problems.append(f"{name} is the demo value, which is public: set your own in the environment")
            continue
        problem = check(value)
        if problem:
            problems.append(problem)
    return problems

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from gongjiang.orgs.scope import Scope

from .models import ApiToken, hash_token


class TokenAuth(HttpBearer):
    """``Authorization: Bearer gj_…``; the request then carries the token's user and scope."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        request.scope = Scope(row.user)  # type: ignore[attr-defined]
        return row.user

"""What every colleges service shares: the domain error, the manager check, the audit shorthand."""

from typing import Any

from django.core.exceptions import PermissionDenied

from gongjiang.core import audit
from gongjiang.core.errors import DomainError
from gongjiang.core.models import User
from gongjiang.orgs.scope import Scope

from ..models import (
    College,
)
from ..queries import manages


class CollegeError(DomainError):
    """A broken business rule, with a message for the user."""


def require_manager(scope: Scope, college: College) -> None:
    if not manages(scope, college):
        raise PermissionDenied


def _record(actor: User, action: str, obj: Any, college: College, **kwargs: Any) -> None:
    audit.record(actor=actor, action=action, obj=obj, union_id=college.union_id, **kwargs)

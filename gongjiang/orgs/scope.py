"""The data scope of one user for one request.

A user's roles give capabilities at unions; a capability held at a union reaches
that union's whole subtree (geographic and industrial). Reads filter through
:meth:`Scope.union_filter`; writes ask :meth:`Scope.covers` and fail with 403.
"""

from collections import defaultdict

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from .models import Role, Union, UnionAncestor
from .rules import CAPABILITIES, GRANTABLE_BY


class Scope:
    def __init__(self, user: AbstractBaseUser | AnonymousUser) -> None:
        self.user = user
        self._roots: dict[str, set[int]] = defaultdict(set)
        self.roles: list[Role] = []
        self._covers: dict[tuple[str, int], bool] = {}
        self._tops: set[int] | None = None  # the unions without a parent, read once when asked
        if user.is_authenticated and user.is_active and user.pk is not None:
            self.roles = list(Role.objects.filter(user_id=user.pk).select_related("union"))
            for role in self.roles:
                for cap in CAPABILITIES.get(role.kind, ()):
                    self._roots[cap].add(role.union_id)

    def has(self, cap: str) -> bool:
        return bool(self._roots.get(cap))

    def roots(self, cap: str) -> set[int]:
        return set(self._roots.get(cap, ()))

    def union_ids(self, cap: str) -> QuerySet[UnionAncestor, int]:
        """A subquery of every union id the capability reaches."""
        return UnionAncestor.objects.filter(ancestor_id__in=self.roots(cap)).values_list("descendant_id", flat=True)

    def reaches_all(self, cap: str) -> bool:
        """True when the capability is held at every top union (one without a parent union): every
        union then lies in its reach (the province's officials). At most one query a request."""
        roots = self._roots.get(cap)
        if not roots or not any(role.union.parent_id is None for role in self.roles if role.union_id in roots):
            return False
        if self._tops is None:
            self._tops = set(Union.objects.filter(parent__isnull=True).order_by().values_list("pk", flat=True))
        return self._tops <= roots

    def union_filter(self, cap: str, field: str = "union") -> Q:
        """``Q`` that keeps rows whose ``field`` union lies in the capability's reach.

        When the reach is every union, only rows without a union are out: ``field IS NOT NULL``
        instead of ``field IN (every union of the closure table)``, which at province scale reads
        77,000 closure rows into a hash for each such filter of a query (issue 17)."""
        if not self.has(cap):
            return Q(pk__in=[])
        if self.reaches_all(cap):
            return Q(**{f"{field}__isnull": False})
        return Q(**{f"{field}__in": self.union_ids(cap)})

    def covers(self, cap: str, union_id: int | None) -> bool:
        if union_id is None or not self.has(cap):
            return False
        key = (cap, union_id)
        if key not in self._covers:
            self._covers[key] = UnionAncestor.objects.filter(
                descendant_id=union_id, ancestor_id__in=self.roots(cap)
            ).exists()
        return self._covers[key]

    def require(self, cap: str, union_id: int | None) -> None:
        if not self.covers(cap, union_id):
            raise PermissionDenied

    def grantable_kinds(self, union: Union) -> set[str]:
        """Role kinds this user may grant at ``union``."""
        kinds: set[str] = set()
        for role in self.roles:
            allowed = GRANTABLE_BY.get(role.kind)
            if allowed and self._reaches(role.union_id, union.pk):
                kinds |= allowed
        return kinds

    def _reaches(self, root_id: int, union_id: int) -> bool:
        return UnionAncestor.objects.filter(ancestor_id=root_id, descendant_id=union_id).exists()

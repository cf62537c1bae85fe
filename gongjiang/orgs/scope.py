"""The data scope of one user for one request.

A user's roles give capabilities at unions; a capability held at a union reaches
that union's whole subtree (geographic and industrial). Reads filter through
:meth:`Scope.union_filter` (or, over a table small beside the reach, :meth:`Scope.union_exists`);
writes ask :meth:`Scope.covers` and fail with 403.
"""

import copy
from collections import defaultdict
from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet

from .enums import UnionKind
from .models import Role, Union, UnionAncestor
from .rules import CAPABILITIES, GRANTABLE_BY

# A capability, or several: their reach is the union of each one's (the catalogue is read by those
# who manage competitions and by those who only read them).
Caps = str | tuple[str, ...]
T = TypeVar("T")


class ProbeEachRow(Exists):
    """``EXISTS (… OFFSET 0)``: the same test as ``Exists``, which PostgreSQL cannot turn into a
    hashed semi-join (it does not pull up a sub-select with an ``OFFSET``), so it stays a probe of each
    row the outer scan reaches. SQLite reads ``LIMIT 1 OFFSET 0`` the same way."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


class Scope:
    def __init__(self, user: AbstractBaseUser | AnonymousUser) -> None:
        self.user = user
        self._roots: dict[str, set[int]] = defaultdict(set)
        self.roles: list[Role] = []
        self._covers: dict[tuple[str, int], bool] = {}
        self._tops: dict[str, set[int]] = {}  # "ids": the unions without a parent, read once when asked
        self._read: dict[object, object] = {}  # what once() read, shared with the probing and walking copies
        self._probe = False  # union_filter as union_exists (see probing)
        self._per_row = False  # union_exists as a probe of each row, never a hash (see walking)
        self._probing: Scope | None = None  # this scope's probing copy, made once
        self._walking: Scope | None = None  # this scope's walking copy, made once
        if user.is_authenticated and user.is_active and user.pk is not None:
            self.roles = list(Role.objects.filter(user_id=user.pk).select_related("union"))
            for role in self.roles:
                for cap in CAPABILITIES.get(role.kind, ()):
                    self._roots[cap].add(role.union_id)

    def has(self, cap: Caps) -> bool:
        return bool(self.roots(cap))

    def roots(self, cap: Caps) -> set[int]:
        if isinstance(cap, str):
            return set(self._roots.get(cap, ()))
        return set().union(*(self._roots.get(c, ()) for c in cap))

    def union_ids(self, cap: Caps) -> QuerySet[UnionAncestor, int]:
        """A subquery of every union id the capability reaches."""
        return UnionAncestor.objects.filter(ancestor_id__in=self.roots(cap)).values_list("descendant_id", flat=True)

    def reaches_all(self, cap: Caps) -> bool:
        """True when the capability is held at every top union (one without a parent union): every
        union then lies in its reach (the province's officials). At most one query a request."""
        roots = self.roots(cap)
        if not roots or not any(role.union.parent_id is None for role in self.roles if role.union_id in roots):
            return False
        return self.tops() <= roots

    def tops(self) -> set[int]:
        """The unions without a parent union, read once a request (shared with the probing and walking copies)."""
        if "ids" not in self._tops:  # a dict, so that a probing copy shares what was read
            self._tops["ids"] = set(Union.objects.filter(parent__isnull=True).order_by().values_list("pk", flat=True))
        return self._tops["ids"]

    def union_filter(self, cap: Caps, field: str = "union") -> Q:
        """``Q`` that keeps rows whose ``field`` union lies in the capability's reach.

        When the reach is every union, only rows without a union are out: ``field IS NOT NULL``
        instead of ``field IN (every union of the closure table)``, which at province scale reads
        77,000 closure rows into a hash for each such filter of a query (issue 17)."""
        if self._probe:
            return self.union_exists(cap, field, per_row=self._per_row)
        if not self.has(cap):
            return Q(pk__in=[])
        if self.reaches_all(cap):
            return Q(**{f"{field}__isnull": False})
        return Q(**{f"{field}__in": self.union_ids(cap)})

    def union_exists(self, cap: Caps, field: str = "union", *, per_row: bool = False) -> Q:
        """The rows :meth:`union_filter` keeps, asked row by row: ``EXISTS (SELECT 1 FROM
        orgs_unionancestor WHERE descendant_id = <row's union> AND ancestor_id IN (roots))``, one probe
        of the closure's unique index ``(ancestor, descendant)`` a row.

        Under an ``OR`` (a visibility rule: the reach, or one's own rows) PostgreSQL cannot make
        ``union_filter``'s ``IN (reach)`` a join: it hashes the whole reach (a city: 26,573 closure
        rows, 7-12 ms at province scale) however few rows meet it. ``EXISTS`` there is planned with
        both a per-row probe and a hashed alternative, and the planner takes the probe when few rows
        reach it; alone under ``AND`` both forms are the same semi-join. So filter a table small beside
        the reach (the home page's to-dos, issue 17) with this; keep ``union_filter`` for big tables
        (EXPLAIN decides). A row without a union is out (no closure row has a null descendant); the
        province keeps ``IS NOT NULL``, as with ``union_filter``.

        ``per_row``: the probe and never the hash (:class:`ProbeEachRow`), for a list read in an
        index's order under a ``LIMIT`` (see :meth:`walking`)."""
        if not self.has(cap):
            return Q(pk__in=[])
        if self.reaches_all(cap):
            return Q(**{f"{field}__isnull": False})
        links = UnionAncestor.objects.filter(descendant_id=OuterRef(field), ancestor_id__in=self.roots(cap))
        return Q(ProbeEachRow(links) if per_row else Exists(links))

    def probing(self) -> "Scope":
        """This scope, whose :meth:`union_filter` is :meth:`union_exists`: an app's visibility rule
        (``competitions_for_user(scope)``, written once with ``union_filter``) read with per-row
        probes, for a count over few rows. Shares the roles and what was read."""
        if self._probe:
            return self
        if self._probing is None:
            self._probing = copy.copy(self)
            self._probing._probe = True
        return self._probing

    def walking(self) -> "Scope":
        """This scope, whose :meth:`union_filter` probes each row for its union and never hashes the
        reach: for one page of a list walked down an index in its order (``ORDER BY … LIMIT 51``),
        where the rows tested are the page and the rows skipped to reach it.

        :meth:`probing`'s ``EXISTS`` is planned with a hashed alternative, chosen from the rows the
        scan would return without the ``LIMIT``: for a city official that hashed the city's 26,573
        closure rows to keep 51 of 123 competitions walked (10 ms of a 0.6 ms page at province scale,
        issue 17). Not for a count or an aggregate over many rows: there the hash is cheaper."""
        if self._walking is None:
            self._walking = copy.copy(self)
            self._walking._probe = True
            self._walking._per_row = True
            self._walking._probing = self._walking._walking = self._walking
        return self._walking

    def once(self, key: object, read: Callable[[], T]) -> T:
        """``read()``, read once a request for this scope and its probing and walking copies."""
        if key not in self._read:
            self._read[key] = read()
        return self._read[key]  # type: ignore[return-value]

    def city_wide(self, cap: Caps) -> bool:
        """True when every root of the capability is a city federation: a reach of tens of thousands
        of closure rows holding a large share of a table's rows, so that probing each row up to a
        count's cap (:meth:`walking`) costs less than hashing the reach (a county's reach is small
        and sparse: there the hash is cheaper, issue 17)."""
        roots = self.roots(cap)
        return bool(roots) and all(role.union.kind == UnionKind.CITY for role in self.roles if role.union_id in roots)

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

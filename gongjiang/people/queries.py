"""Reads of the worker registry; every one starts from :func:`workers_for_user`."""

import re
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Func, IntegerField, Q, QuerySet, Subquery, TextField, Value, When
from django.db.models.functions import Left
from django.db.models.lookups import Exact

from gongjiang.core import crypto
from gongjiang.core.pagination import NewestFirst, NewestOfBranches
from gongjiang.core.validators import validate_id_number
from gongjiang.orgs import queries as org_queries
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import Employer, Union, UnionAncestor
from gongjiang.orgs.rules import VIEW_WORKERS
from gongjiang.orgs.scope import Scope

from .enums import WorkerStatus
from .models import ReachNewestWorker, Worker

_LAST4_RE = re.compile(r"^\d{3}[\dXx]$")


def workers_for_user(scope: Scope, *, own: bool = True) -> QuerySet[Worker]:
    """Workers in the user's reach, plus (``own``) the user's own record.

    Lists and counts pass ``own=False``: "in reach OR mine" in one condition stops PostgreSQL
    from using the union index (a city admin's first page read the whole table). A user without
    the capability sees only their own record either way; an official's own record outside their
    reach stays reachable by its page and the API's look-ups, which keep ``own``.
    """
    authenticated = getattr(scope.user, "is_authenticated", False)
    if not scope.has(VIEW_WORKERS):
        return Worker.objects.filter(Q(user=scope.user)) if authenticated else Worker.objects.none()
    if scope.reaches_all(VIEW_WORKERS):
        # Every union is in reach and every worker has one (``union`` is NOT NULL), so the province's
        # reach is every worker. ``union_filter``'s ``union_id IS NOT NULL`` kept no row out, but made
        # PostgreSQL read the heap for it: a capped count of a name prefix or the last four of an ID read
        # each match's table page (627 for 董志, 215 for 9769 at province scale, 18 and 8 ms cold)
        # instead of the name or ID index alone (issue 17).
        return Worker.objects.all()
    reach = scope.union_filter(VIEW_WORKERS)
    if own and authenticated:
        reach |= Q(user=scope.user)
    return Worker.objects.filter(reach)


# How many employers a name search follows; a term matching more employers than this is too
# vague to list by employer (their workers are still found by name).
EMPLOYER_MATCHES = 2000
# Substrings this long are found through the trigram index on PostgreSQL; shorter terms match
# names exactly or by prefix (a btree), since most Chinese names are two or three characters.
TRIGRAM_MIN = 3


def search_workers(qs: QuerySet[Worker], text: str, branches: list[Q] | None = None) -> QuerySet[Worker]:
    """A whole ID number matches its hash; four digits match the ID's last four; else the name
    (exactly, by prefix, or, from three characters, anywhere) or the employer's name, exact name
    matches first. Matching employers are looked up first, so each half of the search uses an index;
    ``branches``: :func:`name_branches` of ``text`` when the caller has them already."""
    text = text.strip()
    if not text:
        return qs
    if len(text) == 18:
        try:
            return qs.filter(id_number_hash=crypto.keyed_hash(validate_id_number(text)))
        except ValidationError:
            return qs.none()
    if _LAST4_RE.match(text):
        return qs.filter(id_last4=text.upper())
    branches = branches if branches is not None else name_branches(text)
    names = branches[0] | branches[1] if len(branches) > 1 else branches[0]
    if len(text) == 1:
        # a surname: no name is one character, so nothing matches exactly, and newest first lets
        # PostgreSQL stop after a page instead of sorting every worker of that surname
        return qs.filter(names).order_by("-id")
    exact_first = Case(When(name=text, then=Value(0)), default=Value(1), output_field=IntegerField())
    return qs.filter(names).order_by(exact_first, "-id")


def name_branches(text: str) -> list[Q]:
    """What a name search matches, as separate conditions: the name (a surname, a prefix, or from
    three characters a substring), and the few employers whose name holds the text, if any.

    A surname is the name's first character (``LEFT(name, 1)``), which the index
    ``worker_surname_newest`` holds with the id, newest first: a page of a surname is an index
    walk of one page, however many millions share it."""
    if len(text) == 1:
        name = Q(Exact(Left("name", 1), text))
    else:
        name = Q(name__contains=text) if len(text) >= TRIGRAM_MIN else Q(name__startswith=text)
    employers = list(employers_named(text).order_by().values_list("pk", flat=True)[: EMPLOYER_MATCHES + 1])
    if employers and len(employers) <= EMPLOYER_MATCHES:
        return [name, Q(employer_id__in=employers)]
    return [name]


class Characters(Func):
    """A text's characters as an array (``string_to_array(text, NULL)``): what the index
    ``employer_name_chars`` (people 0013) holds of each employer's name. PostgreSQL only."""

    function = "string_to_array"
    template = "%(function)s(%(expressions)s, NULL)"
    output_field = ArrayField(TextField())


def employers_named(text: str) -> QuerySet[Employer]:
    """Employers whose name holds ``text``. A term shorter than a trigram (a surname, most given
    names) has no trigram for ``employer_name_trgm``, so ``LIKE '%段%'`` read every employer (50,146 at
    province scale, 12-19 ms a search); on PostgreSQL it is also asked as "the name holds each of the
    term's characters", which the GIN index ``employer_name_chars`` answers, and the ``LIKE`` keeps
    exactly the names that hold the term (the characters test is implied by it: no name is lost)."""
    employers = Employer.objects.filter(name__contains=text)
    if connection.vendor == "postgresql" and 0 < len(text) < TRIGRAM_MIN:
        characters = Value(list(text), output_field=ArrayField(TextField()))
        employers = employers.filter(DataContains(Characters("name"), characters))
    return employers


def search_branches(params: dict[str, str]) -> list[Q] | None:
    """:func:`name_branches` of a search by name (not a whole ID number, not four digits), else
    ``None``: what :func:`filter_workers` and :func:`newest_in_reach` share, so that a request looks
    the matching employers up once however many reads of the list it makes."""
    text = params.get("q", "").strip()
    if not text or len(text) == 18 or _LAST4_RE.match(text):
        return None
    return name_branches(text)


def filter_workers(qs: QuerySet[Worker], params: dict[str, str], branches: list[Q] | None = None) -> QuerySet[Worker]:
    """Apply the list filters; unknown or empty values are ignored. ``branches``: the search's
    :func:`search_branches`, when the caller has them."""
    if q := params.get("q"):
        qs = search_workers(qs, q, branches)
    if (occupation := params.get("occupation", "")).isdigit():
        qs = qs.filter(occupations=int(occupation))
    if (grade := params.get("grade", "")).isdigit():
        qs = qs.filter(top_grade=int(grade))
    if status := params.get("status"):
        qs = qs.filter(status=status)
    if sex := params.get("sex"):
        qs = qs.filter(sex=sex)
    if (employer := params.get("employer", "")).isdigit():
        qs = qs.filter(employer_id=int(employer))
    return qs if qs.query.order_by else qs.order_by("-id")


# Rows up to this one are read union by union (``NewestInReach``); deeper pages take the plain query.
LATERAL_ROWS = 1000
# The list filters on a worker column that the union-by-union read applies in both of its steps.
_COLUMN_FILTERS = {"status": "status", "sex": "sex", "grade": "top_grade"}
# Any other narrowing (a search, an occupation or employer, a statistical figure, a to-do) has its
# own index or its own small set of rows: the plain query serves it.
_PLAIN_PARAMS = frozenset({"page", *_COLUMN_FILTERS})


def newest_in_reach(
    qs: QuerySet[Worker],
    scope: Scope,
    params: dict[str, str],
    branches: list[Q] | None = None,
    by_pk: QuerySet[Worker] | None = None,
) -> "QuerySet[Worker] | NewestInReach | NewestOfBranches | CityNewest | CityIds | SurnameWalk | IdsFirst":
    """What a worker list pages through: ``qs`` itself, or the same rows read a cheaper way.

    "The newest 50 workers of Harbin" as one ``ORDER BY id DESC LIMIT 50`` makes PostgreSQL walk
    the primary key backwards past every newer worker of the other cities (1.5 million rows at
    province scale), and a lone surname walks ``worker_surname_newest`` past every other city's
    workers of that surname. So:

    - a city federation official's whole list (one city), or its workers retired or left: the ids from the
      city's rows newest first, an index-only walk of ``worker_city_newest`` (city, id DESC) or
      ``worker_city_status_newest``, the rows through ``qs`` (:class:`CityIds`).
      Union by union, page 5 of Harbin probed 251 unions for 13,175 index entries (7.4 ms) and the count
      merged 12,746 entries with the city's closure rows (2.8 ms); down the city's index 250 entries
      (0.08 ms) and 10,001 (2.0 ms), province scale;
    - a city or county official's lone surname, or a county's status other than employed: ``qs`` narrowed to
      their city (:func:`city_narrowed`; the reach filter stays), an index walk of their city's rows;
    - below the province otherwise (a county's or an enterprise union's whole list, a sex, a grade, the
      employed): read union by union,
      :class:`NewestInReach`, whose cost follows the number of unions in reach;
    - a lone surname that also names employers, for every official: branch by branch
      (:class:`NewestOfBranches`), the surname's branch city by city below a city;
    - a city federation's official's other searches (a name, an employer, the last four of an ID):
      the ids from their city's rows, the rows through ``qs`` (:class:`CityIds`), on SQLite too;
    - the province's own officials' lone surname that names no employer: ``qs``, counted in its order
      (:class:`SurnameWalk`); their 2-character name that names no employer: ``qs``, the page's ids
      sorted from the name index alone (:class:`IdsFirst`);
    - the province's own officials, other searches and any other filter (an occupation, an employer,
      a figure: each has its own index or few rows): ``qs`` itself. So does SQLite, but for the city.

    ``branches``: the search's :func:`search_branches`, when the caller has them. ``by_pk``: ``qs``
    without the list's filters but with its reach, columns and annotations (the view's), through which
    a read of ids first (:class:`CityIds`, :class:`IdsFirst`) reads the page's rows by primary key
    alone: with the search's ``name LIKE`` beside the 50 ids, PostgreSQL read the rows down the name
    index, every match's table row (627 for 董志 at province scale) filtered by the ids.
    """
    given = {k for k, v in params.items() if v}
    surname = params.get("q", "").strip() if given <= {"q", "page"} else ""
    surname = surname if len(surname) == 1 else ""
    searched = len(params.get("q", "").strip()) > 1 and given <= {"q", "page"}
    # the whole list, or the workers not employed, of one city's official (down ``worker_city_newest``,
    # ``worker_city_status_newest``): the city's rows are the reach, so no probe of the reach per row
    # (a count of Harbin's retired probed 249 unions, ~750 buffers, province scale)
    whole = connection.vendor == "postgresql" and (
        not given - {"page"} or (given <= {"page", "status"} and params.get("status") in _CITY_STATUSES)
    )
    if (searched or whole) and (own := own_cities(scope)) and (searched or len(own) == 1):
        # any other search of a city official, or the whole list of one city's or its workers not employed:
        # its ids from the city's rows, its rows through ``qs`` (or ``by_pk``)
        return CityIds(qs, filter_workers(Worker.objects.filter(city_id__in=own), params, branches), by_pk)
    cities = reach_cities(scope) if _read_by_city(params) else None
    if connection.vendor != "postgresql":
        return city_narrowed(qs, cities) if cities else qs  # the same rows' query as PostgreSQL's
    if surname:
        branches = branches if branches is not None else name_branches(surname)
        if len(branches) > 1:
            # each branch from the list's own rows (the reach, without the search's OR: with it,
            # PostgreSQL reads both branches' matches for each branch), narrowed by its one condition;
            # the surname's, below a city, city by city (``worker_city_surname_newest``)
            reach = workers_for_user(scope, own=False)
            named, *others = [reach.filter(branch) for branch in branches]
            named_by_city = [named.filter(city_id=_city(city)) for city in cities] if cities else [named]
            return NewestOfBranches(qs, [*named_by_city, *others])
    if cities:  # down ``worker_city_surname_newest`` or ``worker_city_status_newest``
        # below a city federation (a county), the page is first looked for among the city's newest rows
        narrower = set(cities) != scope.roots(VIEW_WORKERS)
        return city_narrowed(qs, cities, filter_workers(Worker.objects.all(), params, branches) if narrower else None)
    roots = scope.roots(VIEW_WORKERS)
    everywhere = not roots or any(r.union.parent_id is None for r in scope.roles if r.union_id in roots)
    if surname or given - _PLAIN_PARAMS or everywhere:
        # A surname alone keeps the plain walk down ``worker_surname_newest`` for the province and an
        # industrial union (whose members sit in every city) or an enterprise union: read union by
        # union (an index on the union and the surname, tried in the search17 pass) its capped count
        # probed every union in reach, 0.6 s for Harbin's 11,000 unions (issue 17, benchmarks.md).
        # The province's is counted in the walk's order.
        province = scope.reaches_all(VIEW_WORKERS)
        return _read_for_province(qs, params, branches, surname, by_pk) if province else qs
    where: dict[str, Any] = {}
    for param, column in _COLUMN_FILTERS.items():
        value = params.get(param, "")
        if value and (column != "top_grade" or value.isdigit()):
            where[f"w.{column}"] = int(value) if column == "top_grade" else value
    return NewestInReach(qs, sorted(roots), where)


# The statuses a city or county official's list reads from their city's rows (``city_narrowed``): the
# workers not employed (7 %), whose index led by the city is small, ``worker_city_status_newest``.
# The whole list and the employed (93 %) are read union by union (``NewestInReach``): newest first down
# an index led by the city, a county whose workers are older than the rest of its city's passed them
# all, 1.8 s for 道里's first page at province scale (issue 17, benchmarks.md).
_CITY_STATUSES = frozenset(WorkerStatus.values) - {WorkerStatus.EMPLOYED}
# The unions whose reach lies in one city: a city or county federation. An enterprise union's few
# workers are read union by union.
_CITY_ROOTS = frozenset({UnionKind.CITY, UnionKind.COUNTY})


def _read_by_city(params: dict[str, str]) -> bool:
    """Whether a city or county official's list with these parameters is read from their city's rows:
    a lone surname, or a status other than employed (with a page, nothing else)."""
    given = {k for k, v in params.items() if v}
    if given <= {"q", "page"} and len(params.get("q", "").strip()) == 1:
        return True
    return given <= {"page", "status"} and params.get("status") in _CITY_STATUSES


def in_city(qs: QuerySet[Worker], scope: Scope, params: dict[str, str]) -> QuerySet[Worker]:
    """``qs`` (the list's own query) narrowed to the official's city by a plain filter, where the page
    reads by city (:func:`newest_in_reach`), else ``qs``: for the API, whose pager counts and slices
    the query itself. The city written as a constant, PostgreSQL walks the index that holds both the
    city and the surname (or status) for the page, and counts from it alone."""
    cities = reach_cities(scope) if _read_by_city(params) else None
    if not cities:
        return qs
    return qs.filter(city_id__in=cities) if len(cities) > 1 else qs.filter(city_id=cities[0])


def reach_cities(scope: Scope) -> list[int] | None:
    """The cities (``Worker.city``) of every worker in the official's reach when each root of it is a
    city or county federation, else ``None`` (the province, an industrial union, whose members sit in
    every city, an enterprise union, or no role at all). One query.

    A city or county federation's reach is its geographic subtree: only an enterprise union has an
    industrial parent, and an industrial union hangs under a top union (``orgs.services.create_union``),
    so every union in reach has the root on its parent chain, and that chain's city is the root's."""
    roots = scope.roots(VIEW_WORKERS)
    if not roots or any(role.union.kind not in _CITY_ROOTS for role in scope.roles if role.union_id in roots):
        return None  # an enterprise union keeps its own reads
    return org_queries.reach_cities(scope, VIEW_WORKERS)


def own_cities(scope: Scope) -> list[int] | None:
    """The worker-viewing roots when each is a city federation (a union one below a top union), else
    ``None``: :func:`gongjiang.orgs.queries.own_cities`, whose roots' reach is exactly the workers whose
    ``Worker.city`` is one of them. One query, for officials at city federations only."""
    return org_queries.own_cities(scope, VIEW_WORKERS)


def _read_for_province(
    qs: QuerySet[Worker], params: dict[str, str], branches: list[Q] | None, surname: str, by_pk: QuerySet[Worker] | None
) -> "QuerySet[Worker] | SurnameWalk | IdsFirst":
    """The province's list read plainly (its reach is every worker): a lone surname counted in its walk's
    order (:class:`SurnameWalk`), a 2-character name's ids sorted from the name index (:class:`IdsFirst`),
    anything else ``qs`` itself."""
    if surname:
        return SurnameWalk(qs)
    return IdsFirst(qs, by_pk) if _name_prefix_only(params, branches) else qs


def _name_prefix_only(params: dict[str, str], branches: list[Q] | None) -> bool:
    """Whether the list is a name search by prefix alone (two characters, no other filter) that names
    no employer: its matches are sorted (exact name first, newest) from ``worker_name_ids`` alone."""
    text = params.get("q", "").strip()
    if {k for k, v in params.items() if v} - {"q", "page"} or not 1 < len(text) < TRIGRAM_MIN:
        return False
    if _LAST4_RE.match(text) or len(text) == 18:
        return False
    return len(branches if branches is not None else name_branches(text)) == 1


class IdsFirst(NewestFirst):
    """``qs``'s rows in ``qs``'s order (the province's search by a 2-character name: exact name first,
    then newest): the page's ids first, selected alone from ``qs``, then the page's rows by primary key.

    Selecting the rows, PostgreSQL read the table row of every match to sort them (627 for 董志 at
    province scale, 1,881 buffers); the ids and names of the matches are all in ``worker_name_ids``
    (name) INCLUDE (id, city), so the ids are sorted from the index alone and the table gives the
    page's 50 rows, read through ``by_pk`` (``qs`` without the search: see :func:`newest_in_reach`;
    ``qs`` itself when not given). (As ``id IN (subquery)`` in one statement, PostgreSQL drove the outer
    query by the name again.) The province's reach is every worker (:func:`workers_for_user`): no reach
    filter needs the table. The count is ``qs``'s, unordered (index-only too)."""

    def __init__(self, qs: QuerySet[Worker], by_pk: QuerySet[Worker] | None = None) -> None:
        super().__init__(qs)
        self.by_pk = qs if by_pk is None else by_pk

    def capped_count(self, cap: int) -> int:
        return self.qs.order_by().values("pk")[: cap + 1].count()

    def rows(self, start: int, stop: int) -> list[Worker]:
        ids = list(self.qs.values_list("pk", flat=True)[start:stop])
        rows = {w.pk: w for w in self.by_pk.order_by().filter(pk__in=ids)} if ids else {}
        return [rows[pk] for pk in ids if pk in rows]


class SurnameWalk(NewestFirst):
    """``qs`` (the province's lone surname, newest first: a walk down ``worker_surname_newest``), whose
    capped count walks the same index in the same order and stops at ``cap + 1`` rows.

    Counted without the order, PostgreSQL read every index entry of the surname into a bitmap before
    the first row (39,710 for 段 at province scale, 9 ms) and then their table pages until it had
    1,001 (906 pages, 21-45 ms); in order it reads 1,001 entries and their rows (2-6 ms). The
    province's reach is every worker (:func:`workers_for_user`), so no row is passed for its scope."""

    def capped_count(self, cap: int) -> int:
        return self.qs.values("pk")[: cap + 1].count()

    def rows(self, start: int, stop: int) -> list[Worker]:
        return list(self.qs[start:stop])


class CityIds(NewestFirst):
    """``qs``'s rows in ``qs``'s order (a city federation official's search), whose ids are read from
    ``ids``: the same filters and order over the workers of the official's cities (:func:`own_cities`),
    without the reach filter, whose ``union_id IN (reach)`` PostgreSQL met by walking the whole reach
    (Harbin: 26,573 closure rows, 4 ms) in both the count and the page. The rows are then read by primary
    key through ``qs``, which keeps the reach filter: no row outside the reach is ever shown.

    Any slice with an end reads ids then rows (``max_rows`` is ``None``); the count is ``ids``'s. ``by_pk``:
    ``qs`` without the search, which the rows are read through when given (:func:`newest_in_reach`)."""

    def __init__(self, qs: QuerySet[Worker], ids: QuerySet[Worker], by_pk: QuerySet[Worker] | None = None) -> None:
        super().__init__(qs)
        self.ids = ids
        self.by_pk = qs if by_pk is None else by_pk

    def capped_count(self, cap: int) -> int:
        return self.ids.order_by().values("pk")[: cap + 1].count()

    def rows(self, start: int, stop: int) -> list[Worker]:
        ids = list(self.ids.values_list("pk", flat=True)[start:stop])
        rows = {w.pk: w for w in self.by_pk.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def count(self) -> int:
        return self.ids.count()


def city_narrowed(
    qs: QuerySet[Worker], cities: list[int], window: QuerySet[Worker] | None = None
) -> "QuerySet[Worker] | CityNewest | NewestOfBranches":
    """``qs`` (a city or county official's lone surname or status, its reach filter kept) narrowed to
    the workers of ``cities`` (:func:`reach_cities`): every row of ``qs`` carries one of them, so no
    row is lost and none is added. PostgreSQL then walks an index led by the city
    (``worker_city_surname_newest``, ``worker_city_status_newest``) instead of every city's rows
    (:class:`CityNewest`); several cities are read city by city and united (:class:`NewestOfBranches`).
    ``window``: the same filter without the reach, for :class:`CityNewest` (a reach narrower than the city)."""
    if connection.vendor != "postgresql":  # the same rows' filter, without PostgreSQL's LIMIT in a UNION
        return qs.filter(city_id__in=cities) if len(cities) > 1 else qs.filter(city_id=cities[0])
    if len(cities) > 1:
        return NewestOfBranches(qs, [qs.filter(city_id=_city(city)) for city in cities])
    return CityNewest(qs, cities[0], window)


def _city(city: int) -> Subquery:
    """The city as a one-row subquery, which PostgreSQL plans as a parameter of unknown value.

    With the city written as a constant, PostgreSQL knows Harbin holds half the workers and may walk
    the primary key backwards, filtering on the city, to find the newest 50: past every newer worker
    of the other cities (185,000 rows for a page on a 400,000-worker copy whose cities' workers were
    registered city after city). Of a city it does not know, it expects a thirteenth of the rows and
    walks the index led by the city."""
    return Subquery(Union.objects.filter(pk=city).order_by().values("pk"))


# How many of the city's newest rows of a filter a county official's page is first looked for among.
CITY_WINDOW = 2000


class CityNewest(NewestFirst):
    """``qs``'s rows (a city or county official's), newest first, read within ``city``, for
    :class:`CappedPaginator`.

    A page's ids come first, from the index led by the city alone (it holds the reach's union and what
    the search compares: an index-only walk, however many of the city's rows lie outside a county's
    reach), then its rows by primary key through ``qs``, which keeps every filter. The count walks the
    same index to ``cap + 1`` rows of the reach, the city written as a constant (whose size PostgreSQL
    knows: with a city it does not know, it may read all of them in a bitmap to count 1,001)."""

    def __init__(self, qs: QuerySet[Worker], city: int, window: QuerySet[Worker] | None = None) -> None:
        super().__init__(qs)
        self.city = city
        self.window = window

    def capped_count(self, cap: int) -> int:
        return self.qs.filter(city_id=self.city).order_by().values("pk")[: cap + 1].count()

    def rows(self, start: int, stop: int) -> list[Worker]:
        ids = self._ids_in_window(start, stop)
        if ids is None:
            ids = list(self.qs.filter(city_id=_city(self.city)).values_list("pk", flat=True)[start:stop])
        rows = {w.pk: w for w in self.qs.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def count(self) -> int:
        return self.qs.filter(city_id=self.city).count()

    def _ids_in_window(self, start: int, stop: int) -> list[int] | None:
        """Rows ``start`` to ``stop``'s ids when they lie among the city's newest ``CITY_WINDOW`` rows of
        the filter (``window``: the filter without the reach), else ``None``.

        A county's page read down the city-led index with the reach as a hash join was planned as a
        sort of all the city's rows of the surname (Harbin's 段: 20,590 index entries, 5-8 ms for a page
        of 五常, whose workers are Harbin's newest); the planner cannot know where in the city the
        county's rows lie. The id of the city's ``CITY_WINDOW``-th newest row bounds the walk: the
        reach's rows above it come before every row below it, so when they are ``stop`` or more, they
        are the page (an index walk of at most ``CITY_WINDOW`` entries). A county whose rows are older
        pays this one look-up (an index-only walk) and reads the page as before."""
        if self.window is None or stop > CITY_WINDOW:
            return None
        bound = self.window.filter(city_id=self.city).order_by("-pk").values_list("pk", flat=True)
        lowest = list(bound[CITY_WINDOW - 1 : CITY_WINDOW])
        if not lowest:  # the city holds fewer rows: the plain read walks no more than the window
            return None
        above = self.qs.filter(city_id=_city(self.city), pk__gte=lowest[0]).values_list("pk", flat=True)
        ids = list(above[start:stop])
        return ids if len(ids) == stop - start else None


class NewestInReach(NewestFirst):
    """A sliceable, countable list of workers, newest first, for :class:`CappedPaginator`.

    A page ending at row ``n`` (at most ``LATERAL_ROWS``) reads the ``n + 1`` unions in reach
    whose newest worker is newest from ``ReachNewestWorker`` (an index walk of ``n + 1`` rows per
    root, not one probe of the worker index per union in reach), then the first ``n`` of them for
    their newest rows (see :meth:`ids`), and keeps rows ``start`` to ``n`` of the merge. The page's rows
    are then read by primary key through ``qs`` (its scope filter, columns and prefetches).

    ``where``: conditions on the worker (alias ``w``) that ``qs`` holds too, each ``expression = value``
    (the list's column filters), applied in every probe.
    """

    max_rows = LATERAL_ROWS

    def __init__(self, qs: QuerySet[Worker], roots: list[int], where: dict[str, Any]) -> None:
        super().__init__(qs)
        self.roots = roots
        self.where = where

    def capped_count(self, cap: int) -> int:
        if not self.where:  # read from the (union_id, id DESC) index alone
            return self.qs.order_by().values("pk")[: cap + 1].count()
        # Filtered: union by union through the same index, so that PostgreSQL never chooses to
        # read the whole worker table for a column that no index holds (status, sex, grade).
        worker, closure = Worker._meta.db_table, UnionAncestor._meta.db_table
        conditions = "".join(f" AND {column} = %s" for column in self.where)
        sql = (
            f"SELECT count(*) FROM (SELECT x.id FROM (SELECT DISTINCT descendant_id FROM {closure} "  # noqa: S608
            f"WHERE ancestor_id = ANY(%s)) r CROSS JOIN LATERAL (SELECT w.id FROM {worker} w "
            f"WHERE w.union_id = r.descendant_id{conditions} LIMIT %s) x LIMIT %s) counted"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.roots, *self.where.values(), cap + 1, cap + 1])
            return cursor.fetchone()[0]

    def rows(self, start: int, stop: int) -> list[Worker]:
        ids = self.ids(start, stop)
        rows = {w.pk: w for w in self.qs.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def ids(self, start: int, stop: int) -> list[int]:
        """Ids of rows ``start`` to ``stop``: the unions in reach ranked by their newest worker
        (``ReachNewestWorker``, an upper bound), then the first ``stop`` of them probed for at most
        ``stop`` rows each, of ids at or above the ``stop``-th union's bound when no filter applies
        (each of those unions holds a row that high, so the page lies above it). The answer is
        exact when no union left out can hold a row above the ``stop``-th found; else (bounds left
        high by deletes or transfers, or a rare filter) every union in reach is probed."""
        if stop <= start:
            return []
        # each root's first ``stop + 1`` unions by their bound, an index walk per root (the root
        # written in the query, so that the planner knows how many unions lie below it), merged
        table = ReachNewestWorker._meta.db_table
        one = f"(SELECT union_id, newest_id FROM {table} WHERE ancestor_id = %s ORDER BY newest_id DESC LIMIT %s)"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join([one] * len(self.roots)), [v for r in self.roots for v in (r, stop + 1)])
            merged: dict[int, int] = {}
            for union_id, newest in cursor.fetchall():
                merged[union_id] = max(newest, merged.get(union_id, newest))
        bounds = sorted(merged.items(), key=lambda item: (-item[1], item[0]))[: stop + 1]
        if not bounds:
            return []
        probed = bounds[:stop]
        following = bounds[stop][1] if len(bounds) > stop else None
        cut = probed[-1][1] if following is not None and not self.where else 0
        found = self._probe([union_id for union_id, _ in probed], cut, stop)
        if following is None or (len(found) >= stop and found[stop - 1] > following):
            return found[start:stop]
        return self._probe_all(start, stop)

    def _probe(self, unions: list[int], cut: int, stop: int) -> list[int]:
        worker = Worker._meta.db_table
        conditions = "".join(f" AND {column} = %s" for column in self.where)
        sql = (
            f"SELECT x.id FROM unnest(%s::bigint[]) AS u(union_id) CROSS JOIN LATERAL "  # noqa: S608
            f"(SELECT w.id FROM {worker} w WHERE w.union_id = u.union_id AND w.id >= %s{conditions} "
            f"ORDER BY w.id DESC LIMIT %s) x ORDER BY x.id DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [unions, cut, *self.where.values(), stop, stop])
            return [row[0] for row in cursor.fetchall()]

    def _probe_all(self, start: int, stop: int) -> list[int]:
        worker, closure = Worker._meta.db_table, UnionAncestor._meta.db_table
        conditions = "".join(f" AND {column} = %s" for column in self.where)
        values = list(self.where.values())
        sql = (
            f"WITH reach AS MATERIALIZED (SELECT DISTINCT descendant_id AS union_id FROM {closure} "  # noqa: S608
            f"WHERE ancestor_id = ANY(%s)), "
            f"tops AS (SELECT r.union_id, top.id FROM reach r CROSS JOIN LATERAL (SELECT w.id FROM {worker} w "
            f"WHERE w.union_id = r.union_id{conditions} ORDER BY w.id DESC LIMIT 1) top "
            f"ORDER BY top.id DESC LIMIT %s) "
            f"SELECT x.id FROM tops t CROSS JOIN LATERAL (SELECT w.id FROM {worker} w "
            f"WHERE w.union_id = t.union_id{conditions} ORDER BY w.id DESC LIMIT %s) x "
            f"ORDER BY x.id DESC OFFSET %s LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.roots, *values, stop, *values, stop, start, stop - start])
            return [row[0] for row in cursor.fetchall()]

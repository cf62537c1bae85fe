"""Reads for colleges; each starts from the user's scope.

Three ways in: union admins manage the colleges their unions run (``MANAGE_COLLEGES``, the union
subtree); a college admin runs only the colleges they are linked to (:class:`CollegeStaff`);
enterprise unions (``ENROL_COLLEGES``) and workers see the colleges run by a union above them,
whose classes they may enrol in, and only their own trainees.
"""

from django.db.models import Q, QuerySet

from gongjiang.competitions.enums import State
from gongjiang.competitions.models import Event
from gongjiang.orgs.models import UnionAncestor
from gongjiang.orgs.rules import ENROL_COLLEGES, MANAGE_COLLEGES, STAFF_COLLEGES, VIEW_COLLEGES
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker

from .models import Cohort, College, CollegeStaff, Completion, CompletionCertificate, Course, Enrolment, Teacher


def _user_id(scope: Scope) -> int | None:
    user = scope.user
    return user.pk if getattr(user, "is_authenticated", False) else None


def _staffed(scope: Scope) -> Q:
    """Colleges the user is linked to as a college admin (while they hold that role)."""
    user_id = _user_id(scope)
    if user_id is None or not scope.has(STAFF_COLLEGES):
        return Q(pk__in=[])
    return Q(pk__in=CollegeStaff.objects.filter(user_id=user_id).values("college_id"))


def own_worker(scope: Scope) -> Worker | None:
    user_id = _user_id(scope)
    if user_id is None:
        return None
    return Worker.objects.filter(user_id=user_id).select_related("employer").first()


def managed_colleges(scope: Scope) -> QuerySet[College]:
    return College.objects.filter(scope.union_filter(MANAGE_COLLEGES) | _staffed(scope))


def manages(scope: Scope, college: College) -> bool:
    if scope.covers(MANAGE_COLLEGES, college.union_id):
        return True
    user_id = _user_id(scope)
    return (
        user_id is not None
        and scope.has(STAFF_COLLEGES)
        and CollegeStaff.objects.filter(user_id=user_id, college_id=college.pk).exists()
    )


def colleges_for_user(scope: Scope) -> QuerySet[College]:
    """Colleges the user runs, and those run by a union above the user's enrolling union or above
    the user's own worker record, whose classes are open to them."""
    below: set[int] = set(scope.roots(ENROL_COLLEGES))
    worker = own_worker(scope)
    if worker is not None:
        below.add(worker.union_id)
    above = Q(union_id__in=UnionAncestor.objects.filter(descendant_id__in=below).values("ancestor_id"))
    read = scope.union_filter(VIEW_COLLEGES)  # leadership reads its subtree's
    return College.objects.filter(scope.union_filter(MANAGE_COLLEGES) | _staffed(scope) | above | read)


def cohorts_for_user(scope: Scope) -> QuerySet[Cohort]:
    return Cohort.objects.filter(college__in=colleges_for_user(scope))


def managed_cohorts(scope: Scope) -> QuerySet[Cohort]:
    return Cohort.objects.filter(college__in=managed_colleges(scope))


def courses_for_user(scope: Scope) -> QuerySet[Course]:
    return Course.objects.filter(college__in=colleges_for_user(scope))


def teachers_for_user(scope: Scope) -> QuerySet[Teacher]:
    return Teacher.objects.filter(college__in=colleges_for_user(scope))


def enrolments_for_user(scope: Scope) -> QuerySet[Enrolment]:
    """Every trainee of the classes the user runs; the enrolling union's own workers; one's own."""
    user_id = _user_id(scope)
    own = Q(worker__user_id=user_id) if user_id is not None else Q(pk__in=[])
    run = Q(cohort__college__in=managed_colleges(scope))
    return Enrolment.objects.filter(run | scope.union_filter(ENROL_COLLEGES) | own)


def completions_for_user(scope: Scope) -> QuerySet[Completion]:
    return Completion.objects.filter(enrolment__in=enrolments_for_user(scope))


def certificates_for_user(scope: Scope) -> QuerySet[CompletionCertificate]:
    return CompletionCertificate.objects.filter(completion__in=completions_for_user(scope))


def citable_events(college: College) -> QuerySet[Event]:
    """Events a college may cite: of announced competitions organised in its union's subtree or above it."""
    related = UnionAncestor.objects.filter(Q(ancestor_id=college.union_id) | Q(descendant_id=college.union_id))
    return (
        Event.objects.filter(
            Q(competition__organiser_id__in=related.values("descendant_id"))
            | Q(competition__organiser_id__in=related.values("ancestor_id"))
        )
        .exclude(competition__state=State.DRAFT)
        .select_related("competition", "occupation")
    )


def open_to_worker(cohort: Cohort, worker: Worker) -> bool:
    """A class is open to the workers of the unions below the union that runs its college."""
    return UnionAncestor.objects.filter(descendant_id=worker.union_id, ancestor_id=cohort.college.union_id).exists()


def derived_courses(scope: Scope, event: Event) -> QuerySet[Course]:
    """The user's visible courses that were derived from, or cite, a competition event."""
    return (
        courses_for_user(scope)
        .filter(Q(event=event) | Q(units__event=event))
        .distinct()
        .select_related("college")
        .order_by("college__name", "title")
    )

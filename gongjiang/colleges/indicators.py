"""Craftsman college figures for the statistics app (see ``core.indicators``)."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.indicators import Indicator, Target
from gongjiang.orgs.models import UnionAncestor
from gongjiang.people.indicators import worker_url

from .enums import EnrolmentStatus
from .models import Cohort, College, Completion, Enrolment


def _class_plans(union_ids: list[int] | QuerySet, year: int) -> dict[int, Target]:
    """Classes the colleges run by each union's subtree planned for the year, citing the plans' documents."""
    plans: dict[int, int] = {}
    documents: dict[int, set[str]] = {}
    for union_id, classes, doc_no in College.objects.filter(
        plan_year=year, plan_classes__gt=0, plan_document__isnull=False
    ).values_list("union_id", "plan_classes", "plan_document__doc_no"):
        plans[union_id] = plans.get(union_id, 0) + classes
        documents.setdefault(union_id, set()).add(doc_no)
    if not plans:
        return {}
    totals: dict[int, int] = {}
    cited: dict[int, set[str]] = {}
    links = UnionAncestor.objects.filter(descendant_id__in=list(plans), ancestor_id__in=union_ids)
    for descendant, ancestor in links.values_list("descendant_id", "ancestor_id"):
        totals[ancestor] = totals.get(ancestor, 0) + plans[descendant]
        cited.setdefault(ancestor, set()).update(documents[descendant])
    return {u: Target(value=n, document="、".join(sorted(cited[u]))) for u, n in totals.items()}


def _cohort_url(pk: int) -> str:
    return reverse("colleges:cohort", args=[pk])


INDICATORS = [
    Indicator(
        code="colleges",
        name=_("Craftsman colleges"),
        definition=_(
            "Colleges registered on the platform on the day of the fill, counted for the union that runs them."
        ),
        unit=_("colleges"),
        rows=College.objects.all,
        union="union_id",
        date=None,
        label="name",
        link=lambda pk: reverse("colleges:detail", args=[pk]),
        listing="colleges:list",
        order=100,
    ),
    Indicator(
        code="classes_held",
        name=_("Training classes"),
        definition=_(
            "Training classes by the year they start, counted for the union that runs the college; the target "
            "is the classes the colleges planned for that year."
        ),
        unit=_("classes"),
        rows=Cohort.objects.all,
        union="college__union_id",
        date="starts_on",
        label="name",
        link=_cohort_url,
        target=_class_plans,
        listing="colleges:cohort_list",
        order=101,
    ),
    Indicator(
        code="trainees_enrolled",
        name=_("Trainees enrolled"),
        definition=_(
            "Enrolments holding a place (enrolled, not waiting or withdrawn) in classes starting in the year, "
            "counted for the trainee's enterprise union."
        ),
        unit=_("person-times"),
        rows=lambda: Enrolment.objects.filter(status=EnrolmentStatus.ENROLLED),
        union="union_id",
        date="cohort__starts_on",
        label="worker__name",
        link_path="worker_id",
        link=worker_url,
        order=102,
    ),
    Indicator(
        code="trainees_completed",
        name=_("Trainees completed"),
        definition=_("Completions recorded in the year, counted for the trainee's enterprise union at enrolment."),
        unit=_("person-times"),
        rows=Completion.objects.all,
        union="enrolment__union_id",
        date="completed_on",
        label="worker__name",
        link_path="worker_id",
        link=worker_url,
        order=103,
    ),
]

"""Every write of the catalogue: applications (立项), quotas, stage reports, commendations."""

from .applications import (
    ApplicationData,
    applicable_tiers,
    approver_for,
    check_quota,
    decide_application,
    may_decide,
    review_applications,
    save_application,
    submit_application,
)
from .base import CatalogueError
from .projects import (
    may_review_commendation,
    propose_commendation,
    review_commendation,
    review_commendations,
    reviewing_union,
    set_quota,
    set_stage_due,
    submit_stage_report,
)

__all__ = [
    "ApplicationData",
    "CatalogueError",
    "applicable_tiers",
    "approver_for",
    "check_quota",
    "decide_application",
    "may_decide",
    "may_review_commendation",
    "propose_commendation",
    "review_applications",
    "review_commendation",
    "review_commendations",
    "reviewing_union",
    "save_application",
    "set_quota",
    "set_stage_due",
    "submit_application",
    "submit_stage_report",
]

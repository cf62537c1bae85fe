"""Writes for colleges: one function per business action, scope-checked and audited in its transaction.
One module per sub-domain; every public name is importable from here, as callers have always used it."""

from .assessment import (
    outcome,
    plain_number,
    record_attendance,
    record_grade,
    record_scores,
    with_hours,
)
from .base import (
    CollegeError,
    require_manager,
)
from .cohorts import (
    COHORT_FIELDS,
    CohortData,
    add_session,
    create_cohort,
    transition,
    update_cohort,
)
from .courses import (
    add_unit,
    create_course,
    derive_course,
    remove_unit,
    update_course,
    update_unit,
)
from .enrolment import (
    ENROLMENT_FIELDS,
    enrol,
    enrol_many,
    may_enrol,
    may_withdraw,
    waiting_list,
    withdraw,
)
from .staff import (
    COLLEGE_FIELDS,
    TEACHER_FIELDS,
    add_staff,
    remove_staff,
    save_college,
    save_teacher,
    worker_for_teacher,
)

__all__ = [
    "COHORT_FIELDS",
    "COLLEGE_FIELDS",
    "ENROLMENT_FIELDS",
    "TEACHER_FIELDS",
    "CohortData",
    "CollegeError",
    "add_session",
    "add_staff",
    "add_unit",
    "create_cohort",
    "create_course",
    "derive_course",
    "enrol",
    "enrol_many",
    "may_enrol",
    "may_withdraw",
    "outcome",
    "plain_number",
    "record_attendance",
    "record_grade",
    "record_scores",
    "remove_staff",
    "remove_unit",
    "require_manager",
    "save_college",
    "save_teacher",
    "transition",
    "update_cohort",
    "update_course",
    "update_unit",
    "waiting_list",
    "with_hours",
    "withdraw",
    "worker_for_teacher",
]

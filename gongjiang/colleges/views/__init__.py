"""Pages of the colleges: thin views over :mod:`..queries` (reads) and :mod:`..services` (writes).
One module per sub-domain; every view is importable from here, as the URLs use it."""

from .base import (
    NAV,
    PAGE_SIZE,
)
from .cohorts import (
    assessment,
    attendance,
    cohort_create,
    cohort_detail,
    cohort_edit,
    cohort_list,
    cohort_transition,
    enrol,
    enrol_me,
    session_create,
    withdraw,
)
from .college import (
    college_create,
    college_detail,
    college_edit,
    college_list,
    staff_add,
    staff_remove,
    teacher_create,
    teacher_edit,
)
from .completions import (
    certificate_pdf,
    certificate_revoke,
    certificates_issue,
    cohort_export,
    completion_grade,
    mine,
)
from .courses import (
    course_create,
    course_derive,
    course_detail,
    course_edit,
    unit_delete,
    unit_edit,
)

__all__ = [
    "NAV",
    "PAGE_SIZE",
    "assessment",
    "attendance",
    "certificate_pdf",
    "certificate_revoke",
    "certificates_issue",
    "cohort_create",
    "cohort_detail",
    "cohort_edit",
    "cohort_export",
    "cohort_list",
    "cohort_transition",
    "college_create",
    "college_detail",
    "college_edit",
    "college_list",
    "completion_grade",
    "course_create",
    "course_derive",
    "course_detail",
    "course_edit",
    "enrol",
    "enrol_me",
    "mine",
    "session_create",
    "staff_add",
    "staff_remove",
    "teacher_create",
    "teacher_edit",
    "unit_delete",
    "unit_edit",
    "withdraw",
]

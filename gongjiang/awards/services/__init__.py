"""Writes for awards: proposals from final results, their review, the ledger, honour cycles.

Every function checks the scope itself, runs in one transaction, locks the rows whose state it
changes, and writes its audit rows in that transaction. Money is Decimal yuan in whole cents.
One module per sub-domain; every public name is importable from here, as callers have always used it.
"""

from ..models import LedgerLine  # awards.demo reads it from here
from .base import (
    AwardError,
)
from .bulk import (
    decide_nominations,
    review_decisions,
)
from .decisions import (
    promoted_years,
    propose_for_competition,
    review_decision,
)
from .honours import (
    NOTICE_WORKING_DAYS,
    advance_cycle,
    allocate,
    approve_nomination,
    can_object,
    decide_nomination_objection,
    nominate,
    nominations_closed,
    nominee_kind,
    open_cycle,
    raise_nomination_objection,
    reject_nomination,
    review_nomination,
    set_nomination_deadline,
)
from .ledger import (
    LINE_FIELDS,
    approve_line,
    committed,
    create_programme,
    may_move_money,
    pay_line,
    propose_payment,
    propose_rule_payment,
    propose_subsidy,
    reject_line,
    reverse_line,
    set_budget,
)

__all__ = [
    "LINE_FIELDS",
    "NOTICE_WORKING_DAYS",
    "AwardError",
    "LedgerLine",
    "advance_cycle",
    "allocate",
    "approve_line",
    "approve_nomination",
    "can_object",
    "committed",
    "create_programme",
    "decide_nomination_objection",
    "decide_nominations",
    "may_move_money",
    "nominate",
    "nominations_closed",
    "nominee_kind",
    "open_cycle",
    "pay_line",
    "promoted_years",
    "propose_for_competition",
    "propose_payment",
    "propose_rule_payment",
    "propose_subsidy",
    "raise_nomination_objection",
    "reject_line",
    "reject_nomination",
    "reverse_line",
    "review_decision",
    "review_decisions",
    "review_nomination",
    "set_budget",
    "set_nomination_deadline",
]

"""Rewards for recognised innovations: the facts go to the policy engine (pure), its decisions become
ledger lines through the awards services (proposed here; approved and paid there by two other hands)."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from gongjiang.awards import services as awards
from gongjiang.awards.models import LedgerLine
from gongjiang.core.models import User
from gongjiang.orgs.rules import REVIEW_AWARDS
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from gongjiang.policy import engine
from gongjiang.policy.queries import rule_views

from .enums import State
from .models import Innovation
from .services import InnovationError


def source(innovation: Innovation, worker_id: int) -> str:
    """How the ledger names what a line pays for: one line per innovation and author."""
    return f"innovation:{innovation.pk}:{worker_id}"


def lines(innovation: Innovation) -> QuerySet[LedgerLine]:
    return LedgerLine.objects.filter(source__startswith=f"innovation:{innovation.pk}:", reverses__isnull=True)


def facts(innovation: Innovation) -> engine.InnovationFacts:
    return engine.InnovationFacts(
        innovation_id=innovation.pk,
        kind=innovation.kind,
        grade=innovation.grade,
        benefit=innovation.benefit or 0,  # type: ignore[arg-type]
        on=innovation.recognised_on,  # type: ignore[arg-type]
        authors=tuple(innovation.authors.order_by("position", "pk").values_list("worker_id", "share")),
    )


def may_propose(scope: Scope, innovation: Innovation) -> bool:
    return innovation.state == State.RECOGNISED and scope.covers(REVIEW_AWARDS, innovation.union_id)


@transaction.atomic
def propose_rewards(*, actor: User, scope: Scope, innovation: Innovation) -> list[LedgerLine]:
    """Propose the reward the rules in force on the day of recognition give this innovation, one line per
    author by their share, each citing its rule and document. Proposing twice returns the same lines."""
    scope.require(REVIEW_AWARDS, innovation.union_id)
    if innovation.state != State.RECOGNISED or innovation.recognised_on is None:
        raise InnovationError(_("Rewards are proposed for recognised results."))
    proposals = engine.innovation_rewards(facts(innovation), rule_views(("innovation",)))
    if not proposals:
        raise InnovationError(_("No reward rule in force covers this result."))
    workers = Worker.objects.in_bulk([p.worker_id for p in proposals])
    made = []
    for p in proposals:
        with translation.override("zh-hans"):  # the ledger's reasons are kept in Chinese
            reason = f"{innovation.title}：" + engine.explain(p.reason_code, p.params)
        made.append(
            awards.propose_rule_payment(
                actor=actor,
                scope=scope,
                rule_id=p.rule_id,
                union=innovation.union,
                worker=workers[p.worker_id],
                amount=p.amount,  # type: ignore[arg-type]
                reason=reason,
                source=source(innovation, p.worker_id),
            )
        )
    return made

"""The decision engine: facts in, decisions out, each citing the rule version it applied.

Pure functions over plain data: no database, no clock. The callers (awards.services) load the
facts and the rule versions, and store what comes out. Every proposal names its rule by id and
carries the parameters of its reason (document number, clause, rule name and version), which
:func:`explain` turns into a sentence in the reader's language.

Rules by kind (``terms``):

- reward: ``tier``, ``ranks`` (rank -> amount in yuan, as text), ``ceiling`` (the amount is an
  upper limit the official may lower), and the conditions ``workers_only`` (no students) and
  ``in_province`` (a region-code prefix the employer must be in);
- promotion: ``tier``, ``rank_max`` and/or ``top_percent``, ``grade`` (the grade granted),
  ``step_if_held`` (one grade up if the worker already holds it), ``cap`` (never above), and the
  same conditions; at most one competition promotion per worker per calendar year, whatever
  the rule says;
- title: ``tier``, ``rank_max``, ``title``, ``honour_kind``, ``level`` and the conditions;
- honour: ``quota``, ``amount``, ``title``, ``honour_kind``, ``level``, ``once_per_person`` (once per
  nominee), ``nominee`` (who the title goes to: ``person``, ``unit`` or ``team``; a worker if absent);
- subsidy: ``subject`` (what is subsidised, e.g. "alliance"), ``level``, ``amount``;
- innovation: ``share_percent`` (a share of the finance-confirmed benefit, in %) and/or ``grades``
  (grade -> a fixed amount), ``ceiling`` (the most one result receives), ``kinds`` (the innovation
  kinds it covers; empty: all). The amount goes to the authors by their shares.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from gongjiang.competitions.enums import Tier
from gongjiang.people.enums import Grade, HonourKind, HonourLevel

from .enums import Nominee

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("10000000.00")
_COMPETITION_KINDS = ("reward", "promotion", "title")


class TermsError(ValueError):
    """A rule's terms do not make sense for its kind; the message says which and why."""


@dataclass(frozen=True)
class RuleView:
    id: int
    code: str
    version: int
    kind: str
    name: str
    doc_no: str
    clause: str
    effective_from: dt.date
    effective_to: dt.date | None
    terms: Mapping[str, Any]

    def in_force(self, on: dt.date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def cite(self) -> dict[str, Any]:
        return {"rule": self.name, "version": self.version, "doc_no": self.doc_no, "clause": self.clause}


@dataclass(frozen=True)
class ResultFacts:
    """One final competition result, as the rules need it."""

    result_id: int
    worker_id: int
    tier: str
    rank: int
    field_size: int
    occupation_id: int
    on: dt.date  # the day the results became final: the rules in force that day apply
    is_student: bool
    region_code: str  # the employer's
    held_grade: int | None  # the worker's highest grade in the event's occupation


@dataclass(frozen=True)
class Proposal:
    kind: str
    rule_id: int
    result_id: int
    worker_id: int
    reason_code: str
    params: dict[str, Any]
    amount: Decimal | None = None
    ceiling: bool = False
    grade: int | None = None
    occupation_id: int | None = None
    title: str = ""
    honour_kind: str = ""
    level: int | None = None


@dataclass
class Outcome:
    proposals: list[Proposal] = field(default_factory=list)
    # (result_id, reason_code, params): results a rule matched but a limit held back
    held_back: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)


def _amount(value: Any, where: str) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError) as exc:
        raise TermsError(_("%(where)s is not an amount of yuan.") % {"where": where}) from exc
    if not Decimal(0) < amount <= MAX_AMOUNT:
        raise TermsError(_("%(where)s must be above zero and at most 10,000,000 yuan.") % {"where": where})
    return amount


def _int(terms: Mapping[str, Any], key: str, low: int, high: int, *, required: bool = True) -> int | None:
    value = terms.get(key)
    if value in (None, ""):
        if required:
            raise TermsError(_("“%(key)s” is required.") % {"key": key})
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise TermsError(
            _("“%(key)s” must be a whole number from %(low)s to %(high)s.") % {"key": key, "low": low, "high": high}
        )
    return value


def _competition_terms(terms: Mapping[str, Any]) -> dict[str, Any]:
    if terms.get("tier") not in Tier.values:
        raise TermsError(_("“tier” must be one of the competition levels."))
    prefix = str(terms.get("in_province") or "")
    if prefix and not (prefix.isdigit() and len(prefix) == 2):
        raise TermsError(_("“in_province” must be a two-digit province code."))
    return {"tier": terms["tier"], "workers_only": bool(terms.get("workers_only", False)), "in_province": prefix}


def _reward_terms(terms: Mapping[str, Any]) -> dict[str, Any]:
    ranks = terms.get("ranks")
    if not isinstance(ranks, Mapping) or not ranks:
        raise TermsError(_("“ranks” must give an amount for at least one rank."))
    amounts = {}
    for rank, value in ranks.items():
        if not str(rank).isdigit() or not 1 <= int(rank) <= 100:
            raise TermsError(_("Rank “%(rank)s” is not a rank from 1 to 100.") % {"rank": rank})
        amounts[str(int(rank))] = str(_amount(value, _("The amount for rank %(rank)s") % {"rank": rank}))
    return _competition_terms(terms) | {"ranks": amounts, "ceiling": bool(terms.get("ceiling", True))}


def _promotion_terms(terms: Mapping[str, Any]) -> dict[str, Any]:
    clean = _competition_terms(terms)
    clean["rank_max"] = _int(terms, "rank_max", 1, 1000, required=False)
    clean["top_percent"] = _int(terms, "top_percent", 1, 100, required=False)
    if clean["rank_max"] is None and clean["top_percent"] is None:
        raise TermsError(_("A promotion rule needs “rank_max” or “top_percent”."))
    clean["grade"] = _int(terms, "grade", min(Grade.values), max(Grade.values))
    clean["cap"] = _int(terms, "cap", min(Grade.values), max(Grade.values), required=False) or max(Grade.values)
    if clean["cap"] < clean["grade"]:
        raise TermsError(_("The cap is below the grade the rule grants."))
    clean["step_if_held"] = bool(terms.get("step_if_held", True))
    return clean


def _title_rule_terms(terms: Mapping[str, Any]) -> dict[str, Any]:
    return _competition_terms(terms) | {"rank_max": _int(terms, "rank_max", 1, 1000)} | _title_terms(terms)


def _honour_terms(terms: Mapping[str, Any]) -> dict[str, Any]:
    nominee = terms.get("nominee") or Nominee.PERSON
    if nominee not in Nominee.values:
        raise TermsError(_("“nominee” must be a worker, a unit or a team."))
    return {
        "nominee": str(nominee),
        "quota": _int(terms, "quota", 1, 100_000),
        "amount": str(_amount(terms.get("amount"), _("The amount"))),
        "once_per_person": bool(terms.get("once_per_person", True)),
    } | _title_terms(terms)


def _subsidy_terms(terms: Mapping[str, Any]) -> dict[str, Any]:
    subject = str(terms.get("subject") or "").strip()
    if not subject:
        raise TermsError(_("“subject” is required."))
    return {
        "subject": subject,
        "level": str(terms.get("level") or "").strip(),
        "amount": str(_amount(terms.get("amount"), _("The amount"))),
    }


def _innovation_terms(terms: Mapping[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {"kinds": [str(k) for k in terms.get("kinds") or []]}
    share = terms.get("share_percent")
    if share not in (None, ""):
        try:
            value = Decimal(str(share))
        except InvalidOperation as exc:
            raise TermsError(_("“share_percent” must be a percentage from 0 to 100.")) from exc
        if not Decimal(0) < value <= Decimal(100):
            raise TermsError(_("“share_percent” must be a percentage from 0 to 100."))
        clean["share_percent"] = str(value)
    grades = terms.get("grades") or {}
    if not isinstance(grades, Mapping):
        raise TermsError(_("“grades” must give an amount for each grade."))
    clean["grades"] = {
        str(g): str(_amount(v, _("The amount for grade %(grade)s") % {"grade": g})) for g, v in grades.items()
    }
    if "share_percent" not in clean and not clean["grades"]:
        raise TermsError(_("An innovation rule needs “share_percent” or “grades”."))
    if terms.get("ceiling") not in (None, ""):
        clean["ceiling"] = str(_amount(terms["ceiling"], _("The ceiling")))
    return clean


_PARSERS = {
    "reward": _reward_terms,
    "promotion": _promotion_terms,
    "title": _title_rule_terms,
    "honour": _honour_terms,
    "subsidy": _subsidy_terms,
    "innovation": _innovation_terms,
}


def parse_terms(kind: str, terms: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise a rule's terms; raise TermsError saying what is wrong."""
    if kind not in _PARSERS:
        raise TermsError(_("Unknown rule kind."))
    if not isinstance(terms, Mapping):
        raise TermsError(_("The terms must be a set of named values."))
    return _PARSERS[kind](terms)


def _title_terms(terms: Mapping[str, Any]) -> dict[str, Any]:
    title = str(terms.get("title") or "").strip()
    if not title:
        raise TermsError(_("“title” is required."))
    if terms.get("honour_kind") not in HonourKind.values:
        raise TermsError(_("“honour_kind” must be one of the honour kinds."))
    return {
        "title": title,
        "honour_kind": terms["honour_kind"],
        "level": _int(terms, "level", min(HonourLevel.values), max(HonourLevel.values)),
    }


def _conditions_hold(rule: RuleView, facts: ResultFacts) -> bool:
    terms = rule.terms
    if terms["tier"] != facts.tier:
        return False
    if terms.get("workers_only") and facts.is_student:
        return False
    prefix = terms.get("in_province") or ""
    return not (prefix and not facts.region_code.startswith(prefix))


def _base(facts: ResultFacts) -> dict[str, Any]:
    return {"rank": facts.rank, "field": facts.field_size, "tier": facts.tier}


def _reward(facts: ResultFacts, rules: Sequence[RuleView]) -> Proposal | None:
    best: Proposal | None = None
    for rule in rules:
        amount = rule.terms["ranks"].get(str(facts.rank))
        if amount is None:
            continue
        amount = Decimal(amount)
        if best is None or amount > (best.amount or 0) or (amount == best.amount and rule.id < best.rule_id):
            ceiling = bool(rule.terms.get("ceiling", True))
            best = Proposal(
                kind="reward",
                rule_id=rule.id,
                result_id=facts.result_id,
                worker_id=facts.worker_id,
                reason_code="reward_ceiling" if ceiling else "reward",
                params=_base(facts) | rule.cite() | {"amount": str(amount)},
                amount=amount,
                ceiling=ceiling,
            )
    return best


def _promotion(facts: ResultFacts, rule: RuleView) -> tuple[int | None, str]:
    """The grade this rule grants the result (or None) and the reason code."""
    terms = rule.terms
    by_rank = terms.get("rank_max") is not None and facts.rank <= terms["rank_max"]
    by_share = terms.get("top_percent") is not None and facts.rank * 100 <= facts.field_size * terms["top_percent"]
    if not (by_rank or by_share):
        return None, ""
    target, code = terms["grade"], "promotion"
    held = facts.held_grade
    if held is not None and held >= target:
        if not terms.get("step_if_held", True):
            return None, "promotion_already_held"
        target, code = held + 1, "promotion_step"
    target = min(target, terms["cap"])
    if held is not None and target <= held:
        return None, "promotion_at_cap"
    return target, code


def _title(facts: ResultFacts, rules: Sequence[RuleView]) -> list[Proposal]:
    return [
        Proposal(
            kind="title",
            rule_id=rule.id,
            result_id=facts.result_id,
            worker_id=facts.worker_id,
            reason_code="title",
            params=_base(facts) | rule.cite() | {"title": rule.terms["title"]},
            title=rule.terms["title"],
            honour_kind=rule.terms["honour_kind"],
            level=rule.terms["level"],
        )
        for rule in rules
        if facts.rank <= rule.terms["rank_max"]
    ]


def decide(
    results: Iterable[ResultFacts], rules: Iterable[RuleView], promoted: Iterable[tuple[int, int]] = ()
) -> Outcome:
    """Proposals for final results under the rules in force on each result's day.

    ``promoted`` holds (worker_id, year) for competition promotions already granted or
    proposed; together with the promotions proposed here, no worker gets more than one a year.
    When one worker qualifies twice in a year, the higher grade is proposed (then the earlier
    result, then the lower result id), and the other is held back with its reason.
    """
    rules = list(rules)
    outcome = Outcome()
    candidates: list[tuple[ResultFacts, RuleView, int, str]] = []
    for facts in sorted(results, key=lambda f: f.result_id):
        in_force = [r for r in rules if r.in_force(facts.on) and r.kind in _COMPETITION_KINDS]
        matching = [r for r in in_force if _conditions_hold(r, facts)]
        reward = _reward(facts, [r for r in matching if r.kind == "reward"])
        if reward:
            outcome.proposals.append(reward)
        outcome.proposals += _title(facts, [r for r in matching if r.kind == "title"])
        best: tuple[int, str, RuleView] | None = None
        for rule in (r for r in matching if r.kind == "promotion"):
            grade, code = _promotion(facts, rule)
            if grade is not None and (best is None or grade > best[0]):
                best = (grade, code, rule)
            elif grade is None and code:
                outcome.held_back.append((facts.result_id, code, _base(facts) | rule.cite()))
        if best:
            candidates.append((facts, best[2], best[0], best[1]))
    taken = set(promoted)
    candidates.sort(key=lambda c: (-c[2], c[0].on, c[0].result_id))
    for facts, rule, grade, code in candidates:
        key = (facts.worker_id, facts.on.year)
        if key in taken:
            outcome.held_back.append(
                (facts.result_id, "promotion_once_a_year", _base(facts) | rule.cite() | {"year": facts.on.year})
            )
            continue
        taken.add(key)
        outcome.proposals.append(
            Proposal(
                kind="promotion",
                rule_id=rule.id,
                result_id=facts.result_id,
                worker_id=facts.worker_id,
                reason_code=code,
                params=_base(facts) | rule.cite() | {"grade": grade, "held": facts.held_grade},
                grade=grade,
                occupation_id=facts.occupation_id,
            )
        )
    outcome.proposals.sort(key=lambda p: (p.result_id, p.kind))
    return outcome


@dataclass(frozen=True)
class InnovationFacts:
    """One recognised innovation, as the reward rules need it."""

    innovation_id: int
    kind: str
    grade: str
    benefit: Decimal  # the finance-confirmed benefit, in yuan
    on: dt.date  # the day it was recognised: the rules in force that day apply
    authors: tuple[tuple[int, Decimal], ...]  # (worker id, share in %), the lead author first


def _innovation_amount(facts: InnovationFacts, rule: RuleView) -> Decimal:
    terms = rule.terms
    amount = Decimal(terms.get("grades", {}).get(facts.grade, "0"))
    if terms.get("share_percent"):
        amount += facts.benefit * Decimal(terms["share_percent"]) / 100
    if terms.get("ceiling"):
        amount = min(amount, Decimal(terms["ceiling"]))
    return amount.quantize(CENT)


def split(amount: Decimal, shares: Sequence[tuple[int, Decimal]]) -> list[tuple[int, Decimal]]:
    """``amount`` shared by percentages, in cents, the rounding remainder to the first: the parts add
    up to the amount exactly."""
    parts = [(worker, (amount * share / 100).quantize(CENT, rounding="ROUND_DOWN")) for worker, share in shares]
    if parts:
        first, value = parts[0]
        parts[0] = (first, value + amount - sum(p for _w, p in parts))
    return [(w, p) for w, p in parts if p > 0]


def innovation_rewards(facts: InnovationFacts, rules: Iterable[RuleView]) -> list[Proposal]:
    """The reward of the best-paying innovation rule in force on the day (the lower id on a tie),
    split among the authors by their shares; none when no rule covers it or it comes to nothing."""
    best: tuple[Decimal, RuleView] | None = None
    for rule in rules:
        if rule.kind != "innovation" or not rule.in_force(facts.on):
            continue
        if rule.terms.get("kinds") and facts.kind not in rule.terms["kinds"]:
            continue
        amount = _innovation_amount(facts, rule)
        if amount > 0 and (best is None or amount > best[0] or (amount == best[0] and rule.id < best[1].id)):
            best = (amount, rule)
    if best is None:
        return []
    amount, rule = best
    return [
        Proposal(
            kind="innovation",
            rule_id=rule.id,
            result_id=facts.innovation_id,
            worker_id=worker,
            reason_code="innovation_reward",
            params=rule.cite() | {"amount": str(part), "total": str(amount), "benefit": str(facts.benefit)},
            amount=part,
        )
        for worker, part in split(amount, facts.authors)
    ]


def check_adjustment(amount: Decimal, ceiling: Decimal) -> Decimal:
    """An official's amount within the rule's ceiling, in whole cents; raise ValueError otherwise."""
    amount = Decimal(amount).quantize(CENT)
    if amount <= 0 or amount > ceiling:
        raise ValueError(_("The amount must be above zero and at most %(ceiling)s yuan.") % {"ceiling": ceiling})
    return amount


def subsidy_for(subject: str, level: str, on: dt.date, rules: Iterable[RuleView]) -> RuleView | None:
    """The subsidy rule in force on ``on`` for a subject at a level (the lowest id if several)."""
    found = [
        r
        for r in rules
        if r.kind == "subsidy"
        and r.in_force(on)
        and r.terms["subject"] == subject
        and r.terms.get("level", "") == level
    ]
    return min(found, key=lambda r: r.id) if found else None


def _labels(params: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(params)
    if "tier" in out:
        out["tier"] = Tier(out["tier"]).label
    for key in ("grade", "held"):
        if out.get(key) is not None:
            out[key] = Grade(out[key]).label
    for key in ("amount", "total", "benefit"):
        if out.get(key) not in (None, ""):
            out[key] = f"{Decimal(str(out[key])).quantize(CENT):,}"  # 20,000.00 as everywhere
    return out


def explain(code: str, params: Mapping[str, Any]) -> str:
    """The reason of a decision, in the active language."""
    texts = {
        "reward_ceiling": _(
            "Rank %(rank)s of %(field)s at a competition of level “%(tier)s”: a reward of up to %(amount)s yuan "
            "under “%(rule)s” (version %(version)s), %(doc_no)s %(clause)s."
        ),
        "reward": _(
            "Rank %(rank)s of %(field)s at a competition of level “%(tier)s”: a reward of %(amount)s yuan "
            "under “%(rule)s” (version %(version)s), %(doc_no)s %(clause)s."
        ),
        "promotion": _(
            "Rank %(rank)s of %(field)s at a competition of level “%(tier)s”: promotion to %(grade)s "
            "under “%(rule)s” (version %(version)s), %(doc_no)s %(clause)s."
        ),
        "promotion_step": _(
            "Rank %(rank)s of %(field)s at a competition of level “%(tier)s”: already %(held)s, so one grade up "
            "to %(grade)s under “%(rule)s” (version %(version)s), %(doc_no)s %(clause)s."
        ),
        "promotion_already_held": _(
            "No promotion: the worker already holds the grade “%(rule)s” grants, and the rule does not step up "
            "(%(doc_no)s %(clause)s)."
        ),
        "promotion_at_cap": _(
            "No promotion: the worker is already at the highest grade “%(rule)s” allows (%(doc_no)s %(clause)s)."
        ),
        "promotion_once_a_year": _(
            "No promotion from this result: at most one competition promotion per person in %(year)s "
            "(“%(rule)s”, %(doc_no)s %(clause)s)."
        ),
        "title": _(
            "Rank %(rank)s at a competition of level “%(tier)s”: the title %(title)s after approval, under "
            "“%(rule)s” (version %(version)s), %(doc_no)s %(clause)s."
        ),
        "honour": _(
            "Approved as %(title)s in %(year)s: a one-time award of %(amount)s yuan under “%(rule)s” "
            "(version %(version)s), %(doc_no)s %(clause)s."
        ),
        "innovation_reward": _(
            "A recognised innovation with a confirmed benefit of %(benefit)s yuan: %(amount)s yuan of a reward of "
            "%(total)s yuan, by the author's share, under “%(rule)s” (version %(version)s), %(doc_no)s %(clause)s."
        ),
        "subsidy": _(
            "%(subject_name)s: a one-time subsidy of %(amount)s yuan under “%(rule)s” (version %(version)s), "
            "%(doc_no)s %(clause)s."
        ),
    }
    return texts[code] % _labels(params)

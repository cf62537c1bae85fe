"""Reports: payouts by programme, city or industrial union and year; budget use; PDF."""

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from gongjiang.core.exports import Exporter
from gongjiang.orgs.enums import UnionKind
from gongjiang.orgs.models import UnionAncestor
from gongjiang.policy.models import Programme

from .enums import LineState
from .models import Budget, Decision, LedgerLine


@dataclass
class PayoutRow:
    programme: str
    year: int
    area: str  # the city federation the payee's union sits under (or the union itself)
    lines: int
    proposed: Decimal
    approved: Decimal
    paid: Decimal


def payout_rows(lines: QuerySet[LedgerLine], year: int | None = None) -> list[PayoutRow]:
    city = UnionAncestor.objects.filter(descendant_id=OuterRef("union_id"), ancestor__kind=UnionKind.CITY).values(
        "ancestor__name"
    )[:1]
    qs = lines.exclude(state=LineState.REJECTED)
    if year:
        qs = qs.filter(year=year)
    grouped = (
        qs.annotate(area=Subquery(city))
        .values("programme__name", "year", "area", "union__name", "state")
        .annotate(total=Sum("amount"), n=Count("id"))
        .order_by()
    )
    acc: dict[tuple[str, int, str], PayoutRow] = {}
    for g in grouped:
        area = g["area"] or g["union__name"]
        key = (g["programme__name"], g["year"], area)
        row = acc.setdefault(key, PayoutRow(key[0], key[1], area, 0, Decimal(0), Decimal(0), Decimal(0)))
        setattr(row, g["state"], getattr(row, g["state"]) + g["total"])
        row.lines += g["n"]
    return sorted(acc.values(), key=lambda r: (-r.year, r.programme, r.area))


def budget_rows(programmes: QuerySet[Programme]) -> list[dict[str, Any]]:
    """Budget, committed and left for each budget of the given programmes."""
    spent = {
        (r["programme_id"], r["year"], r["state"]): r["total"]
        for r in LedgerLine.objects.filter(state__in=[LineState.APPROVED, LineState.PAID])
        .values("programme_id", "year", "state")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    rows = []
    for b in Budget.objects.filter(programme__in=programmes).select_related("programme__owner"):
        approved = spent.get((b.programme_id, b.year, LineState.APPROVED), Decimal(0))
        paid = spent.get((b.programme_id, b.year, LineState.PAID), Decimal(0))
        rows.append(
            {
                "budget": b,
                "approved": approved,
                "paid": paid,
                "committed": approved + paid,
                "left": b.amount - approved - paid,
                "percent": int((approved + paid) * 100 / b.amount) if b.amount else 0,
            }
        )
    return rows


class PayoutExporter(Exporter):
    identifier = "payouts"
    label = _("Payouts")
    headers = (
        _("Programme"),
        _("Budget year"),
        _("City or union"),
        _("Lines"),
        _("Proposed (yuan)"),
        _("Approved, not yet paid (yuan)"),
        _("Paid (yuan)"),
    )

    def rows(self, items: Iterable[PayoutRow]) -> Iterator[Sequence[Any]]:
        for r in items:
            yield (r.programme, r.year, r.area, r.lines, r.proposed, r.approved, r.paid)


class BudgetExporter(Exporter):
    identifier = "budgets"
    label = _("Budgets")
    headers = (
        _("Programme"),
        _("Budget year"),
        _("Budget (yuan)"),
        _("Approved, not yet paid (yuan)"),
        _("Paid (yuan)"),
        _("Left (yuan)"),
    )

    def rows(self, items: Iterable[dict[str, Any]]) -> Iterator[Sequence[Any]]:
        for r in items:
            b = r["budget"]
            yield (b.programme.name, b.year, b.amount, r["approved"], r["paid"], r["left"])


def render_pdf(
    rows: list[PayoutRow], year: int | None, decisions: QuerySet[Decision], user: Any, budgets: list[dict[str, Any]]
) -> bytes:
    """The payout report, budget use (for the province) and the decisions behind it with their
    reasons, as an A4 PDF in Chinese."""
    from weasyprint import HTML

    decided = decisions.exclude(state="proposed")
    if year:
        decided = decided.filter(decided_on__year=year)
    with translation.override("zh-hans"):
        html = render_to_string(
            "awards/report_pdf.html",
            {
                "rows": rows,
                "year": year,
                "decisions": decided.order_by("-decided_on", "id")[:500],
                "totals": {k: sum((getattr(r, k) for r in rows), Decimal(0)) for k in ("proposed", "approved", "paid")},
                "user": user,
                "now": timezone.localtime(),
                "budgets": [b for b in budgets if not year or b["budget"].year == year],
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()

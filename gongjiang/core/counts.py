"""A count of each row's children, for a list page's rows only (issue 17)."""

from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def children_counted(children: QuerySet[Any], parent: str, counted: str = "*") -> Coalesce:
    """How many of ``children`` point at the row through their ``parent`` field, as a correlated
    subquery (0 for none): run for the page's rows alone and left out of the pager's count, where
    ``Count("<relation>")`` joined every child to its parent and grouped by every parent column.
    ``COUNT(*)`` by default: an index on ``parent`` answers it alone (an index-only scan), where
    counting a column may read each child from the table."""
    rows = children.filter(**{parent: OuterRef("pk")}).order_by().values(parent).annotate(n=Count(counted)).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

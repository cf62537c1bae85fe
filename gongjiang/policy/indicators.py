"""Policy figures for the statistics app (see ``core.indicators``). Policy documents are the
province's own, so they count for the provincial federation only."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.indicators import Dimension, Indicator

from .enums import DocumentKind, DocumentStatus
from .models import PolicyDocument


def _document_url(pk: int) -> str:
    return reverse("policy:document", args=[pk])


def _kinds(keys: list[str]) -> dict[str, str]:
    labels = dict(DocumentKind.choices)
    return {k: str(labels.get(k, k)) for k in keys}


_KIND = Dimension("kind", _("kind"), "kind", _kinds)

INDICATORS = [
    Indicator(
        code="policy_documents",
        name=_("Policy documents issued"),
        definition=_("Policy documents recorded on the platform, in the year they were issued (any status)."),
        unit=_("documents"),
        rows=PolicyDocument.objects.all,
        union=None,
        date="issued_on",
        dimensions=(_KIND,),
        label="title",
        link=_document_url,
        listing="policy:documents",
        order=80,
    ),
    Indicator(
        code="policy_in_force",
        name=_("Policy documents in force"),
        definition=_("Policy documents whose status is in force on the day of the fill."),
        unit=_("documents"),
        rows=lambda: PolicyDocument.objects.filter(status=DocumentStatus.IN_FORCE),
        union=None,
        date=None,
        dimensions=(_KIND,),
        label="title",
        link=_document_url,
        headline=False,
        listing="policy:documents",
        order=81,
    ),
]

"""The organisation's own figures for the statistics app (see ``core.indicators``): how many unions
and employers a union's subtree holds. The home page reads them from the rollups instead of
counting 50,000 unions and employers on every visit."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.indicators import Indicator

from .models import Employer, Union


def _union_url(pk: int) -> str:
    return reverse("orgs:union_detail", args=[pk])


def _employer_url(pk: int) -> str:
    return reverse("orgs:employer_detail", args=[pk])


INDICATORS = [
    Indicator(
        code="unions",
        name=_("Unions"),
        definition=_(
            "Trade unions on the platform, the union itself and every union below it (geographic and "
            "industrial), as registered on the day of the fill."
        ),
        unit=_("unions"),
        rows=Union.objects.all,
        union="id",
        date=None,
        label="name",
        link=_union_url,
        headline=False,
        order=5,
    ),
    Indicator(
        code="employers",
        name=_("Employers"),
        definition=_(
            "Employers whose enterprise union lies in the union's subtree, as registered on the day of the fill."
        ),
        unit=_("employers"),
        rows=Employer.objects.all,
        union="union_id",
        date=None,
        label="name",
        link=_employer_url,
        headline=False,
        order=6,
    ),
]

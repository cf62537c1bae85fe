"""What the awards services share: the domain error, and the programme a rule pays from."""

from django.utils.translation import gettext as _

from gongjiang.core.errors import DomainError
from gongjiang.policy.models import Programme, Rule


class AwardError(DomainError):
    """A refused award action, with a message for the user."""


def _programme(rule: Rule) -> Programme:
    if rule.programme is None:  # add_rule_version refuses money rules without one
        raise AwardError(_("Rule “%(rule)s” names no programme to pay from.") % {"rule": rule})
    return rule.programme

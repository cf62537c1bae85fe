import pytest

from tests.competitions.conftest import final, marked  # noqa: F401  (fixtures)
from tests.conftest import make_user


@pytest.fixture
def awarded(policy, final):  # noqa: F811 (the fixture imported above)
    """The provincial competition, final under DOMAIN.md's rules: Qiqihar's worker 1st, Harbin's 2nd.

    ``prov2`` is a second provincial official, so that approve and pay can be two people.
    """
    from gongjiang.orgs.enums import RoleKind

    final.prov2 = make_user("prov2", final.province, RoleKind.PROVINCE_ADMIN)
    final.policy = policy
    return final


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English here; tests/test_i18n.py checks the Chinese catalogue."""
    from django.utils import translation

    with translation.override("en"):
        yield

"""The honour notice masks every nominee's name inside the published citation too, not only in the
name column: 秦*俊 must not stand beside 秦世俊同志…"""

from django.test import Client

from gongjiang.awards import services
from gongjiang.orgs.scope import Scope
from tests.awards.test_honours import _to_notice, cycle  # noqa: F401 (the fixture)


def test_names_are_masked_inside_free_text():
    from gongjiang.core.validators import mask_names  # (imported here so the page test runs on old code)

    text = "秦世俊同志扎根数控铣一线，世俊带徒三十人；刘丽、欧阳修远同行。美丽的工厂。"
    assert mask_names(text, ["秦世俊", "刘丽", "欧阳修远"]) == (
        "秦*俊同志扎根数控铣一线，*俊带徒三十人；刘*、欧**远同行。美丽的工厂。"
    )
    assert mask_names("", ["秦世俊"]) == ""
    assert mask_names("无名", []) == "无名"


def test_the_honour_notice_never_prints_a_name_it_masks(cycle):  # noqa: F811
    alice, bob = cycle.users.alice, cycle.users.bob
    services.nominate(
        actor=alice,
        scope=Scope(alice),
        allocation=cycle.harbin_alloc,
        worker=cycle.harbin_worker,
        statement="王铁军同志扎根锅炉焊接一线二十年，铁军工作法推广全省，并与李秀梅同志联合攻关。",
    )
    services.nominate(
        actor=bob,
        scope=Scope(bob),
        allocation=cycle.qiqihar_alloc,
        worker=cycle.qiqihar_worker,
        statement="李秀梅，齐齐哈尔第二机床高级技师，秀梅班组三次获评工人先锋号。",
    )
    _to_notice(cycle)
    page = Client().get(f"/awards/honours/{cycle.cycle.pk}/notice/").content.decode()
    for name in ("王铁军", "李秀梅", "铁军", "秀梅"):
        assert name not in page
    assert "王*军同志扎根锅炉焊接一线二十年，*军工作法推广全省，并与李*梅同志联合攻关。" in page
    assert "李*梅，齐齐哈尔第二机床高级技师，*梅班组三次获评工人先锋号。" in page

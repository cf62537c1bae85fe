"""A judge's day: 我的评判 puts the events to mark first with progress, the marking page moves on to
the next unmarked competitor and says when the event is complete; blind throughout. And the
competition page's medal table once results are out."""

from gongjiang.competitions import judging, marking
from gongjiang.competitions.medals import medal_table
from tests.competitions.conftest import final, marked  # noqa: F401  (fixtures)


def _ordered(c):
    return sorted([c.harbin_entry, c.qiqihar_entry], key=lambda e: e.competitor_no)


def test_progress_and_stages(marked, as_user):  # noqa: F811
    judge = marked.judges[1]
    (progress,) = judging.judge_progress(judge)
    assert (progress.marked, progress.total, progress.stage) == (0, 2, "to_mark")
    first, second = _ordered(marked)
    values = {marked.a1.pk: "8", marked.a2.pk: "2"}
    marking.record_marks(actor=judge, event=marked.province_event, entry=first, values=values)
    marking.record_marks(actor=judge, event=marked.province_event, entry=second, values={marked.a1.pk: "8"})
    (progress,) = judging.judge_progress(judge)
    assert (progress.marked, progress.total, progress.stage) == (1, 2, "to_mark")  # a half-marked one is not marked
    marking.record_marks(actor=judge, event=marked.province_event, entry=second, values=values)
    (progress,) = judging.judge_progress(judge)
    assert (progress.marked, progress.stage) == (2, "sign_off")
    page = as_user(judge).get("/competitions/judging/")
    body = page.content.decode()
    assert "2 / 2" in body and "您的评分已完成，裁判长尚未签字确认。" in body
    assert "王铁军" not in body and "李秀梅" not in body
    chief = as_user(marked.judges[0]).get("/competitions/judging/").content.decode()
    assert 'id="to-mark"' in chief and "0 / 2" in chief


def test_saving_moves_to_the_next_unmarked_competitor_and_says_when_complete(marked, as_user):  # noqa: F811
    client = as_user(marked.judges[2])
    url = f"/competitions/events/{marked.province_event.pk}/mark/"
    first, second = _ordered(marked)
    data = {f"aspect-{marked.a1.pk}": "7", f"aspect-{marked.a2.pk}": "2"}
    response = client.post(url, {"entry": first.pk, **data})
    assert response.status_code == 302 and response["Location"] == f"{url}?entry={second.pk}"
    page = client.get(response["Location"]).content.decode()
    assert 'id="event-complete"' not in page
    response = client.post(url, {"entry": second.pk, **data})
    assert response["Location"] == f"{url}?entry={second.pk}"  # nobody left: stay, and say so
    page = client.get(response["Location"]).content.decode()
    assert 'id="event-complete"' in page and "您已为全部选手评分" in page
    assert "王铁军" not in page and "哈尔滨锅炉厂" not in page
    # going back to the first one and saving moves on to nobody, since everyone is marked
    response = client.post(url, {"entry": first.pk, **data})
    assert response["Location"] == f"{url}?entry={first.pk}"


def test_medal_table_by_event_and_city(final, as_user):  # noqa: F811
    table = medal_table(final.province_comp)
    assert [(r.label, r.cells) for r in table.events] == [("数控车工", [1, 1, 0, 0])]
    assert sorted((r.label, r.cells) for r in table.cities) == [
        ("哈尔滨市", [0, 1, 0, 0]),
        ("齐齐哈尔市", [1, 0, 0, 0]),
    ]
    assert table.total.cells == [1, 1, 0, 0]
    body = as_user(final.users.prov).get(f"/competitions/{final.province_comp.pk}/").content.decode()
    assert 'id="medals-by-city"' in body and "齐齐哈尔市" in body
    # none before the results are out
    assert medal_table(final.harbin_comp) is None

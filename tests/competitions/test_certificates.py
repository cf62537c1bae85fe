import pytest
from django.test import Client

from gongjiang.competitions import certificates, services
from gongjiang.competitions.models import Certificate
from gongjiang.orgs.scope import Scope
from tests.conftest import make_user, pdf_text


def test_issue_download_verify_revoke_reissue(final, as_user):
    prov = final.users.prov
    assert certificates.issue_all(actor=prov, scope=Scope(prov), competition=final.province_comp) == 2
    assert certificates.issue_all(actor=prov, scope=Scope(prov), competition=final.province_comp) == 0
    cert = Certificate.objects.get(result__entry=final.harbin_entry)
    # the PDF: Chinese text that a PDF reader extracts (so the CJK font is embedded and used)
    pdf = as_user(prov).get(f"/competitions/certificates/{cert.code}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "荣誉证书" in text.replace(" ", "")
    assert "王铁军" in text
    assert cert.code in text
    # Bob's city may not download Harbin's certificate; the worker may download their own
    assert as_user(final.users.bob).get(f"/competitions/certificates/{cert.code}.pdf").status_code == 404
    worker_user = make_user("wangtiejun")
    final.harbin_worker.user = worker_user
    final.harbin_worker.save()
    assert as_user(worker_user).get(f"/competitions/certificates/{cert.code}.pdf").status_code == 200
    mine = as_user(worker_user).get("/competitions/mine/")
    assert [r.entry_id for r in mine.context["results"]] == [final.harbin_entry.pk]
    # anyone verifies, and sees masked data only
    page = Client().get(f"/verify/{cert.code}/").content.decode()
    assert "王*军" in page and "王铁军" not in page
    assert final.harbin_worker.id_number_masked in page
    assert "有效" in page
    new = certificates.reissue(actor=prov, scope=Scope(prov), certificate=cert, reason="遗失补发")
    assert new.code != cert.code and new.replaces == cert
    page = Client().get(f"/verify/{cert.code}/").content.decode()
    assert "已作废" in page and new.code in page
    assert "没有此编号" in Client().get("/verify/NOPE000000/").content.decode()


def test_only_final_results_get_certificates(marked):
    prov = marked.users.prov
    with pytest.raises(services.CompetitionError):
        certificates.issue_all(actor=prov, scope=Scope(prov), competition=marked.province_comp)


def test_participant_times_count_final_results_in_scope(final, as_user):
    from gongjiang.competitions.figures import participant_times

    assert participant_times(Scope(final.users.prov), "year") == [("2026", 2)]
    assert participant_times(Scope(final.users.alice), "region") == [("哈尔滨市", 1)]
    assert participant_times(Scope(final.users.bob), "occupation") == [("车工", 1)]
    assert participant_times(Scope(final.users.prov), "tier") == [("省级一类", 2)]
    from gongjiang.stats import fill

    fill.update_stats()  # the page reads the statistics rollups now (issue 14)
    page = as_user(final.users.bob).get("/competitions/figures/", follow=True)
    assert [(str(label), total) for label, _t, total in page.context["tables"]] == [
        ("按城市", 1),
        ("按产业工会", 1),
        ("按级别", 1),
        ("按职业", 1),
        ("按年度", 1),
    ]
    assert as_user(final.users.judge).get("/competitions/figures/").status_code == 403

"""Full-width digits (typed with a Chinese input method) are the same identifier as ASCII ones:
the one normaliser in core/validators.py runs before validation, hashing and storage, in the
forms, the imports and the API alike."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from gongjiang.api.models import ApiToken
from gongjiang.core import crypto
from gongjiang.core.validators import validate_id_number, validate_phone, validate_uscc
from gongjiang.imports.models import ImportStatus
from gongjiang.imports.tasks import start_import
from gongjiang.orgs.scope import Scope
from gongjiang.people.models import Worker
from tests.conftest import HARBIN_ID
from tests.imports.test_worker_import import _rows, xlsx

FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")

# The issue's example: the same number with the birth date typed in full-width digits.
ASCII_EXAMPLE = "230102198002291233"
MIXED_EXAMPLE = "230102１９８００２２９1233"


def full_width(text: str) -> str:
    return text.translate(FULL)


def half_full(number: str) -> str:
    """Digits 7–14 (the birth date) in full width, the rest ASCII, as a user switching input modes types it."""
    return number[:6] + full_width(number[6:14]) + number[14:]


def test_the_normaliser_folds_full_width_and_trims():
    from gongjiang.core.validators import normalise_digits  # (imported here so the other tests run on old code)

    assert normalise_digits("\u3000２３０１０２\u3000") == "230102"
    assert normalise_digits(None) == ""
    assert validate_id_number(MIXED_EXAMPLE) == ASCII_EXAMPLE
    assert validate_id_number(full_width("11010519491231002X").lower()) == "11010519491231002X"
    assert validate_phone("１３９－０４５１－１２３４") == "13904511234"
    assert validate_uscc("　" + full_width("91230102000000001") + "Ｊ ") == "91230102000000001J"


@pytest.mark.parametrize("number", ["230102١٩٨٠٠٢٢٩1233", "230102198002291233\u200b"])
def test_digits_that_are_not_ascii_after_folding_are_refused(number):
    # Arabic-Indic digits survive NFKC; Python's \\d would have accepted them.
    with pytest.raises(ValidationError):
        validate_id_number(number)


def test_the_form_refuses_the_same_worker_typed_in_full_width(org, as_user):
    alice = as_user(org.users.alice)
    data = {
        "name": "王铁军",
        "id_number": half_full(HARBIN_ID),
        "phone": "",
        "employer": org.harbin_employer.pk,
        "status": "employed",
    }
    before = Worker.objects.count()
    response = alice.post("/people/workers/new/", data)
    assert response.status_code == 200
    assert "该身份证号的职工已登记。" in response.content.decode()
    assert Worker.objects.count() == before


def test_the_form_stores_a_full_width_number_and_phone_as_ascii(org, as_user):
    alice = as_user(org.users.alice)
    data = {
        "name": "张三",
        "id_number": MIXED_EXAMPLE,
        "phone": "１３９０４５１７７７７",
        "employer": org.harbin_employer.pk,
        "status": "employed",
    }
    response = alice.post("/people/workers/new/", data)
    assert response.status_code == 302
    worker = Worker.objects.get(name="张三")
    assert crypto.decrypt(worker.id_number_enc) == ASCII_EXAMPLE
    assert worker.id_number_hash == crypto.keyed_hash(ASCII_EXAMPLE)
    assert (worker.id_number_masked, worker.id_last4, worker.phone_masked) == (
        "230102********1233",
        "1233",
        "139****7777",
    )
    assert crypto.decrypt(worker.phone_enc) == "13904517777"
    # ... and the ASCII form of the same number is now a duplicate.
    again = alice.post("/people/workers/new/", dict(data, name="张三二", id_number=ASCII_EXAMPLE, phone=""))
    assert again.status_code == 200
    assert "该身份证号的职工已登记。" in again.content.decode()
    assert Worker.objects.filter(name__startswith="张三").count() == 1


def test_the_api_refuses_the_same_worker_typed_in_full_width(org):
    _token, raw = ApiToken.issue(user=org.users.alice, name="t")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    payload = {"name": "张三", "id_number": ASCII_EXAMPLE, "employer_id": org.harbin_employer.pk}
    assert client.post("/api/workers", payload, content_type="application/json").status_code == 201
    for phone in ("", "１３９ ０４５１ ７７７７"):
        again = dict(payload, id_number=MIXED_EXAMPLE, phone=phone)
        response = client.post("/api/workers", again, content_type="application/json")
        assert response.status_code == 409
        assert response.json() == {"detail": "该身份证号的职工已登记。"}
    assert Worker.objects.filter(name="张三").count() == 1
    other = dict(payload, name="李四", id_number=full_width("11010519491231002X"), phone="１３９０４５１７７７７")
    response = client.post("/api/workers", other, content_type="application/json")
    assert response.status_code == 201
    worker = Worker.objects.get(pk=response.json()["id"])
    assert (crypto.decrypt(worker.id_number_enc), crypto.decrypt(worker.phone_enc)) == (
        "11010519491231002X",
        "13904517777",
    )


def test_an_import_recognises_a_full_width_number_as_the_existing_worker(org):
    user = org.users.alice
    rows = _rows(org, 2)
    assert start_import(actor=user, scope=Scope(user), kind="workers", upload=xlsx(rows)).created == 2
    rows[0][1] = half_full(rows[0][1])
    rows[0][2] = full_width(rows[0][2])
    rows[1][1] = full_width(rows[1][1])
    job = start_import(actor=user, scope=Scope(user), kind="workers", upload=xlsx(rows))
    assert (job.status, job.created, job.updated, job.unchanged) == (ImportStatus.DONE, 0, 0, 2)
    assert Worker.objects.filter(name__startswith="测试").count() == 2


def test_an_import_refuses_the_same_number_twice_in_one_file(org):
    user = org.users.alice
    rows = _rows(org, 2)
    rows[1][1] = half_full(rows[0][1])
    job = start_import(actor=user, scope=Scope(user), kind="workers", upload=xlsx(rows))
    assert job.status == ImportStatus.INVALID
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "身份证号")]
    assert not Worker.objects.filter(name__startswith="测试").exists()

"""Personal identifiers never stand in plaintext in the database, and every unmasked view is logged."""

from django.db import connection

from gongjiang.core.models import PiiAccess
from gongjiang.people.models import Worker
from tests.conftest import HARBIN_ID, HARBIN_PHONE, QIQIHAR_ID, QIQIHAR_PHONE


def _raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (fixed table names)
        return "\n".join(repr(row) for row in cursor.fetchall())


def test_ids_and_phones_are_not_in_plaintext(org):
    for table in ("people_worker", "core_auditentry"):
        raw = _raw_rows(table)
        assert raw  # the tables do hold rows
        for secret in (HARBIN_ID, QIQIHAR_ID, HARBIN_PHONE, QIQIHAR_PHONE):
            # neither whole nor the part a mask hides, with what follows it
            for part in (secret, secret[:-4], secret[3:]):
                assert part not in raw, f"{table} holds a plaintext identifier"
    worker_raw = _raw_rows("people_worker")
    assert HARBIN_ID[:6] + "********" + HARBIN_ID[-4:] in worker_raw
    assert HARBIN_PHONE[3:7] not in worker_raw.replace(HARBIN_ID[-4:], "")


def test_reveal_is_logged_and_scoped(org, as_user):
    worker = org.harbin_worker
    url = f"/people/workers/{worker.pk}/reveal/id_number/"
    response = as_user(org.users.alice).post(url)
    assert response.status_code == 200
    assert HARBIN_ID in response.content.decode()
    access = PiiAccess.objects.get()
    assert (access.user, access.object_id, access.field, access.purpose) == (
        org.users.alice,
        str(worker.pk),
        "id_number",
        "view",
    )
    # GET is refused (no prefetching or caching of a plaintext view)
    assert as_user(org.users.alice).get(url).status_code == 405
    # Bob (another city) and a judge see nothing and leave no log.
    assert as_user(org.users.bob).post(url).status_code == 404
    assert as_user(org.users.judge).post(url).status_code == 404
    assert PiiAccess.objects.count() == 1


def test_detail_page_shows_only_masked_values(org, as_user):
    page = as_user(org.users.alice).get(f"/people/workers/{org.harbin_worker.pk}/").content.decode()
    assert HARBIN_ID not in page
    assert HARBIN_PHONE not in page
    assert org.harbin_worker.id_number_masked in page
    assert "139****1234" in page


def test_opening_the_edit_form_is_logged(org, as_user):
    response = as_user(org.users.alice).get(f"/people/workers/{org.harbin_worker.pk}/edit/")
    assert HARBIN_ID in response.content.decode()
    assert sorted(PiiAccess.objects.values_list("field", "purpose")) == [("id_number", "edit"), ("phone", "edit")]


def test_encrypted_values_decrypt(org):
    from gongjiang.core import crypto

    worker = Worker.objects.get(pk=org.harbin_worker.pk)
    assert crypto.decrypt(worker.id_number_enc) == HARBIN_ID
    assert crypto.decrypt(worker.phone_enc) == HARBIN_PHONE
    assert worker.id_number_hash == crypto.keyed_hash(HARBIN_ID)

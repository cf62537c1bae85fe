"""On PostgreSQL the audit and personal-data-access rows cannot be changed or removed."""

import pytest
from django.db import DatabaseError, connection, transaction

from gongjiang.core.models import AuditAction, AuditEntry, PiiAccess

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


@pytest.fixture
def rows(org):
    alice = org.users.alice
    audit = AuditEntry.objects.create(
        actor=alice, action=AuditAction.CREATE, model="people.worker", object_id="1", object_repr="x"
    )
    access = PiiAccess.objects.create(user=alice, model="people.worker", object_id="1", field="id_number", purpose="v")
    return audit, access


@pytest.mark.django_db
@pytest.mark.parametrize("model", [AuditEntry, PiiAccess])
def test_update_and_delete_are_refused(rows, model):
    before = list(model.objects.order_by("pk").values_list("pk", "object_id"))
    for attempt in (
        lambda: model.objects.update(object_id="2"),
        lambda: model.objects.all().delete(),
        lambda: connection.cursor().execute(f"UPDATE {model._meta.db_table} SET object_id = '3'"),  # noqa: S608
        lambda: connection.cursor().execute(f"DELETE FROM {model._meta.db_table}"),  # noqa: S608
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()
    assert list(model.objects.order_by("pk").values_list("pk", "object_id")) == before


@pytest.mark.django_db
def test_appending_still_works(rows):
    audit, _ = rows
    AuditEntry.objects.create(action=AuditAction.UPDATE, model="people.worker", object_id="1", object_repr="y")
    assert AuditEntry.objects.get(pk=audit.pk).object_repr == "x"

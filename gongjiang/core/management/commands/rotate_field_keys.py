"""``manage.py rotate_field_keys``: rewrite every stored ciphertext with the first of
FIELD_ENCRYPTION_KEYS, so that older keys can then be retired (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gongjiang.core import crypto
from gongjiang.core.backup import encrypted_fields

BATCH = 1000


class Command(BaseCommand):
    help = "Re-encrypt every *_enc column with the first FIELD_ENCRYPTION_KEYS key (run after putting a new key first)."

    def handle(self, *args: object, **options: object) -> None:
        crypto._fernet.cache_clear()
        fernet = crypto._fernet()
        total = 0
        for model, field in encrypted_fields():
            manager = model._default_manager
            ids = list(manager.exclude(**{field: ""}).order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(ids), BATCH):
                with transaction.atomic():
                    rows = list(manager.select_for_update().filter(pk__in=ids[start : start + BATCH]).only("pk", field))
                    for row in rows:
                        try:
                            token = fernet.rotate(getattr(row, field).encode()).decode()
                        except Exception as exc:
                            raise CommandError(
                                f"{model._meta.label}.{field} of row {row.pk} does not decrypt with any of "
                                "FIELD_ENCRYPTION_KEYS: put every old key back after the new one"
                            ) from exc
                        setattr(row, field, token)
                    manager.bulk_update(rows, [field])
                    total += len(rows)
            self.stdout.write(f"{model._meta.label}.{field}: {len(ids)} values")
        self.stdout.write(f"{total} values now encrypted with the first key; older keys can be removed")

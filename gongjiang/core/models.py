from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UserManager(DjangoUserManager):
    def _create_user_object(self, username, email, password, **extra_fields):  # type: ignore[no-untyped-def]
        """create_user and create_superuser (and so createsuperuser) judge the password too."""
        user = super()._create_user_object(username, email, password, **extra_fields)
        if password is not None:
            validate_password(password, user)
        return user


class User(AbstractUser):
    """A person who logs in. What they may see and do comes from their roles at unions."""

    objects = UserManager()

    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    # Set when an administrator resets the password: the next log-in must choose a new one.
    must_change_password = models.BooleanField(_("must change password"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        """Every path that sets a password (forms, the admin, management commands, services, the
        demo) goes through AUTH_PASSWORD_VALIDATORS here; refused with a ValidationError."""
        if raw_password is not None:
            validate_password(raw_password, self)
        super().set_password(raw_password)

    def check_password(self, raw_password: str) -> bool:
        """As Django's, but a rehash on log-in (a hasher upgrade) stores the password already held
        without judging it again."""

        def setter(raw: str) -> None:
            AbstractUser.set_password(self, raw)
            self._password = None
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, setter)


class AuditAction(models.TextChoices):
    CREATE = "create", pgettext_lazy("audit action", "Created")
    UPDATE = "update", pgettext_lazy("audit action", "Changed")
    DELETE = "delete", pgettext_lazy("audit action", "Deleted")


def _label(choices: dict, value: object) -> object:
    """A stored audit value in words: a choice by its label, yes/no for a flag, a mapping as
    "key：value" pairs; never a Python literal."""
    from django.utils.translation import gettext

    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, (str, int)):
        return choices.get(value, value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{_label({}, v)}" for k, v in value.items())
    if isinstance(value, list):
        return [_label(choices, v) for v in value]
    return value


class AuditEntry(models.Model):
    """Who changed what, when: written by the service in the same transaction as the change.

    ``changes`` maps a field name to ``[before, after]`` display values; personal
    identifiers appear masked. ``union_id`` is the union the record belongs to, so
    the history inherits the record's scope.
    """

    # Read only by record (``audit.history``: model, object_id, newest first), through the one index
    # below; a single-column index on the time or the union would cost every audited write (an import
    # of 100,000 workers writes 165,000 rows: 0.8 s of index upkeep, issue 17) and serve no query.
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=10, choices=AuditAction.choices)
    model = models.CharField(_("record type"), max_length=60)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(_("record"), max_length=200)
    union_id = models.BigIntegerField(null=True)
    changes = models.JSONField(_("changes"), default=dict)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["model", "object_id", "at"])]
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_repr}"

    def labelled_changes(self) -> list[tuple[str, object, object]]:
        """``(field label, before, after)`` in the reader's language."""
        try:
            meta = apps.get_model(self.model)._meta
        except (LookupError, ValueError):
            meta = None
        rows = []
        model = meta.model if meta is not None else None
        for name, (stored_before, stored_after) in self.changes.items():
            before, after = stored_before, stored_after
            if model is not None and hasattr(model, "audit_value"):
                before, after = model.audit_value(name, before), model.audit_value(name, after)
            label: object = name
            choices: dict = {}
            if meta is not None:
                try:
                    field = meta.get_field(name)
                except FieldDoesNotExist:
                    pass
                else:
                    related = getattr(field, "related_model", None)
                    # a reverse relation (an innovation's "authors") has no verbose name: its model's plural
                    fallback = related._meta.verbose_name_plural if field.auto_created and related else name
                    label = getattr(field, "verbose_name", None) or fallback
                    choices = dict(field.flatchoices) if getattr(field, "choices", None) else {}
            rows.append((str(label), _label(choices, before), _label(choices, after)))
        return rows


class LoginFailure(models.Model):
    """One failed log-in; recent rows decide the lock-out, in every process alike."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True)

    class Meta:
        verbose_name = _("failed log-in")
        verbose_name_plural = _("failed log-ins")

    def __str__(self) -> str:
        return f"{self.username} @ {self.at}"


class PiiAccess(models.Model):
    """One unmasked view of a personal identifier."""

    at = models.DateTimeField(_("time"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    model = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    field = models.CharField(_("field"), max_length=40)
    purpose = models.CharField(_("purpose"), max_length=40)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user} {self.model}:{self.object_id}.{self.field}"


class WorkerHeartbeat(models.Model):
    """The task worker's last sign of life, renewed while it waits and works; /healthz reads it."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("task worker")
        verbose_name_plural = _("task workers")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} {self.seen_at:%Y-%m-%d %H:%M:%S}"


class Attachment(models.Model):
    """What every uploaded attachment records besides its owner and its file (each concrete model adds
    those two: the foreign key and a ``FileField`` with its own ``upload_to``)."""

    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

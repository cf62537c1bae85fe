"""Policy documents and the rules that cite them.

A rule is versioned data: ``code`` names the rule across its versions, each version has an
effective period, and a version is never edited once saved (a change is a new version), so a
decision that cites a version keeps meaning what it meant on the day it was made.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gongjiang.orgs.models import Union
from gongjiang.people.enums import HonourLevel

from .enums import DocumentKind, DocumentStatus, ProgrammeKind, RuleKind


class PolicyDocument(models.Model):
    doc_no = models.CharField(_("document number"), max_length=60, unique=True)
    issuer = models.CharField(_("issuer"), max_length=120)
    issued_on = models.DateField(_("issued on"))
    title = models.CharField(pgettext_lazy("document", "title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=DocumentKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.IN_FORCE
    )
    full_text = models.TextField(_("full text"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("policy document")
        verbose_name_plural = _("policy documents")
        ordering = ["-issued_on", "doc_no"]

    def __str__(self) -> str:
        return f"{self.doc_no}《{self.title}》"

    def get_absolute_url(self) -> str:
        return reverse("policy:document", args=[self.pk])


class Attachment(models.Model):
    document = models.ForeignKey(PolicyDocument, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to="policy/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A funding line with a budget per year: competition rewards, an honour, a subsidy."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=ProgrammeKind.choices)
    # The union that funds it; none means the provincial federation.
    owner = models.ForeignKey(Union, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Rule(models.Model):
    code = models.SlugField(_("rule code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=10, choices=RuleKind.choices)
    name = models.CharField(_("name"), max_length=120)
    document = models.ForeignKey(
        PolicyDocument, verbose_name=_("document"), on_delete=models.PROTECT, related_name="rules"
    )
    clause = models.CharField(_("clause"), max_length=60)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), null=True, blank=True, on_delete=models.PROTECT, related_name="rules"
    )
    # The rule's terms, validated by policy.engine.parse_terms for the kind.
    terms = models.JSONField(_("terms"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["kind", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="rule_version_unique"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gte=models.F("effective_from")),
                name="rule_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("policy:rule", args=[self.pk])

    @property
    def citation(self) -> str:
        return f"{self.document.doc_no} {self.clause}"

    def described_terms(self) -> list[tuple[str, str]]:
        """The terms labelled and in words, as the rule page shows them."""
        from .display import describe_terms

        return describe_terms(self.terms)

    @staticmethod
    def audit_value(name: str, value: object) -> object:
        """How the change history shows a stored value: the terms in words, not as a dict."""
        if name == "terms" and isinstance(value, str) and value.startswith("{"):
            import ast

            try:  # rows written before the terms were kept as data held their repr
                value = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                return value
        if name == "terms" and isinstance(value, dict):
            from .display import describe_terms

            return "；".join(f"{label}：{text}" for label, text in describe_terms(value))
        return value


class Goal(models.Model):
    """A goal the province set for a later year in a policy document: how many craftsmen of one
    honour level (大国工匠, 龙江工匠, 市级工匠) by ``by_year``. The statistics' craftsmen figures read
    their targets here, so target against actual is computed from rows citing their document."""

    honour_level = models.PositiveSmallIntegerField(_("level of honour"), choices=HonourLevel.choices, unique=True)
    title = models.CharField(pgettext_lazy("honour", "title"), max_length=50)
    persons = models.PositiveIntegerField(_("persons"))
    by_year = models.PositiveSmallIntegerField(_("by the year"))
    document = models.ForeignKey(
        PolicyDocument, verbose_name=_("policy document"), on_delete=models.PROTECT, related_name="goals"
    )
    clause = models.CharField(_("clause"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("craftsman goal")
        verbose_name_plural = _("craftsman goals")
        ordering = ["-honour_level"]

    def __str__(self) -> str:
        return f"{self.title} {self.persons} ({self.by_year})"

    @property
    def citation(self) -> str:
        return f"{self.document.doc_no} {self.clause}".strip()

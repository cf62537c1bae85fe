from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gongjiang.core.validators import validate_uscc

from .enums import RegionLevel, RoleKind, UnionKind


class Region(models.Model):
    """A GB/T 2260 administrative division (行政区划)."""

    code = models.CharField(_("division code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    level = models.CharField(_("level"), max_length=12, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Union(models.Model):
    """A trade union (工会). ``parent`` is the geographic parent; an enterprise union may
    also have an ``industry_parent``. Both parents, and all their ancestors, see its rows
    through :class:`UnionAncestor`."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=UnionKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="unions")
    parent = models.ForeignKey(
        "self", verbose_name=_("parent union"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    industry_parent = models.ForeignKey(
        "self",
        verbose_name=_("industrial union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="industry_members",
        limit_choices_to={"kind": UnionKind.INDUSTRY},
    )

    class Meta:
        verbose_name = _("union")
        verbose_name_plural = _("unions")
        ordering = ["region_id", "kind", "name"]
        indexes = [
            # the accounts page's union drop-down without a term (orgs 0007; also ``union_name_trgm`` on PostgreSQL)
            models.Index(
                fields=["kind", "name"], condition=~Q(kind=UnionKind.GRASSROOTS), name="union_above_enterprises"
            ),
            # the union list's order (``ordering``): its first page a walk of this index, not a sort (orgs 0008)
            models.Index(fields=["region", "kind", "name"], name="union_list_order"),
            # the unions above the enterprises in that order: the judge pool's drop-down, read through a
            # server-side cursor that PostgreSQL plans to start fast (orgs 0008)
            models.Index(
                fields=["region", "kind", "name"], condition=~Q(kind=UnionKind.GRASSROOTS), name="union_above_in_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:union_detail", args=[self.pk])


class UnionAncestor(models.Model):
    """Closure table: one row per (union, each of its ancestors, itself included)."""

    descendant = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="ancestor_links")
    ancestor = models.ForeignKey(Union, on_delete=models.CASCADE, related_name="descendant_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ancestor", "descendant"], name="union_ancestor_unique")]
        indexes = [models.Index(fields=["descendant", "ancestor"])]

    def __str__(self) -> str:
        return f"{self.ancestor_id} ⊇ {self.descendant_id}"


class Employer(models.Model):
    """An employer (用人单位), identified by its 统一社会信用代码; its enterprise union is ``union``."""

    name = models.CharField(_("name"), max_length=100)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="employers")
    union = models.OneToOneField(
        Union, verbose_name=_("enterprise union"), on_delete=models.PROTECT, related_name="employer"
    )
    industry = models.CharField(_("industry"), max_length=50, blank=True)
    # The enterprise union's city (``orgs.queries.cities_of``), written by ``services.create_employer``
    # (unions never move; required, so a row written another way without it fails): a city or county official's list walks ``employer_city_name``, their
    # city's employers in name order, not every employer of the province (issue 17).
    city = models.ForeignKey(Union, on_delete=models.PROTECT, related_name="+", db_index=False, editable=False)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")
        ordering = ["name"]
        indexes = [
            # the list's order: its first page is a walk of this index, not a sort of every employer in reach
            models.Index(fields=["name", "id"], name="employer_name"),
            # the same for one city; with the union, the reach is tested from the index alone
            models.Index(fields=["city", "name", "id"], name="employer_city_name", include=["union"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:employer_detail", args=[self.pk])


class Role(models.Model):
    """A user's role held at a union; its scope is that union's subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="roles"
    )
    union = models.ForeignKey(Union, verbose_name=_("union"), on_delete=models.PROTECT, related_name="roles")
    kind = models.CharField(_("role"), max_length=20, choices=RoleKind.choices)
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [models.UniqueConstraint(fields=["user", "union", "kind"], name="role_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} @ {self.union}"

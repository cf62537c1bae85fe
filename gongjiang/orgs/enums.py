from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("province")
    PREFECTURE = "prefecture", _("prefecture")
    COUNTY = "county", _("county")


class UnionKind(models.TextChoices):
    PROVINCE = "province", _("provincial federation")
    CITY = "city", _("city federation")
    COUNTY = "county", _("county federation")
    INDUSTRY = "industry", _("industrial union")
    GRASSROOTS = "grassroots", _("enterprise union")


class RoleKind(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("provincial admin")
    UNION_ADMIN = "union_admin", _("union admin")
    ENTERPRISE_STAFF = "enterprise_staff", _("enterprise union staff")
    COLLEGE_ADMIN = "college_admin", _("college admin")
    JUDGE = "judge", _("judge")
    STUDIO_LEAD = "studio_lead", _("studio lead")
    WORKER = "worker", pgettext_lazy("role", "worker")

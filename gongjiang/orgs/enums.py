from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture")
    COUNTY = "county", _("County")


class UnionKind(models.TextChoices):
    PROVINCE = "province", _("Provincial federation")
    CITY = "city", _("City federation")
    COUNTY = "county", _("County federation")
    INDUSTRY = "industry", _("Industrial union")
    GRASSROOTS = "grassroots", _("Enterprise union")


class RoleKind(models.TextChoices):
    PROVINCE_ADMIN = "province_admin", _("Provincial admin")
    UNION_ADMIN = "union_admin", _("Union admin")
    FINANCE = "finance", _("Finance officer")
    ENTERPRISE_FINANCE = "enterprise_finance", _("Enterprise finance officer")
    LEADERSHIP = "leadership", _("Leadership (read-only)")
    ENTERPRISE_STAFF = "enterprise_staff", _("Enterprise union staff")
    COLLEGE_ADMIN = "college_admin", _("College admin")
    JUDGE = "judge", _("Judge")
    STUDIO_LEAD = "studio_lead", _("Studio lead")
    WORKER = "worker", pgettext_lazy("role", "Worker")

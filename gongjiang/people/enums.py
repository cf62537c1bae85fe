from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.IntegerChoices):
    """国家职业技能等级: the eight-level ladder, lowest first."""

    APPRENTICE = 1, _("Apprentice")
    JUNIOR = 2, _("Junior worker (level 5)")
    INTERMEDIATE = 3, _("Intermediate worker (level 4)")
    SENIOR = 4, _("Senior worker (level 3)")
    TECHNICIAN = 5, _("Technician (level 2)")
    SENIOR_TECHNICIAN = 6, _("Senior technician (level 1)")
    PRINCIPAL_TECHNICIAN = 7, _("Principal technician")
    CHIEF_TECHNICIAN = 8, _("Chief technician")


class GradeSource(models.TextChoices):
    EVALUATION = "evaluation", _("Skill evaluation")
    COMPETITION = "competition", _("Competition promotion")
    COLLEGE = "college", _("College completion")


class HonourLevel(models.IntegerChoices):
    """The level of the body that conferred an honour, highest first by value."""

    ENTERPRISE = 1, _("Enterprise level")
    CITY = 2, _("City level")
    PROVINCIAL = 3, _("Provincial level")
    NATIONAL = 4, _("National level")


class HonourKind(models.TextChoices):
    MODEL_WORKER = "model_worker", _("Model worker")
    CRAFTSMAN = "craftsman", _("Craftsman")
    TECHNICAL_EXPERT = "technical_expert", _("Technical expert")
    OTHER = "other", _("Other honour")


class WorkerStatus(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    LEFT = "left", _("Left the employer")
    RETIRED = "retired", _("Retired")
    STUDENT = "student", _("Student (vocational school)")


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


# Names a spreadsheet may use for a grade, in either language, mapped to the ladder.
GRADE_ALIASES: dict[str, int] = {
    "学徒工": 1,
    "学徒": 1,
    "apprentice": 1,
    "初级工": 2,
    "五级": 2,
    "初级": 2,
    "junior": 2,
    "中级工": 3,
    "四级": 3,
    "中级": 3,
    "intermediate": 3,
    "高级工": 4,
    "三级": 4,
    "高级": 4,
    "senior": 4,
    "技师": 5,
    "二级": 5,
    "technician": 5,
    "高级技师": 6,
    "一级": 6,
    "senior technician": 6,
    "特级技师": 7,
    "principal technician": 7,
    "首席技师": 8,
    "chief technician": 8,
}

"""``get_<field>_display`` (core.display, issue 17) gives what Django's gives, for every model field
with choices, every choice, a value outside them and none, in both languages."""

from django.apps import apps
from django.db.models import Model
from django.utils import translation

from gongjiang.core.display import display


def test_every_fields_display_is_djangos():
    checked = 0
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not field.choices:
                continue
            method = getattr(model, f"get_{field.name}_display")
            values = [value for value, _label in field.flatchoices] + ["no such value", None]
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    for value in values:
                        row = model()
                        setattr(row, field.attname, value)
                        expected = Model._get_FIELD_display(row, field)
                        assert method(row) == expected, (model, field.name, value, language)
                        assert type(method(row)) is type(expected)
                        checked += 1
    assert checked > 100


def test_the_label_follows_the_language_of_each_call():
    from gongjiang.competitions.enums import State
    from gongjiang.competitions.models import Competition

    get = display(Competition._meta.get_field("state"))
    row = Competition(state=State.DRAFT)
    with translation.override("zh-hans"):
        assert get(row) == "草稿"
    with translation.override("en"):
        assert get(row) == "Draft"
    assert Competition.get_state_display.__name__ == "get_state_display"  # installed in core's ready()

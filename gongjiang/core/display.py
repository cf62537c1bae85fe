"""``get_<field>_display`` without translating every label of the field on each call (issue 17).

Django's ``Model._get_FIELD_display`` builds ``dict(make_hashable(field.flatchoices))`` on every call:
hashing each lazy label translates it, so one call costs the translation of every choice (0.07-0.13 ms
for the competitions' tiers and states, the classes' and the ledger's states). A list page calls it once
or twice a row: 5-11 ms of a 50-row page at province scale, where the demo's pages show 4-40 rows.
:func:`install` gives every model field with fixed choices a ``get_<field>_display`` that maps the
value to its (still lazy) label through a dict built once, then translates that one label: the same
result as Django's, in the active language of the call."""

from collections.abc import Callable, Iterable
from functools import partialmethod
from inspect import getattr_static
from typing import Any

from django.db import models
from django.utils.choices import CallableChoiceIterator
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def display(field: models.Field) -> Callable[[models.Model], Any]:
    """The ``get_<field>_display`` of ``field``: Django's, with the value → label dict built once."""
    labels: dict[Any, Any] = {}

    def get_display(self: models.Model) -> Any:
        if not labels:
            labels.update((make_hashable(value), label) for value, label in field.flatchoices)
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)

    get_display.__name__ = f"get_{field.name}_display"
    return get_display


def install(model_classes: Iterable[type[models.Model]]) -> None:
    """Replace Django's ``get_<field>_display`` (a ``partialmethod``) of each field with fixed choices;
    a method the model defines itself, and choices given as a callable, are left alone."""
    for model in model_classes:
        for field in model._meta.concrete_fields:
            name = f"get_{field.name}_display"
            if not field.choices or isinstance(field.choices, CallableChoiceIterator):
                continue
            if field.model is not model or not isinstance(getattr_static(model, name, None), partialmethod):
                continue
            setattr(model, name, display(field))

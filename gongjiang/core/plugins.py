"""How an app contributes to a shared surface without anyone listing it.

A shared surface (imports, exports, statistics, the home page's to-dos, the demo seed,
the API) names a module, e.g. ``importers``; every installed app that has a module of
that name contributes what the module declares. Apps are read in ``INSTALLED_APPS``
order, which is the layer order (core, orgs, people, competitions, …), so a surface that
depends on order (the demo seed) gets lower layers first. This is how Django's admin
autodiscovers ``admin.py``; nothing central imports another app's classes.

The kernel knows only module names and attribute names, never a domain.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from functools import cache
from types import ModuleType
from typing import Any

from django.apps import apps

PROJECT_PREFIX = "gongjiang."


def app_modules(name: str) -> Iterator[ModuleType]:
    """Each installed app's module ``<app>.<name>`` that exists, in layer order.

    A module that exists but fails to import raises: a broken contribution must not
    vanish silently.
    """
    for config in apps.get_app_configs():
        if not config.name.startswith(PROJECT_PREFIX):
            continue  # third-party apps may use the same module names for other things
        dotted = f"{config.name}.{name}"
        if importlib.util.find_spec(dotted) is not None:
            yield importlib.import_module(dotted)


def contributions(name: str, attr: str) -> list[Any]:
    """Every app's ``<app>.<name>.<attr>`` (a list or tuple), concatenated in layer order."""
    found: list[Any] = []
    for module in app_modules(name):
        found.extend(getattr(module, attr, ()))
    return found


@cache
def cached_contributions(name: str, attr: str) -> tuple[Any, ...]:
    """The same, computed once per process (the app list does not change at run time)."""
    return tuple(contributions(name, attr))

import pytest

from gongjiang.studios.models import LevelRequirement


@pytest.fixture(autouse=True)
def _studio_reference_data(db):
    """Reload the level requirements and default criteria if a transactional test flushed them."""
    if not LevelRequirement.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("gongjiang.studios.migrations.0002_seed_requirements").load(apps, None)

"""Demo data for policy: DOMAIN.md's documents, programmes and rules (``policy/data/seed.json``)."""

from gongjiang.core.seeding import DemoContext

from . import seed as policy_seed


def seed(ctx: DemoContext) -> None:
    policy_seed.load()

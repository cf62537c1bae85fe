"""Demo data for policy: DOMAIN.md's documents, programmes and rules (``policy/data/seed.json``)."""

from gongjiang.core.seeding import DemoContext

from . import seed as policy_seed

# nothing in this seed catches a service's failure: seed_demo runs it without savepoints and with
# its audit rows held (core.seeding.in_bulk)
IN_BULK = True


def seed(ctx: DemoContext) -> None:
    policy_seed.load()

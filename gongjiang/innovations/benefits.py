"""The confirmed-benefit surface: apps below (studios, competitions) ask for the benefit of their
things through ``core.plugins`` (``benefits.BENEFIT_OF``) without importing this app."""

from .queries import benefit_of

BENEFIT_OF = [benefit_of]

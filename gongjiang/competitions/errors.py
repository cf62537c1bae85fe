"""The competitions' domain error, in its own module so that services, marking and results can all
raise it without importing each other."""

from gongjiang.core.errors import DomainError


class CompetitionError(DomainError):
    """A broken business rule, with a message for the user."""

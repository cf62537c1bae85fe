from gongjiang.core.errors import DomainError


class LabourError(DomainError):
    """A broken rule of a labour competition, with a message for the user."""

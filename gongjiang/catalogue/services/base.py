from gongjiang.core.errors import DomainError


class CatalogueError(DomainError):
    """A broken rule of the project applications, the catalogue, stage reports or commendations."""

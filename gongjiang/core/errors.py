"""The one base of every app's domain error."""


class DomainError(Exception):
    """A broken business rule, with a message for the user in their language.

    Each app's error subclasses it (``StudiosError``, ``AwardError``, ...), so the kernel can turn any
    of them into a form error or a message without knowing the apps (:mod:`gongjiang.core.actions`).
    """

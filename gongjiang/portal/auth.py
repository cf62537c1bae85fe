"""The log-in backend: Django's, with the user of every request read together with what the
navbar asks of it (``user.judge``: the "My judging" link; ``user.worker``: "My studio" and the
home page's own record), one query instead of up to three on every page."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class Backend(ModelBackend):
    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        user = model._default_manager.select_related("worker", "judge").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

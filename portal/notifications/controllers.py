from __future__ import annotations

from litestar import Controller


class NotificationController(Controller):
    """Placeholder until notifications land."""

    path = "/api/v1/notifications"


class DeadLetterController(Controller):
    """Placeholder until notifications land."""

    path = "/api/v1/admin/dead-letters"

"""Rate limits: after so many hits on one key within a window, the key is refused for a while."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class ThrottleRule:
    """After `max_hits` hits within `window`, refuse for `lockout`."""

    max_hits: int
    window: timedelta
    lockout: timedelta

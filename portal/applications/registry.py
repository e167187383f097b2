"""Every application type the portal accepts, by its `type` field."""

from __future__ import annotations

from portal.applications.types import TypeHandler
from portal.event_support.handlers import EventClaimHandler, EventFilingHandler
from portal.event_support.schemas import EventClaim, EventFiling

HANDLERS: dict[str, TypeHandler] = {h.type: h for h in (EventFilingHandler(), EventClaimHandler())}

# The body of POST /applications: the `type` field selects the payload.
ApplicationIn = EventFiling | EventClaim

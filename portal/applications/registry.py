"""Every application type the portal accepts, by its `type` field."""

from __future__ import annotations

from portal.applications.types import TypeHandler
from portal.event_support.handlers import EventClaimHandler, EventFilingHandler
from portal.event_support.schemas import EventClaim, EventFiling
from portal.ipo.handlers import IpoDomesticHandler, IpoOverseasHandler
from portal.ipo.schemas import IpoDomesticClaim, IpoOverseasClaim
from portal.programs.claims import ProgramClaim, ProgramClaimHandler
from portal.scenario.handlers import ScenarioProjectHandler
from portal.scenario.schemas import ScenarioProject
from portal.unveiling.handlers import UnveilingAwardHandler
from portal.unveiling.schemas import UnveilingAward

HANDLERS: dict[str, TypeHandler] = {
    h.type: h
    for h in (
        EventFilingHandler(),
        EventClaimHandler(),
        IpoDomesticHandler(),
        IpoOverseasHandler(),
        ScenarioProjectHandler(),
        UnveilingAwardHandler(),
        ProgramClaimHandler(),
    )
}

# The body of POST /applications: the `type` field selects the payload.
ApplicationIn = (
    EventFiling
    | EventClaim
    | IpoDomesticClaim
    | IpoOverseasClaim
    | ScenarioProject
    | UnveilingAward
    | ProgramClaim
)

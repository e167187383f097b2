"""Who reviews at each step of a program's review chain: the city alone, or the district where
the application belongs first (区初审) and then the city (市复核 and the decision)."""

from __future__ import annotations

from typing import Literal

from domain.errors import RuleViolation
from domain.lifecycle import Action, Status

Chain = Literal["city", "district_then_city"]

# The steps taken on a submitted application: the first review (and the experts' scores).
FIRST_REVIEW = frozenset({Action.PASS, Action.RETURN, Action.REJECT})


def district_step(chain: Chain, status: Status, action: Action) -> bool:
    """Whether this step is the district's: the first review of a district-first program."""
    return chain == "district_then_city" and status == Status.SUBMITTED and action in FIRST_REVIEW


def check_scope(chain: Chain, status: Status, action: Action, *, city_staff: bool) -> None:
    """A district's staff take the district's step and only that; the city's take the rest."""
    if district_step(chain, status, action):
        if city_staff:
            raise RuleViolation(
                "district_review_first",
                "This program is reviewed first by the district where the application belongs; "
                "the city reviews it once the district has passed it.",
                message_zh="本项目先由申请所在区初审,区初审通过后再由市级复核。",
                status=403,
            )
        return
    if not city_staff:
        raise RuleViolation(
            "city_decides",
            "This step is the city's: district staff take only a district-first program's "
            "first review.",
            message_zh="此环节由市级办理:区级人员仅负责“区初审”项目的初审。",
            status=403,
        )

"""Who reviews at each step of a program's review chain: the city alone, or the district where
the application belongs first (区初审) and then the city (市复核, the decision and every step
after it: objections, publicity, payment, recovery, follow-up)."""

from __future__ import annotations

from typing import Literal

from domain.districts import WUHAN_DISTRICTS
from domain.errors import RuleViolation
from domain.lifecycle import Action, Status

Chain = Literal["city", "district_then_city"]

# The steps taken on a submitted application: the first review (and the experts' scores).
FIRST_REVIEW = frozenset({Action.PASS, Action.RETURN, Action.REJECT})


def district_reviews(chain: Chain | str | None, district: str) -> bool:
    """Whether a district takes the first review of an application of `district` under `chain`
    (as stored; None: the city's): only on a district-first program, and only where `district`
    is one of Wuhan's districts. An organization registered at city level (420100) or outside
    Wuhan has no district whose staff could review it: the city reviews it alone."""
    return chain == "district_then_city" and district in WUHAN_DISTRICTS


def district_step(chain: Chain, status: Status, action: Action, district: str) -> bool:
    """Whether this step is the district's: the first review of a district-first program."""
    first = status == Status.SUBMITTED and action in FIRST_REVIEW
    return first and district_reviews(chain, district)


def check_city_step(*, city_staff: bool) -> None:
    """A step that is the city's whatever the chain (the decision and everything after it):
    refused to a district's staff."""
    if not city_staff:
        raise RuleViolation(
            "city_decides",
            "This step is the city's: district staff take only a district-first program's "
            "first review.",
            message_zh="此环节由市级办理:区级人员仅负责“区初审”项目的初审。",
            status=403,
        )


def check_scope(
    chain: Chain, status: Status, action: Action, district: str, *, city_staff: bool
) -> None:
    """A district's staff take the district's step and only that; the city's take the rest."""
    if district_step(chain, status, action, district):
        if city_staff:
            raise RuleViolation(
                "district_review_first",
                "This program is reviewed first by the district where the application belongs; "
                "the city reviews it once the district has passed it.",
                message_zh="本项目先由申请所在区初审,区初审通过后再由市级复核。",
                status=403,
            )
        return
    check_city_step(city_staff=city_staff)

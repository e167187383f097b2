"""Every version the migrations ship is a sound definition: the five first programs as much as
the ten others, each with the numbers of the policy."""

from __future__ import annotations

import asyncpg

from domain.definition.check import validated
from domain.definition.model import Cap, Fixed, Rate, Remaining, Stages


async def test_every_shipped_version_is_a_sound_definition(pool: asyncpg.Pool) -> None:
    rows = await pool.fetch(
        "SELECT program_code, version, params FROM program_versions ORDER BY version"
    )
    # Twice: the computing-centre match (its district reviews first), the park award and the
    # compute grant (within three consecutive years).
    assert len(rows) == 18
    found = {r["program_code"]: validated(r["params"]) for r in rows}  # the latest of each
    assert found["computing-center-match"].workflow.review_chain == "district_then_city"
    event = found["event-support"]
    assert event.type == "event_claim" and event.prior is not None
    assert event.prior.type == "event_filing" and event.prior.lapses_on == "starts_on"
    assert [type(s) for s in event.award] == [type(event.award[0]), Rate, Cap]
    assert (event.award[1].bp, event.award[2].amount) == (5000, "2000000.00")  # type: ignore[union-attr]
    domestic = found["ipo-domestic"]
    assert isinstance(domestic.award[0], Stages) and isinstance(domestic.award[1], Remaining)
    assert domestic.award[0].amounts == {
        "tutoring": "2000000.00",
        "accepted": "2000000.00",
        "listed": "4000000.00",
    }
    assert found["ipo-overseas"].award == (Fixed(amount="6000000.00"),)
    assert found["unveiling-award"].award == (Fixed(amount="1000000.00"),)
    types = await pool.fetch(
        "SELECT type, program_code, prior FROM application_types ORDER BY type"
    )
    assert {r["type"]: r["program_code"] for r in types if r["program_code"]} == {
        d.type: code for code, d in found.items() if d.layout == "flat"
    } | {"event_filing": "event-support"}

"""Article 10: listing rewards. Who qualifies, when, and what a firm has already taken."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from domain.errors import RuleViolation
from domain.programs import STAGES, IpoOverseasParams, overseas_apply_by
from domain.uscc import Uscc

DOMESTIC_EXCHANGES = ("SSE", "SZSE", "BSE")


def check_registered_in_wuhan(uscc: Uscc) -> None:
    if not uscc.registered_in_wuhan:
        raise RuleViolation(
            "not_registered_in_wuhan",
            f"The firm is registered in division {uscc.division_code}, not in Wuhan (4201xx).",
            message_zh=f"企业登记地行政区划为 {uscc.division_code},不在武汉市(4201xx)。",
        )


def check_stage_dates(
    stages: Sequence[str], stage_dates: Mapping[str, dt.date], today: dt.date
) -> list[RuleViolation]:
    """Every claimed stage needs the date of its disclosure, and none lies in the future."""
    errors = []
    for stage in STAGES:
        if stage not in stages:
            continue
        day = stage_dates.get(stage)
        if day is None:
            errors.append(
                RuleViolation(
                    "required",
                    f"Give the date the {stage} stage was reached.",
                    field=f"stage_dates.{stage}",
                    message_zh=f"请填写 {stage} 阶段的日期。",
                )
            )
        elif day > today:
            errors.append(
                RuleViolation(
                    "invalid_input",
                    f"The {stage} date is in the future.",
                    field=f"stage_dates.{stage}",
                    message_zh=f"{stage} 阶段日期晚于今天。",
                )
            )
    return errors


def check_overseas_window(params: IpoOverseasParams, listed_on: dt.date, today: dt.date) -> None:
    """Applied for once a year, from 1 January to the closing day (30 June), after listing."""
    closes = overseas_apply_by(params, today.year)
    if today > closes or listed_on > today:
        raise RuleViolation(
            "call_closed",
            f"Overseas listing rewards are applied for from 1 January to {closes:%m-%d} each year, "
            "after the listing.",
            message_zh=f"境外上市奖励每年1月1日至{closes.month}月{closes.day}日受理,且须已上市。",
        )


def recovery_due(params: IpoOverseasParams, raised_fen: int, invested_fen: int) -> bool:
    """Below the required share in Wuhan at a follow-up: the reward is flagged for recovery."""
    return invested_fen * 10_000 < raised_fen * params.min_invested_bp

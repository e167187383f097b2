"""The paired POST figure: each portal run is compared with the floor run right after it."""

from __future__ import annotations

import pytest

from bench.__main__ import paired_ratios


def test_each_portal_run_is_divided_by_the_floor_run_after_it() -> None:
    # A drifting machine: both slow down together, so the pairs agree while the medians of
    # the two series (1,200 against 1,600) would not say 75 % of the same moment.
    assert paired_ratios([1500.0, 1200.0, 900.0], [2000.0, 1600.0, 1200.0]) == [0.75] * 3


def test_a_missing_run_is_an_error_not_a_shorter_list() -> None:
    with pytest.raises(ValueError, match="shorter"):
        paired_ratios([1500.0, 1200.0], [2000.0])

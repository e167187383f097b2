"""Settings from the environment: the training clock is a sandbox's, never production's."""

from __future__ import annotations

import pytest

from sql.settings import SettingsError, load_settings

PRODUCTION = {
    "PORTAL_ENV": "production",
    "PORTAL_SECRET_KEY": "s" * 40,
    "DATABASE_URL": "postgresql://portal@db/portal",
    "REDIS_URL": "redis://cache:6379/0",
}


def test_a_training_clock_is_read_in_days() -> None:
    assert load_settings({"PORTAL_CLOCK_OFFSET_DAYS": "40"}).clock_offset_days == 40
    assert load_settings({"PORTAL_CLOCK_OFFSET_DAYS": "-7"}).clock_offset_days == -7
    assert load_settings({}).clock_offset_days == 0
    assert load_settings(PRODUCTION).clock_offset_days == 0


@pytest.mark.parametrize(
    "environ",
    [
        PRODUCTION | {"PORTAL_CLOCK_OFFSET_DAYS": "1"},
        {"PORTAL_CLOCK_OFFSET_DAYS": "3651"},
        {"PORTAL_CLOCK_OFFSET_DAYS": "next week"},
    ],
)
def test_a_training_clock_that_cannot_be_is_refused_by_name(environ: dict[str, str]) -> None:
    with pytest.raises(SettingsError, match="PORTAL_CLOCK_OFFSET_DAYS"):
        load_settings(environ)


def test_the_notices_font_folder_defaults_to_debian_s_noto_cjk() -> None:
    assert str(load_settings({}).pdf_font_dir) == "/usr/share/fonts/opentype/noto"
    chosen = load_settings({"PORTAL_PDF_FONT_DIR": "/srv/fonts"}).pdf_font_dir
    assert str(chosen) == "/srv/fonts"

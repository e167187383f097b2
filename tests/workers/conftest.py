from __future__ import annotations

import msgspec
import pytest

from sql.settings import Settings
from tests.portal.conftest import staff  # noqa: F401 - the staff factory, shared
from tests.workers.smtp_sink import SmtpSink


@pytest.fixture
def mail_settings(settings: Settings, smtp: SmtpSink) -> Settings:
    """The test settings with e-mail on, to the test SMTP server."""
    return msgspec.structs.replace(settings, smtp_url=smtp.url)

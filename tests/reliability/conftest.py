# The same real server and staff fixtures as the e2e and portal tests.
from tests.e2e.conftest import LiveServer, live_server  # noqa: F401
from tests.portal.conftest import staff  # noqa: F401

__all__ = ["LiveServer"]

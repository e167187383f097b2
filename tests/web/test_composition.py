"""The console and the applicant's pages are composed of mixins, one per part: a handler named
like one in another part would silently hide it (its route would answer 404)."""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

from portal.web.applicant_pages import ApplicantPages
from portal.web.console_pages import ConsolePages


def test_no_page_handler_hides_another() -> None:
    for composed in (ConsolePages, ApplicantPages):
        names = [
            name
            for part in composed.__mro__[1:]
            for name, value in vars(part).items()
            if isinstance(value, HTTPRouteHandler)
        ]
        assert sorted(n for n in set(names) if names.count(n) > 1) == [], composed.__name__

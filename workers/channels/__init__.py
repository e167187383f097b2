"""Delivery channels beyond the inbox: e-mail over SMTP and SMS through a gateway.

A channel raises `TransientError` for what may succeed later (the job is retried with back-off)
and `PermanentError` for what never will (the delivery becomes a dead letter at once).
"""

from __future__ import annotations


class TransientError(Exception):
    """Try again later: connection lost, timeout, a 4xx SMTP reply, a gateway 5xx."""


class PermanentError(Exception):
    """Never going to work: a 5xx SMTP reply, a malformed address, a gateway 4xx."""

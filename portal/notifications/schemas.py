from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal
from uuid import UUID

import msgspec

TopicName = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[a-z_]+\.[a-z_]+$")]
ChannelName = Literal["inbox", "email", "sms"]


class NotificationOut(msgspec.Struct):
    id: UUID
    topic: str
    title: str
    body: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    application_id: UUID | None


class NotificationPage(msgspec.Struct):
    items: list[NotificationOut]
    next_cursor: str | None
    unread: int  # for the bell: how many of all the caller's notifications are unread


class ReadAllOut(msgspec.Struct):
    read: int


class PreferenceIn(msgspec.Struct, forbid_unknown_fields=True):
    topic: TopicName
    channel: ChannelName
    enabled: bool


class PreferencesIn(msgspec.Struct, forbid_unknown_fields=True):
    items: Annotated[list[PreferenceIn], msgspec.Meta(max_length=200)]


class PreferenceOut(msgspec.Struct):
    topic: str
    channel: str
    enabled: bool
    protected: bool  # a decision on your own application: cannot be turned off


class PreferencesOut(msgspec.Struct):
    items: list[PreferenceOut]


class DeadLetterOut(msgspec.Struct):
    id: int
    outbox_id: int
    topic: str
    channel: str
    user_id: UUID | None
    user_email: str | None
    address: str | None
    attempts: int
    last_error: str | None
    created_at: dt.datetime
    failed_at: dt.datetime


class DeadLetterPage(msgspec.Struct):
    items: list[DeadLetterOut]
    next_cursor: str | None


class RetryOut(msgspec.Struct):
    id: int
    status: str

"""arq job payloads as msgpack via msgspec: never pickle, which runs code on load."""

from __future__ import annotations

from typing import Any

import msgspec

_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder()


def serialize(obj: dict[str, Any]) -> bytes:
    return _encoder.encode(obj)


def deserialize(data: bytes) -> dict[str, Any]:
    return _decoder.decode(data)  # type: ignore[no-any-return]

"""The notices' pure rules: codes, digests, and which notice an application has when."""

from __future__ import annotations

import pytest

from domain.errors import RuleViolation
from domain.lifecycle import Status
from domain.notices import (
    CODE_BYTES,
    Kind,
    check_available,
    code_from,
    digest_of,
    edition_of,
    kinds_for,
    normalize_code,
)


def test_a_code_is_four_groups_of_four_unambiguous_characters() -> None:
    code = code_from(bytes(range(CODE_BYTES)))
    assert len(code) == 19 and code.count("-") == 3
    assert not set(code) & set("ILOU")
    assert code_from(bytes(CODE_BYTES)) == "0000-0000-0000-0000"
    assert code_from(b"\xff" * CODE_BYTES) == "ZZZZ-ZZZZ-ZZZZ-ZZZZ"
    with pytest.raises(ValueError, match="random bytes"):
        code_from(b"short")


def test_a_code_is_read_back_however_it_was_typed() -> None:
    code = code_from(bytes(range(10, 10 + CODE_BYTES)))
    assert normalize_code(code.lower().replace("-", " ")) == code
    assert normalize_code("abcd efgh jkmn pq0o") == "ABCD-EFGH-JKMN-PQ00"  # O read as 0
    assert normalize_code("ilil-1111-2222-3333") == "1111-1111-2222-3333"
    for wrong in ("", "ABCD-EFGH", "ABCD-EFGH-JKMN-PQRSX", "ABCD-EFGH-JKMN-PQR!", "A" * 500):
        assert normalize_code(wrong) is None, wrong


def test_the_digest_does_not_depend_on_key_order_but_on_every_fact() -> None:
    facts = {"reference": "WHAI-EV-2026-0001", "org": {"name": "武汉", "uscc": "9142"}, "n": 1}
    same = {"n": 1, "org": {"uscc": "9142", "name": "武汉"}, "reference": "WHAI-EV-2026-0001"}
    assert digest_of(facts) == digest_of(same)
    assert len(digest_of(facts)) == 64
    assert digest_of(facts) != digest_of(facts | {"n": 2})


@pytest.mark.parametrize(
    ("kind", "prior", "status", "outcome"),
    [
        (Kind.FILING, True, Status.RECOGNIZED, None),
        (Kind.FILING, True, Status.REVIEWED, 409),
        (Kind.FILING, False, Status.APPROVED, 404),
        (Kind.DECISION, False, Status.APPROVED, None),
        (Kind.DECISION, False, Status.DISBURSED, None),
        (Kind.DECISION, False, Status.SUBMITTED, 409),
        (Kind.DECISION, True, Status.RECOGNIZED, 404),
        (Kind.PAYMENT, False, Status.CONFIRMED, 409),
        (Kind.PAYMENT, False, Status.DISBURSED, None),
        (Kind.PUBLICITY, False, Status.PUBLICIZED, 404),
    ],
)
def test_which_notice_an_application_has_and_when(
    kind: Kind, prior: bool, status: Status, outcome: int | None
) -> None:
    if outcome is None:
        check_available(kind, prior, status)
        assert kind in kinds_for(status)
        return
    with pytest.raises(RuleViolation) as refused:
        check_available(kind, prior, status)
    assert refused.value.status == outcome
    assert refused.value.code == ("notice_not_available" if outcome == 409 else "not_found")


def test_each_upheld_objection_makes_the_next_approval_a_new_decision() -> None:
    history = ["submit", "approve", "publicize", "uphold_objection", "approve"]
    assert edition_of(Kind.DECISION, history) == 2
    assert edition_of(Kind.PAYMENT, history) == 1
    assert kinds_for(Status.DISBURSED) == [Kind.DECISION, Kind.PAYMENT]

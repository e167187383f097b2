"""A program as data: the document a policy officer writes, versions and publishes.

It holds the form an applicant fills, the documents they attach, the eligibility rules the portal
checks, the award rule as a chain of steps (each one line of the award's explanation), and the
workflow options drawn from what the engine does. Amounts are yuan as text, as on the wire;
`domain.definition.check` validates a document before it is saved.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Name = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Code = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]{1,40}$")]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
Help = Annotated[str, msgspec.Meta(max_length=1000, pattern=r"^[^\x00]*$")]
Yuan = Annotated[str, msgspec.Meta(max_length=32)]
OptionValue = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
FieldKind = Literal["text", "long_text", "money", "integer", "date", "choice", "boolean", "lines"]

# A field that the award or a rule reads: its value is money, or a count.
AMOUNT_KINDS = frozenset({"money", "lines"})


class _Part(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    pass


class Option(_Part):
    value: OptionValue
    label_zh: Label
    label_en: Label


class Field(_Part):
    """One input of the form. `min`/`max`: a text's length or an integer's value; `min_amount`
    and `max_amount`: a money field's bounds; `options`: a choice's values, or a lines field's
    categories."""

    name: Name
    kind: FieldKind
    label_zh: Label
    label_en: Label
    required: bool = False
    min: int | None = None
    max: int | None = None
    min_amount: Yuan | None = None
    max_amount: Yuan | None = None
    options: tuple[Option, ...] = ()
    help_zh: Help = ""
    help_en: Help = ""


class DocumentRequirement(_Part):
    kind: Name
    label_zh: Label
    label_en: Label
    required: bool = True


# --------------------------------------------------------------------------- eligibility


class RegisteredInWuhan(_Part, tag="registered_in_wuhan", tag_field="rule"):
    """The organization's USCC names a Wuhan division (4201xx)."""


class WithinCall(_Part, tag="within_call", tag_field="rule"):
    """Submitted while this year's call of the program is open."""


class AtMost(_Part, tag="at_most", tag_field="rule"):
    """At most `times` live applications per organization, or per value of a field (a model,
    a park, a task: the same thing whoever applies)."""

    times: Annotated[int, msgspec.Meta(ge=1, le=100)] = 1
    per: Literal["organization"] | Name = "organization"


class NotCombinableWith(_Part, tag="not_combinable_with", tag_field="rule"):
    """Not for an organization with a live application in any of these programs."""

    programs: Annotated[tuple[Code, ...], msgspec.Meta(min_length=1, max_length=20)]


class Minimum(_Part, tag="minimum", tag_field="rule"):
    field: Name
    amount: Yuan


class Maximum(_Part, tag="maximum", tag_field="rule"):
    field: Name
    amount: Yuan


Predicate = RegisteredInWuhan | WithinCall | AtMost | NotCombinableWith | Minimum | Maximum

# --------------------------------------------------------------------------- the award


class Input(_Part, tag="input", tag_field="op"):
    """The amount the next steps work on: a money field, or a lines field's total."""

    field: Name


class Rate(_Part, tag="rate", tag_field="op"):
    """That share of the amount, truncated to the fen (10000 = 100 %)."""

    bp: int


class Cap(_Part, tag="cap", tag_field="op"):
    """At most this much."""

    amount: Yuan


class Fixed(_Part, tag="fixed", tag_field="op"):
    """This much, whatever came before."""

    amount: Yuan


class Within(_Part, tag="within", tag_field="op"):
    """An amount asked for: refused under `min` (below_minimum), paid at most `max`."""

    min: Yuan | None = None
    max: Yuan | None = None


class Remaining(_Part, tag="remaining", tag_field="op"):
    """At most what is left of `total` once what was already paid is taken off (across stages
    or years); nothing left is cap_reached."""

    total: Yuan


class Share(_Part):
    funder: Literal["province", "city", "district"]
    bp: int


class Split(_Part, tag="split", tag_field="op"):
    """Who pays the award: shares that add up to 100 %."""

    shares: Annotated[tuple[Share, ...], msgspec.Meta(min_length=2, max_length=3)]


Step = Input | Rate | Cap | Fixed | Within | Remaining | Split


class Workflow(_Part):
    """What the engine does with an application of this program besides the common path."""

    experts: Annotated[int, msgspec.Meta(ge=0, le=9)] = 0  # scores required before a pass
    publicity: bool = True  # announced (公示) before payment
    proposal: bool = False  # staff may propose it to a firm (免申即享)
    yearly_call: bool = False  # applied for in a yearly call (see WithinCall)


class Definition(_Part):
    """A program version's whole rule: what is asked, what is checked, what is paid."""

    fields: Annotated[tuple[Field, ...], msgspec.Meta(max_length=60)]
    award: Annotated[tuple[Step, ...], msgspec.Meta(min_length=1, max_length=20)]
    documents: Annotated[tuple[DocumentRequirement, ...], msgspec.Meta(max_length=30)] = ()
    eligibility: Annotated[tuple[Predicate, ...], msgspec.Meta(max_length=20)] = ()
    estimate_inputs: Annotated[tuple[Name, ...], msgspec.Meta(max_length=10)] = ()
    title_field: Name | None = None  # names the thing applied for (its title, 不重复享受)
    workflow: Workflow = msgspec.field(default_factory=Workflow)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def lines_field(self) -> Field | None:
        return next((f for f in self.fields if f.kind == "lines"), None)


ALREADY_PAID = "already_paid"  # the estimate's input for what a Remaining step takes off

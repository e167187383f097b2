"""A program as data: the document a policy officer writes, versions and publishes.

It holds the form an applicant fills, the documents they attach, the eligibility rules the portal
checks, the award rule as a chain of steps (each one line of the award's explanation), and the
workflow options drawn from what the engine does. A program may also ask for an earlier
application that its claims point to (an event's filing, recognized before the event).
Amounts are yuan as text, as on the wire; `domain.definition.check` validates a document
before it is saved.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

Name = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Code = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9-]{1,40}$")]
RuleCode = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{1,40}$")]
TypeName = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{1,40}$")]
Label = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
Help = Annotated[str, msgspec.Meta(max_length=1000, pattern=r"^[^\x00]*$")]
Template = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
Pattern = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Yuan = Annotated[str, msgspec.Meta(max_length=32)]
MonthDay = Annotated[str, msgspec.Meta(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
OptionValue = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")]
FieldKind = Literal[
    "text",
    "long_text",
    "money",
    "integer",
    "date",
    "choice",
    "choices",
    "boolean",
    "lines",
    "text_list",
    "dates",
    "reference",
]

# A field that the award or a rule reads: its value is money, or a count.
AMOUNT_KINDS = frozenset({"money", "lines"})


class _Part(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    pass


class Option(_Part):
    value: OptionValue
    label_zh: Label
    label_en: Label


class Field(_Part):
    """One input of the form.

    `min`/`max`: a text's length, an integer's value, or how many items a list holds;
    `min_amount`/`max_amount`: a money field's bounds; `options`: a choice's values, or a lines
    field's categories; `pattern`: what a text (or each item of a text list) looks like.
    `refused_code`: a choice value outside the options is kept in a draft and refused at
    submit with this code; a reference that is not a recognized earlier application of the
    organization is refused with it. `of`: the choices field a dates field dates, or the type
    of the earlier application a reference points to. A lines field lists `invoices` per line
    when asked; its `line_kind` says what the lines are (budget lines are planned, not
    approved line by line)."""

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
    pattern: Pattern | None = None
    refused_code: RuleCode | None = None
    of: Name | None = None
    invoices: bool = False
    line_kind: Literal["budget", "expense", "investment"] = "expense"
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
    """Submitted while a yearly call of the program is open: this year's, or the year given in
    `year_field`."""

    year_field: Name | None = None


class AtMost(_Part, tag="at_most", tag_field="rule"):
    """At most `times` live applications per organization, or per value of a field (a model,
    a park, a task): counted among everyone's applications, or only the organization's. With
    `years`, only those submitted in the application's calendar year and the `years` - 1 before
    (1: once a year when `times` is 1)."""

    times: Annotated[int, msgspec.Meta(ge=1, le=100)] = 1
    per: Literal["organization"] | Name = "organization"
    among: Literal["everyone", "organization"] = "everyone"
    years: int | None = None
    code: RuleCode = "limit_reached"


class WithinYears(_Part, tag="within_years", tag_field="rule"):
    """Every live application for one thing (per organization, or per value of a field) is
    submitted within `years` consecutive calendar years, counted from the first one's."""

    years: int
    per: Literal["organization"] | Name = "organization"
    among: Literal["everyone", "organization"] = "everyone"
    code: RuleCode = "years_passed"


class NotCombinableWith(_Part, tag="not_combinable_with", tag_field="rule"):
    """Not for an organization with a live application in any of these programs."""

    programs: Annotated[tuple[Code, ...], msgspec.Meta(min_length=1, max_length=20)]


class Minimum(_Part, tag="minimum", tag_field="rule"):
    field: Name
    amount: Yuan


class Maximum(_Part, tag="maximum", tag_field="rule"):
    field: Name
    amount: Yuan


class Deadline(_Part, tag="deadline", tag_field="rule"):
    """Submitted at least `days` calendar days before the date in `field` (a filing before
    its event)."""

    field: Name
    days: Annotated[int, msgspec.Meta(ge=0, le=3650)]
    code: RuleCode = "too_late"


class InPolicy(_Part, tag="in_policy", tag_field="rule"):
    """The date in `field` falls within the version's window (an event held while the policy
    is in effect)."""

    field: Name
    code: RuleCode = "policy_not_in_effect"


class Ordered(_Part, tag="ordered", tag_field="rule"):
    """The date in `then` is not before the date in `first`."""

    first: Name
    then: Name


class NotInFuture(_Part, tag="not_in_future", tag_field="rule"):
    """The date in `field` (or each date of a dates field) is not after the day of submission."""

    field: Name


class SumEquals(_Part, tag="sum_equals", tag_field="rule"):
    """The money in `field` is what the lines in `lines` add up to."""

    field: Name
    lines: Name
    code: RuleCode = "sum_mismatch"


class ShareAtLeast(_Part, tag="share_at_least", tag_field="rule"):
    """`part` is at least `bp` of `whole` (both money; `part` never above `whole`)."""

    part: Name
    whole: Name
    bp: int
    code: RuleCode = "share_too_low"


class ListedExchange(_Part, tag="listed_exchange", tag_field="rule"):
    """The exchange code in `field` is an eligible exchange of the market on the date in `on`
    (the exchanges table admins keep)."""

    field: Name
    on: Name
    market: Literal["domestic", "overseas"] = "overseas"
    code: RuleCode = "exchange_not_eligible"


class YearlyWindow(_Part, tag="yearly_window", tag_field="rule"):
    """Applied for from 1 January to `closes` (MM-DD) each year, and only after the date in
    `after` (a listing)."""

    closes: MonthDay
    after: Name | None = None
    code: RuleCode = "call_closed"


class LinkWindow(_Part, tag="link_window", tag_field="rule"):
    """Submitted from `from_days` to `to_days` calendar days after the date in `field` of the
    earlier application the claim points to (claimed after the event ends)."""

    field: Name
    to_days: Annotated[int, msgspec.Meta(ge=0, le=3650)]
    from_days: Annotated[int, msgspec.Meta(ge=0, le=3650)] = 1
    code: RuleCode = "window_closed"


Predicate = (
    RegisteredInWuhan
    | WithinCall
    | AtMost
    | WithinYears
    | NotCombinableWith
    | Minimum
    | Maximum
    | Deadline
    | InPolicy
    | Ordered
    | NotInFuture
    | SumEquals
    | ShareAtLeast
    | ListedExchange
    | YearlyWindow
    | LinkWindow
)
# Rules of the calendar: they bound submission, not the decision made later.
TIME_BOUND = (WithinCall, Deadline, YearlyWindow, LinkWindow, NotInFuture)

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


class Stages(_Part, tag="stages", tag_field="op"):
    """The amounts of the stages chosen in a choices field, each paid once to an organization
    (a stage it was already paid is `stage_already_paid`)."""

    field: Name
    amounts: dict[OptionValue, Yuan]


class Share(_Part):
    funder: Literal["province", "city", "district"]
    bp: int


class Split(_Part, tag="split", tag_field="op"):
    """Who pays the award: shares that add up to 100 %."""

    shares: Annotated[tuple[Share, ...], msgspec.Meta(min_length=2, max_length=3)]


Step = Input | Rate | Cap | Fixed | Within | Remaining | Stages | Split


class EstimateInput(_Part):
    """A calculator input named otherwise than the field it stands for (`eligible_costs` for
    the expense lines' total)."""

    name: Name
    field: Name


class FollowUp(_Part):
    """After payment, yearly follow-ups report `part` and `whole`; below `bp`, the award is
    flagged for recovery."""

    part: Name
    whole: Name
    bp: int


class Workflow(_Part):
    """What the engine does with an application of this program besides the common path."""

    experts: Annotated[int, msgspec.Meta(ge=0, le=9)] = 0  # scores required before a pass
    publicity: bool = True  # announced (公示) before payment
    proposal: bool = False  # staff may propose it to a firm (免申即享)
    yearly_call: bool = False  # applied for in a yearly call (see WithinCall)
    follow_up: FollowUp | None = None
    # Who reviews: the city alone, or the application's district first, then the city.
    review_chain: Literal["city", "district_then_city"] = "city"


class Prior(_Part):
    """An earlier application the program's claims point to: filed and recognized (not paid)
    before the claim. `lapses_on`: a date field; unrecognized by that day the application
    lapses, and recognition from that day on is refused."""

    type: TypeName
    fields: Annotated[tuple[Field, ...], msgspec.Meta(max_length=60)]
    documents: Annotated[tuple[DocumentRequirement, ...], msgspec.Meta(max_length=30)] = ()
    eligibility: Annotated[tuple[Predicate, ...], msgspec.Meta(max_length=20)] = ()
    title_field: Name | None = None
    lapses_on: Name | None = None

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def lines_field(self) -> Field | None:
        return next((f for f in self.fields if f.kind == "lines"), None)


class Definition(_Part):
    """A program version's whole rule: what is asked, what is checked, what is paid.

    `type` is the API's type of the program's claims, and `layout` their shape on the wire:
    `nested` (`{program_code, fields: {...}}`, every program defined in the console) or `flat`
    (the fields beside `type`, as the first programs' claims have them). `title` names an
    application from its fields (`{exchange} {stock_code}`, `{prior.title}`); otherwise the
    `title_field` does, which is also what makes two applications the same thing."""

    fields: Annotated[tuple[Field, ...], msgspec.Meta(max_length=60)]
    award: Annotated[tuple[Step, ...], msgspec.Meta(min_length=1, max_length=20)]
    documents: Annotated[tuple[DocumentRequirement, ...], msgspec.Meta(max_length=30)] = ()
    eligibility: Annotated[tuple[Predicate, ...], msgspec.Meta(max_length=20)] = ()
    estimate_inputs: Annotated[tuple[Name | EstimateInput, ...], msgspec.Meta(max_length=10)] = ()
    title_field: Name | None = None  # names the thing applied for (its title, 不重复享受)
    title: Template | None = None
    type: TypeName = "program_claim"
    layout: Literal["nested", "flat"] = "nested"
    prior: Prior | None = None
    workflow: Workflow = msgspec.field(default_factory=Workflow)
    # The service-level limit of the review and approval stages (none: the portal's default).
    review_sla_working_days: Annotated[int, msgspec.Meta(ge=1, le=60)] | None = None

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def lines_field(self) -> Field | None:
        return next((f for f in self.fields if f.kind == "lines"), None)

    def estimate_names(self) -> dict[str, str]:
        """The calculator's inputs: {input name: the field it stands for}."""
        return {
            x.name if isinstance(x, EstimateInput) else x: (
                x.field if isinstance(x, EstimateInput) else x
            )
            for x in self.estimate_inputs
        }


Form = Definition | Prior  # what an application is filled in on: a claim's form, or the prior's

ALREADY_PAID = "already_paid"  # the estimate's input for what a Remaining step takes off

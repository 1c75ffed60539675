"""Schema of what the screen reads: the distress reply, crisis categories, rules and the safety file."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from bot.content_schema import Card, Situation, _Strict


class DistressKind(_Strict):
    id: str
    validation: str = Field(min_length=10, max_length=300)
    card: str


class DistressCard(_Strict):
    id: str
    title: str = Field(min_length=3, max_length=60)
    lines: tuple[str, ...] = Field(min_length=3, max_length=6)


class DistressContent(_Strict):
    """The warm reply to a parent in distress (format: content/safety/README-format.md)."""

    kinds: tuple[DistressKind, ...] = Field(min_length=1)
    cards: tuple[DistressCard, ...] = Field(min_length=2)
    support: str = Field(min_length=10, max_length=400)

    @model_validator(mode="after")
    def _links(self) -> DistressContent:
        cards = {c.id for c in self.cards}
        if not {"calm", "repair"} <= cards:
            raise ValueError("distress cards need at least the ids 'calm' and 'repair'")
        if "default" not in {k.id for k in self.kinds}:
            raise ValueError("distress kinds need a 'default'")
        for k in self.kinds:
            if k.card not in cards:
                raise ValueError(f"distress kind {k.id!r} names unknown card {k.card!r}")
        return self

    def kind(self, kind_id: str) -> DistressKind:
        return next((k for k in self.kinds if k.id == kind_id), next(k for k in self.kinds if k.id == "default"))

    def card(self, card_id: str) -> DistressCard:
        return next(c for c in self.cards if c.id == card_id)


class CardsFile(_Strict):
    lexicon: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    situations: tuple[Situation, ...] = ()
    cards: tuple[Card, ...] = ()
    distress: DistressContent | None = None


CRISIS_CATEGORIES = (
    "ideation",
    "self_harm",
    "means",
    "fear_of_harming_child",
    "violence",
    "sexual_abuse",
    "neglect",
    "medical",
)


class ScreenRule(_Strict):
    all: tuple[str, ...] = Field(min_length=1)
    within: int | None = Field(default=None, ge=1, le=40)
    ordered: bool = False
    negation: Literal["block", "ignore"] = "block"
    negation_reach: int | None = Field(default=None, ge=0, le=10)
    unless: tuple[str, ...] = ()


class StrongRule(_Strict):
    """A rule of the strong-signal tier: no `unless`, no idiom cut, no negation option (only a negator standing
    just before one of its words, in the same clause, cancels it)."""

    all: tuple[str, ...] = Field(min_length=1)
    within: int | None = Field(default=None, ge=1, le=40)
    ordered: bool = False


class ScreenCategory(_Strict):
    id: str
    label: str
    covers: str = Field(min_length=10)
    phrases: tuple[str, ...] = ()
    rules: tuple[ScreenRule, ...] = ()
    # Explicit forms that nothing but a tight, local negation can veto (a word pattern or a rule).
    strong: tuple[str | StrongRule, ...] = ()

    @model_validator(mode="after")
    def _something(self) -> ScreenCategory:
        if not self.phrases and not self.rules and not self.strong:
            raise ValueError(f"category {self.id!r} has neither phrases nor rules")
        return self


class SafetyFile(_Strict):
    """Lexicons and rules of the screen for one locale (format: content/safety/README-format.md)."""

    language: str = Field(min_length=2, max_length=8)
    window: int = Field(default=8, ge=2, le=40)
    negation_reach: int = Field(default=3, ge=0, le=10)
    # Strong signals: how many words a negator may stand before one, all of them words of the class
    # `negation_bridge` ("would", "ever", "going to"), in the same clause.
    strong_negation_reach: int = Field(default=3, ge=0, le=10)
    # `unless`: how many words either side of a rule's match (within its sentence) an excluding class is
    # looked for; 0 means the whole sentence.
    unless_reach: int = Field(default=0, ge=0, le=40)
    about_child: tuple[str, ...] = Field(min_length=1)
    contractions: dict[str, str] = Field(default_factory=dict)
    inflections: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    clause_words: tuple[str, ...] = ()
    fold_accents: bool = False  # match "suicidio" and "suicídio", "mas" and "más" alike
    clitics: tuple[str, ...] = ()  # pronouns glued to verbs ("matarme"), read as words of their own too
    clitic_hosts: tuple[str, ...] = ()  # verb endings a clitic may follow when the lemmatiser misses it ("dar")
    rules_within_sentence: bool = False  # a rule's words must all stand in one sentence
    lexicon: dict[str, tuple[str, ...]] = Field(min_length=1)
    idioms: tuple[str, ...] = ()
    categories: tuple[ScreenCategory, ...] = Field(min_length=1)
    distress: tuple[ScreenCategory, ...] = ()
    resources: str = Field(min_length=20, max_length=3000)
    fear_step: str = Field(min_length=20, max_length=600)

    @model_validator(mode="after")
    def _ids(self) -> SafetyFile:
        unknown = [c.id for c in self.categories if c.id not in CRISIS_CATEGORIES]
        if unknown:
            raise ValueError(f"unknown crisis categories {unknown}; allowed: {list(CRISIS_CATEGORIES)}")
        ids = [c.id for c in self.categories + self.distress]
        if len(set(ids)) != len(ids):
            raise ValueError("a category id is used twice")
        return self

"""Content schema: bands, prompts, help cards and situations, as pydantic models with their checks."""

from __future__ import annotations

import itertools
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

# Telegram's limits; the rendered prompt must fit a text message with room for a header.
TELEGRAM_TEXT_LIMIT = 4096
TELEGRAM_CALLBACK_LIMIT = 64

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{2,63}$")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
ALLOWED_PLACEHOLDERS = frozenset({"child", "Child"})


class Skill(StrEnum):
    notice = "notice"
    connect = "connect"
    validate = "validate"
    name = "name"
    limits = "limits"
    perspective = "perspective"
    reflection = "reflection"
    repair = "repair"
    calm = "calm"


SKILL_LABELS: dict[Skill, str] = {
    Skill.notice: "Noticing feelings",
    Skill.connect: "Connecting",
    Skill.validate: "Listening and validating",
    Skill.name: "Naming feelings",
    Skill.limits: "Limits and problem-solving",
    Skill.perspective: "Perspective taking",
    Skill.reflection: "Reflection",
    Skill.repair: "Repair after conflict",
    Skill.calm: "Your own calm",
}


class Empathy(StrEnum):
    """The kind of empathy a prompt practises: the three kinds the project's source essays describe."""

    cognitive = "cognitive"  # seeing another's view
    affective = "affective"  # feeling with someone
    compassionate = "compassionate"  # acting to help


EMPATHY_LABELS: dict[Empathy, str] = {
    Empathy.cognitive: "seeing another's view",
    Empathy.affective: "feeling with someone",
    Empathy.compassionate: "acting to help",
}


class Anchor(StrEnum):
    meal = "meal"
    car = "car"
    bath = "bath"
    bedtime = "bedtime"
    walk = "walk"
    play = "play"
    screen = "screen"
    morning = "morning"
    pickup = "pickup"
    chores = "chores"
    reading = "reading"
    anytime = "anytime"


# Situation tags, all of them help-card situations; the first nine are the original ones (prompts use them).
SITUATIONS = (
    "tantrum",
    "hitting",
    "siblings",
    "night_fear",
    "school",
    "screens",
    "door_silence",
    "friendship",
    "disappointment",
    "biting",
    "sibling_jealousy",
    "bedtime",
    "fears",
    "separation",
    "school_refusal",
    "homework",
    "phone_night",
    "friendship_loss",
    "lying",
    "grief",
    "parent_anger",
    "defiance",
    "mealtime",
    "big_change",
)
TAGS = frozenset(
    SITUATIONS
    + (
        "transitions",
        "sharing",
        "fear",
        "anger",
        "sadness",
        "worry",
        "jealousy",
        "frustration",
        "joy",
        "pride",
        "embarrassment",
        "peer_pressure",
        "online",
        "independence",
        "everyday",
        "stress",
        "conflict",
        "kindness",
    )
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Minimums(_Strict):
    """What the checker enforces for a band, counted over its scheduled prompts (content/README.md)."""

    scheduled: int = Field(default=1, ge=1)
    per_age: int = Field(default=1, ge=1)
    per_skill: int = Field(default=1, ge=1)
    calm_repair: int = Field(default=0, ge=0)
    strategy_share: float = Field(default=0.0, ge=0.0, le=1.0)
    age_ranged_share: float = Field(default=0.0, ge=0.0, le=1.0)


class Band(_Strict):
    id: str
    name: str
    min_years: int = Field(ge=0, le=25)
    max_years: int = Field(ge=0, le=25)
    focus: str
    strategy: str | None = None  # the band's own strategy; prompts using it carry `strategy: true`
    minimums: Minimums = Minimums()
    core_skills: tuple[Skill, ...] = ()

    @model_validator(mode="after")
    def _range(self) -> Band:
        if self.max_years < self.min_years:
            raise ValueError("max_years is below min_years")
        return self

    @property
    def min_months(self) -> int:
        return self.min_years * 12

    @property
    def max_months(self) -> int:
        """The last month of age in the band: a child of max_years and 11 months still belongs to it."""
        return self.max_years * 12 + 11


class BandsFile(_Strict):
    bands: tuple[Band, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _no_overlap(self) -> BandsFile:
        ordered = sorted(self.bands, key=lambda b: b.min_years)
        for a, b in itertools.pairwise(ordered):
            if b.min_years <= a.max_years:
                raise ValueError(f"bands {a.id!r} and {b.id!r} overlap")
        ids = [b.id for b in self.bands]
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate band id")
        return self


class Prompt(_Strict):
    id: str
    band: str
    skill: Skill
    title: str = Field(min_length=3, max_length=60)
    do: str = Field(min_length=10, max_length=350)
    say: str = Field(min_length=3, max_length=220)
    why: str = Field(min_length=10, max_length=320)
    empathy: Empathy
    reflect: str = Field(min_length=5, max_length=200)
    minutes: int = Field(ge=1, le=10)
    anchor: Anchor
    tags: tuple[str, ...] = Field(min_length=1)
    level: int = Field(default=1, ge=1, le=3)  # 1 easier .. 3 harder; sequencing in bot.domain.picking
    min_age: int | None = Field(default=None, ge=0, le=300)  # months
    max_age: int | None = Field(default=None, ge=0, le=300)
    strategy: bool = False  # uses the band's own strategy (bands.yaml)
    situation: str | None = None  # set: offered in the moment for that situation, never on the timer

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError("id must be 3-64 chars of lowercase letters, digits and dashes")
        return v

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [t for t in v if t not in TAGS]
        if unknown:
            raise ValueError(f"unknown tags {unknown}; allowed: {sorted(TAGS)}")
        return v

    @field_validator("situation")
    @classmethod
    def _situation(cls, v: str | None) -> str | None:
        if v is not None and v not in SITUATIONS:
            raise ValueError(f"unknown situation {v!r}; allowed: {list(SITUATIONS)}")
        return v

    @model_validator(mode="after")
    def _ages(self) -> Prompt:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise ValueError(f"min_age {self.min_age} is above max_age {self.max_age}")
        return self

    @property
    def kind(self) -> str:
        return "situation" if self.situation else "scheduled"

    @property
    def age_ranged(self) -> bool:
        return self.min_age is not None or self.max_age is not None

    def fits_age(self, months: int) -> bool:
        return (self.min_age is None or months >= self.min_age) and (self.max_age is None or months <= self.max_age)

    def text_fields(self) -> dict[str, str]:
        return {
            "title": self.title,
            "do": self.do,
            "say": self.say,
            "why": self.why,
            "reflect": self.reflect,
        }


class PromptFile(_Strict):
    band: str
    prompts: tuple[dict[str, Any], ...] = Field(min_length=1)


class Card(_Strict):
    situation: str
    band: str
    lines: tuple[str, ...] = Field(min_length=4, max_length=6)

    @field_validator("lines")
    @classmethod
    def _short(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for line in v:
            if len(line) > 200:
                raise ValueError(f"card line over 200 characters: {line[:40]!r}...")
        return v


class Situation(_Strict):
    id: str
    title: str
    # A plain pattern scores 3 (enough alone); ``{pattern: weight}`` gives a weaker or stronger clue.
    keywords: tuple[str | dict[str, int], ...] = Field(min_length=1)

    def weighted(self) -> list[tuple[str, int]]:
        out: list[tuple[str, int]] = []
        for k in self.keywords:
            out.extend([(k, 3)] if isinstance(k, str) else list(k.items()))
        return out

    @field_validator("id")
    @classmethod
    def _known(cls, v: str) -> str:
        if v not in SITUATIONS:
            raise ValueError(f"unknown situation {v!r}; allowed: {list(SITUATIONS)}")
        return v

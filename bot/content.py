"""Content models and loader: bands, prompts, help cards and safety lists.

Everything in ``content/`` is validated here, at start-up and by ``python -m bot content check``.
Errors carry the file, the prompt id and what is wrong, so an author can fix them without reading code.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

if TYPE_CHECKING:
    from bot.domain.screen import Screener

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


class ScreenCategory(_Strict):
    id: str
    label: str
    covers: str = Field(min_length=10)
    phrases: tuple[str, ...] = ()
    rules: tuple[ScreenRule, ...] = ()

    @model_validator(mode="after")
    def _something(self) -> ScreenCategory:
        if not self.phrases and not self.rules:
            raise ValueError(f"category {self.id!r} has neither phrases nor rules")
        return self


class SafetyFile(_Strict):
    """Lexicons and rules of the screen for one locale (format: content/safety/README-format.md)."""

    language: str = Field(min_length=2, max_length=8)
    window: int = Field(default=8, ge=2, le=40)
    negation_reach: int = Field(default=3, ge=0, le=10)
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


@dataclass(frozen=True)
class ContentError:
    file: str
    prompt_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}" + (f" [{self.prompt_id}]" if self.prompt_id else "")
        return f"{where}: {self.message}"


class ContentInvalid(Exception):
    def __init__(self, errors: list[ContentError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


@dataclass
class Library:
    """All validated content for one deployment."""

    bands: tuple[Band, ...]
    prompts: dict[str, Prompt]  # by id
    by_band: dict[str, list[Prompt]]  # library order within each band
    situations: dict[str, Situation] = field(default_factory=dict)
    cards: dict[tuple[str, str], Card] = field(default_factory=dict)  # (situation, band)
    safety: SafetyFile | None = None
    situation_lexicon: dict[str, tuple[str, ...]] = field(default_factory=dict)
    distress: DistressContent | None = None
    screener: Screener | None = None  # compiled from safety + situations at load
    locale: str = "en"

    def band(self, band_id: str) -> Band:
        for b in self.bands:
            if b.id == band_id:
                return b
        raise KeyError(band_id)

    def scheduled(self, band_id: str) -> list[Prompt]:
        """The band's prompts that may go on the timer, in library order."""
        return [p for p in self.by_band.get(band_id, []) if p.situation is None]

    def for_situation(self, band_id: str, situation: str) -> list[Prompt]:
        """The band's situation prompts for one situation, in library order."""
        return [p for p in self.by_band.get(band_id, []) if p.situation == situation]


FALLBACK_NAMES = {"teen": "your teen"}


def render_placeholders(text: str, nickname: str | None, band: str | None = None) -> str:
    """Fill the child placeholders; without a nickname they read 'your child' (or 'your teen')."""
    name = nickname.strip() if nickname and nickname.strip() else None
    fallback = FALLBACK_NAMES.get(band or "", "your child")
    return text.replace("{child}", name or fallback).replace("{Child}", name or fallback[:1].upper() + fallback[1:])


def _fmt_validation(err: ValidationError) -> list[str]:
    out = []
    for e in err.errors():
        loc = ".".join(str(p) for p in e["loc"]) or "(file)"
        out.append(f"{loc}: {e['msg']}")
    return out


def _read_yaml(path: Path, root: Path, errors: list[ContentError]) -> Any:
    rel = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    try:
        with path.open(encoding="utf-8") as fh:
            # The C parser when PyYAML has it: the same safe loading, several times faster.
            return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except FileNotFoundError:
        errors.append(ContentError(rel, None, "file is missing"))
    except yaml.YAMLError as exc:
        errors.append(ContentError(rel, None, f"not valid YAML: {exc}"))
    except UnicodeDecodeError as exc:
        errors.append(ContentError(rel, None, f"is not UTF-8 text (bad byte at {exc.start}); save it as UTF-8"))
    return None


def _merge_safety(base: dict[str, Any], extra: dict[str, Any]) -> None:
    """Adds an extra safety file to the main one: word classes and idioms are joined, and a category's
    phrases and rules are appended to the category of the same id (a new id is added as it is)."""
    lexicon = base.setdefault("lexicon", {})
    for name, entries in (extra.get("lexicon") or {}).items():
        lexicon[name] = [*(lexicon.get(name) or []), *entries]
    base["idioms"] = [*(base.get("idioms") or []), *(extra.get("idioms") or [])]
    for key in ("categories", "distress"):
        mine = base.setdefault(key, [])
        by_id = {c.get("id"): c for c in mine if isinstance(c, dict)}
        for cat in extra.get(key) or []:
            target = by_id.get(cat.get("id"))
            if target is None:
                mine.append(cat)
                continue
            for field_name in ("phrases", "rules"):
                target[field_name] = [*(target.get(field_name) or []), *(cat.get(field_name) or [])]


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)


def _check_placeholders(prompt_id: str | None, rel: str, texts: Iterable[str], errors: list[ContentError]) -> None:
    for text in texts:
        for ph in PLACEHOLDER_RE.findall(text):
            if ph not in ALLOWED_PLACEHOLDERS:
                errors.append(ContentError(rel, prompt_id, f"unknown placeholder {{{ph}}}; use {{child}}"))
        if "TODO" in text or "TBD" in text or "XXX" in text:
            errors.append(ContentError(rel, prompt_id, "contains a TODO marker"))
        stripped = PLACEHOLDER_RE.sub("", text)
        if "{" in stripped or "}" in stripped:
            errors.append(ContentError(rel, prompt_id, "unbalanced brace; placeholders look like {child}"))


def load_prompts(
    root: Path, locale: str, bands: tuple[Band, ...], errors: list[ContentError]
) -> tuple[dict[str, Prompt], dict[str, list[Prompt]]]:
    """One locale's prompt files: prompts by id, and each band's prompts in library order."""
    band_ids = {b.id for b in bands}
    band_of = {b.id: b for b in bands}
    prompts: dict[str, Prompt] = {}
    by_band: dict[str, list[Prompt]] = {b.id: [] for b in bands}
    prompt_dir = root / "prompts" / locale
    files = sorted(prompt_dir.glob("*.yaml")) if prompt_dir.is_dir() else []
    if not files:
        errors.append(ContentError(_rel(prompt_dir, root), None, "no prompt files found"))
    for path in files:
        rel = _rel(path, root)
        raw = _read_yaml(path, root, errors)
        if raw is None:
            continue
        try:
            pf = PromptFile.model_validate(raw)
        except ValidationError as exc:
            errors.extend(ContentError(rel, None, m) for m in _fmt_validation(exc))
            continue
        if bands and pf.band not in band_ids:
            errors.append(ContentError(rel, None, f"band {pf.band!r} is not in bands.yaml"))
            continue
        for i, item in enumerate(pf.prompts):
            pid = item.get("id") if isinstance(item, dict) else None
            label = str(pid) if pid else f"#{i + 1}"
            if not isinstance(item, dict):
                errors.append(ContentError(rel, label, "each prompt must be a mapping"))
                continue
            data = dict(item)
            if "band" in data and data["band"] != pf.band:
                errors.append(ContentError(rel, label, f"band {data['band']!r} differs from file band"))
                continue
            data["band"] = pf.band
            try:
                p = Prompt.model_validate(data)
            except ValidationError as exc:
                errors.extend(ContentError(rel, label, m) for m in _fmt_validation(exc))
                continue
            if p.id in prompts:
                errors.append(ContentError(rel, p.id, "duplicate prompt id"))
                continue
            _check_placeholders(p.id, rel, p.text_fields().values(), errors)
            _check_ages(p, band_of.get(p.band), rel, errors)
            prompts[p.id] = p
            by_band.setdefault(p.band, []).append(p)

    for b in bands:
        if not by_band.get(b.id):
            errors.append(ContentError("content/prompts/" + locale, None, f"band {b.id!r} has no prompts"))

    return prompts, by_band


def _check_ages(p: Prompt, band: Band | None, rel: str, errors: list[ContentError]) -> None:
    if band is None:
        return
    for name, months in (("min_age", p.min_age), ("max_age", p.max_age)):
        if months is not None and not band.min_months <= months <= band.max_months:
            span = f"{band.min_months}-{band.max_months}"
            errors.append(ContentError(rel, p.id, f"{name} {months} is outside the band's months ({span})"))


def load_library(content_dir: Path | None = None, locale: str = "en") -> Library:
    """Load and validate all content. Raises ContentInvalid listing every problem found."""
    root = (content_dir or DEFAULT_CONTENT_DIR).resolve()
    errors: list[ContentError] = []

    bands_path = root / "bands.yaml"
    raw = _read_yaml(bands_path, root, errors)
    bands: tuple[Band, ...] = ()
    if raw is not None:
        try:
            bands = BandsFile.model_validate(raw).bands
        except ValidationError as exc:
            errors.extend(ContentError(_rel(bands_path, root), None, m) for m in _fmt_validation(exc))
    band_ids = {b.id for b in bands}

    prompts, by_band = load_prompts(root, locale, bands, errors)

    situations: dict[str, Situation] = {}
    cards: dict[tuple[str, str], Card] = {}
    cards_dir = root / "cards" / locale
    card_files = sorted(cards_dir.glob("*.yaml")) if cards_dir.is_dir() else []
    parsed: list[tuple[str, CardsFile]] = []
    for path in card_files:
        rel = _rel(path, root)
        raw = _read_yaml(path, root, errors)
        if raw is None:
            continue
        try:
            parsed.append((rel, CardsFile.model_validate(raw)))
        except ValidationError as exc:
            errors.extend(ContentError(rel, None, m) for m in _fmt_validation(exc))
    situation_lexicon: dict[str, tuple[str, ...]] = {}
    distress: DistressContent | None = None
    for rel, cf in parsed:
        for name, entries in cf.lexicon.items():
            situation_lexicon[name] = situation_lexicon.get(name, ()) + entries
        if cf.distress is not None:
            if distress is not None:
                errors.append(ContentError(rel, None, "distress reply defined twice"))
            distress = cf.distress
        for s in cf.situations:
            if s.id in situations:
                errors.append(ContentError(rel, None, f"situation {s.id!r} defined twice"))
            situations[s.id] = s
    for rel, cf in parsed:
        for c in cf.cards:
            key = (c.situation, c.band)
            if c.situation not in situations:
                errors.append(ContentError(rel, None, f"card for unknown situation {c.situation!r}"))
            elif c.band not in band_ids:
                errors.append(ContentError(rel, None, f"card for unknown band {c.band!r}"))
            elif key in cards:
                errors.append(ContentError(rel, None, f"two cards for {key}"))
            else:
                _check_placeholders(f"card:{c.situation}/{c.band}", rel, c.lines, errors)
                if any("{" in line for line in c.lines):
                    errors.append(ContentError(rel, f"card:{c.situation}/{c.band}", "cards can't use {child}"))
                cards[key] = c

    safety: SafetyFile | None = None
    safety_path = root / "safety" / f"{locale}.yaml"
    raw = _read_yaml(safety_path, root, errors)
    if isinstance(raw, dict):
        # Further rule files (`<locale>.<topic>.yaml`) add classes, idioms and rules to the main file, so a
        # safeguarding lead can keep a topic's rules together without editing one long file.
        for extra_path in sorted((root / "safety").glob(f"{locale}.*.yaml")):
            extra = _read_yaml(extra_path, root, errors)
            if isinstance(extra, dict):
                _merge_safety(raw, extra)
    if raw is not None:
        try:
            safety = SafetyFile.model_validate(raw)
        except ValidationError as exc:
            errors.extend(ContentError(_rel(safety_path, root), None, m) for m in _fmt_validation(exc))

    screener: Screener | None = None
    if safety is not None:
        # Compiling the screen checks every pattern and class name against the lexicons.
        from bot.domain.screen import ScreenConfigError, Screener

        try:
            screener = Screener(safety, situations.values(), situation_lexicon)
        except ScreenConfigError as exc:
            errors.append(ContentError(_rel(safety_path, root), None, str(exc)))
    if distress is None and card_files:
        errors.append(ContentError(_rel(cards_dir, root), None, "no distress reply (distress: in a cards file)"))

    if errors:
        raise ContentInvalid(errors)
    return Library(
        bands=bands,
        prompts=prompts,
        by_band=by_band,
        situations=situations,
        cards=cards,
        safety=safety,
        situation_lexicon=situation_lexicon,
        distress=distress,
        screener=screener,
        locale=locale,
    )

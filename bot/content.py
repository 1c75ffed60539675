"""Content models and loader: bands, prompts, help cards and safety lists.

Everything in ``content/`` is validated here, at start-up and by ``python -m bot content check``.
Errors carry the file, the prompt id and what is wrong, so an author can fix them without reading code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import ValidationError

if TYPE_CHECKING:
    from bot.domain.screen import Screener

from bot.content_schema import (
    ALLOWED_PLACEHOLDERS as ALLOWED_PLACEHOLDERS,
)
from bot.content_schema import (
    DEFAULT_CONTENT_DIR as DEFAULT_CONTENT_DIR,
)
from bot.content_schema import (
    ID_RE as ID_RE,
)
from bot.content_schema import (
    PLACEHOLDER_RE as PLACEHOLDER_RE,
)
from bot.content_schema import (
    SITUATIONS as SITUATIONS,
)
from bot.content_schema import (
    SKILL_LABELS as SKILL_LABELS,
)
from bot.content_schema import (
    TAGS as TAGS,
)
from bot.content_schema import (
    TELEGRAM_CALLBACK_LIMIT as TELEGRAM_CALLBACK_LIMIT,
)
from bot.content_schema import (
    TELEGRAM_TEXT_LIMIT as TELEGRAM_TEXT_LIMIT,
)
from bot.content_schema import (
    Anchor as Anchor,
)
from bot.content_schema import (
    Band as Band,
)
from bot.content_schema import (
    BandsFile as BandsFile,
)
from bot.content_schema import (
    Card as Card,
)
from bot.content_schema import (
    Empathy as Empathy,
)
from bot.content_schema import (
    Minimums as Minimums,
)
from bot.content_schema import (
    Prompt as Prompt,
)
from bot.content_schema import (
    PromptFile as PromptFile,
)
from bot.content_schema import (
    Situation as Situation,
)
from bot.content_schema import (
    Skill as Skill,
)
from bot.content_schema import (
    _Strict as _Strict,
)
from bot.safety_schema import (
    CRISIS_CATEGORIES as CRISIS_CATEGORIES,
)
from bot.safety_schema import (
    CardsFile as CardsFile,
)
from bot.safety_schema import (
    DistressCard as DistressCard,
)
from bot.safety_schema import (
    DistressContent as DistressContent,
)
from bot.safety_schema import (
    DistressKind as DistressKind,
)
from bot.safety_schema import (
    SafetyFile as SafetyFile,
)
from bot.safety_schema import (
    ScreenCategory as ScreenCategory,
)
from bot.safety_schema import (
    ScreenRule as ScreenRule,
)


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


def render_placeholders(text: str, nickname: str | None, band: str | None = None, fallback: str | None = None) -> str:
    """Fill the child placeholders; without a nickname they read ``fallback`` (the reader's "your child"), or in
    English 'your child' (or 'your teen')."""
    name = nickname.strip() if nickname and nickname.strip() else None
    fallback = fallback or FALLBACK_NAMES.get(band or "", "your child")
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
            for field_name in ("phrases", "rules", "strong"):
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


def load_library(content_dir: Path | None = None, locale: str = "en", *, prompts: bool = True) -> Library:
    """Load and validate all content. Raises ContentInvalid listing every problem found.

    ``prompts=False`` leaves the prompts out (about 2 MiB of RSS per locale): for a locale loaded only to hear
    what people type in it (its screen, cards and distress reply). `content check` still validates them."""
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

    by_id, by_band = load_prompts(root, locale, bands, errors) if prompts else ({}, {b.id: [] for b in bands})

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
        else:  # the learned tier, when the locale has one (bot/domain/screen/learned.py)
            from bot.domain.screen.learned import load, model_path

            try:
                screener.learned = load(model_path(root, locale))
            except ValueError as exc:
                rel = _rel(model_path(root, locale), root)
                errors.append(ContentError(rel, None, f"{exc}; run python -m bot content train-screen"))
    if distress is None and card_files:
        errors.append(ContentError(_rel(cards_dir, root), None, "no distress reply (distress: in a cards file)"))

    if errors:
        raise ContentInvalid(errors)
    return Library(
        bands=bands,
        prompts=by_id,
        by_band=by_band,
        situations=situations,
        cards=cards,
        safety=safety,
        situation_lexicon=situation_lexicon,
        distress=distress,
        screener=screener,
        locale=locale,
    )

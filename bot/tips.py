"""Tips for when a prompt went hard: content/tips/<locale>.yaml maps each skill to a few short tips.

Kept beside the prompt library rather than inside it, so the prompt schema stays as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError

from bot.content import DEFAULT_CONTENT_DIR, ContentError, ContentInvalid, Skill

TIP_MAX = 220
MIN_TIPS = 2

Tip = Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=TIP_MAX)]


class TipsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tips: dict[Skill, list[Tip]]


Tips = dict[Skill, tuple[str, ...]]


def load_tips(content_dir: Path | None = None, locale: str = "en") -> Tips:
    """Every skill must have at least two tips. Raises ContentInvalid listing each problem."""
    root = (content_dir or DEFAULT_CONTENT_DIR).resolve()
    path = root / "tips" / f"{locale}.yaml"
    rel = f"tips/{locale}.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentInvalid([ContentError(rel, None, f"cannot read: {type(exc).__name__}")]) from exc
    try:
        parsed = TipsFile.model_validate(raw)
    except ValidationError as exc:
        errors = [ContentError(rel, None, f"{'.'.join(map(str, e['loc']))}: {e['msg']}") for e in exc.errors()]
        raise ContentInvalid(errors) from exc
    missing = [s.value for s in Skill if len(parsed.tips.get(s, [])) < MIN_TIPS]
    if missing:
        raise ContentInvalid([ContentError(rel, None, f"fewer than {MIN_TIPS} tips for: {', '.join(missing)}")])
    return {skill: tuple(items) for skill, items in parsed.tips.items()}


def tip_for(tips: Tips, skill: str | None, seed: int) -> str | None:
    """One tip for the skill, varied by ``seed`` (a delivery id) so the same prompt gets the same tip."""
    try:
        choices = tips.get(Skill(skill or ""), ())
    except ValueError:
        return None
    return choices[seed % len(choices)] if choices else None

"""The screen: one pass over a message gives crisis categories, distress, situations and whether it is about
a child. Compiled once per locale from ``content/safety/<locale>.yaml`` and the situation keywords."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.domain.screen.normalize import Normalizer, Token, fold_accents
from bot.domain.screen.patterns import ClassHits, Elem, PatternError, PatternSet, parse_pattern
from bot.domain.screen.rules import NEGATION, Rule, spans

if TYPE_CHECKING:
    from bot.content import SafetyFile, ScreenCategory, Situation

__all__ = ["FEAR_FOR_CHILD", "Screen", "ScreenConfigError", "Screener"]

FEAR_FOR_CHILD = "fear_of_harming_child"
Level = Literal["crisis", "distress", "hard", "none"]
# A situation is offered from this score up: one plain keyword (3) or two weak clues (1 + 1).
SITUATION_THRESHOLD = 2
_CUT = Token(())  # a word cut out as part of an idiom
KEYWORD_GAP = 2


class ScreenConfigError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Screen:
    level: Level
    categories: tuple[str, ...] = ()  # crisis categories, or distress kinds when level is "distress"
    fear_for_child: bool = False
    situations: tuple[str, ...] = ()  # best first
    about_child: bool = False

    @property
    def crisis(self) -> bool:
        return self.level == "crisis"


@dataclass(frozen=True, slots=True)
class _Category:
    id: str
    rules: tuple[Rule, ...]


def _expand(name: str, lexicon: Mapping[str, tuple[str, ...]], seen: tuple[str, ...] = ()) -> list[str]:
    """A class's entries with whole-entry ``<other>`` includes resolved."""
    if name in seen:
        raise ScreenConfigError(f"word class {name!r} includes itself ({' -> '.join((*seen, name))})")
    if name not in lexicon:
        raise ScreenConfigError(f"unknown word class <{name}> in {seen[-1] if seen else 'a pattern'}")
    out: list[str] = []
    for entry in lexicon[name]:
        e = entry.strip()
        if e.startswith("<") and e.endswith(">") and " " not in e:
            out.extend(_expand(e[1:-1], lexicon, (*seen, name)))
        else:
            out.append(e)
    return out


class Screener:
    def __init__(
        self,
        safety: SafetyFile,
        situations: Iterable[Situation] = (),
        situation_lexicon: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        lexicon: dict[str, tuple[str, ...]] = dict(safety.lexicon)
        for name, entries in (situation_lexicon or {}).items():
            if name in safety.lexicon:
                # Merging would change what the crisis rules hear without anyone editing the safety file.
                raise ScreenConfigError(
                    f"word class {name!r} is defined in the safety file and in a cards file; rename one "
                    "(a cards file can use the safety class as <" + name + ">)"
                )
            lexicon[name] = tuple(entries)
        if NEGATION not in lexicon:
            raise ScreenConfigError(f"the lexicon needs a class named {NEGATION!r}")
        self._about_child = safety.about_child
        parser = Normalizer(safety.language, safety.contractions, (), fold=safety.fold_accents)
        vocabulary: set[str] = set()
        fold = fold_accents if safety.fold_accents else str

        def parse(pattern: str, where: str) -> list[tuple[Elem, ...]]:
            try:
                seqs = parse_pattern(pattern, lambda t: [fold(w) for w in parser.words(t) if w[0] not in ".!?;\n,"])
            except PatternError as exc:
                raise ScreenConfigError(f"{where}: {exc}") from None
            for seq in seqs:
                for e in seq:
                    if e.kind == "w":
                        vocabulary.add(e.text)
                    elif e.kind == "c" and e.text not in lexicon:
                        raise ScreenConfigError(f"{where}: unknown word class <{e.text}> in {pattern!r}")
            return seqs

        # Literal words in a rule's `all:` become one-entry classes of their own.
        for cat in safety.categories + safety.distress:
            for rule in cat.rules:
                for item in (*rule.all, *rule.unless):
                    if item not in lexicon:
                        lexicon["=" + item] = (item,)
        for name in safety.about_child:
            if name not in lexicon:
                raise ScreenConfigError(f"about_child: unknown word class {name!r}")

        self._class_names = sorted(lexicon)
        # Entries that mention another class inside them ("<adult_actor> <violent>") are matched in a second
        # pass, over the hits of the first; they may only mention classes without such entries.
        base: list[tuple[int, tuple[Elem, ...]]] = []
        derived: list[tuple[int, tuple[Elem, ...]]] = []
        for i, name in enumerate(self._class_names):
            for entry in _expand(name, lexicon):
                for seq in parse(entry, f"lexicon {name}"):
                    (derived if any(e.kind == "c" for e in seq) else base).append((i, seq))
        derived_names = {self._class_names[i] for i, _seq in derived}
        for i, seq in derived:
            for e in seq:
                if e.kind == "c" and e.text in derived_names:
                    raise ScreenConfigError(
                        f"lexicon {self._class_names[i]}: <{e.text}> has entries naming other classes itself; "
                        "a class inside an entry must be a plain one"
                    )
        self._classes = PatternSet(base)
        self._derived = PatternSet(derived)

        idioms: list[tuple[int, tuple[Elem, ...]]] = []
        for i, idiom in enumerate(safety.idioms):
            for seq in parse(idiom, "idioms"):
                if any(e.kind == "c" for e in seq):
                    raise ScreenConfigError(f"idioms: no <class> in idioms ({idiom!r})")
                idioms.append((i, seq))
        self._idioms = PatternSet(idioms)

        def compile_categories(cats: tuple[ScreenCategory, ...], offset: int) -> tuple[list[_Category], PatternSet]:
            phrases: list[tuple[int, tuple[Elem, ...]]] = []
            out: list[_Category] = []
            for ci, cat in enumerate(cats):
                for phrase in cat.phrases:
                    phrases.extend((offset + ci, seq) for seq in parse(phrase, f"{cat.id} phrases"))
                rules = tuple(
                    Rule(
                        classes=tuple(n if n in lexicon else "=" + n for n in r.all),
                        within=r.within or safety.window,
                        ordered=r.ordered,
                        block_negation=r.negation == "block",
                        unless=tuple(n if n in lexicon else "=" + n for n in r.unless),
                        reach=safety.negation_reach if r.negation_reach is None else r.negation_reach,
                        one_sentence=safety.rules_within_sentence,
                    )
                    for r in cat.rules
                )
                out.append(_Category(cat.id, rules))
            return out, PatternSet(phrases)

        self._crisis, self._crisis_phrases = compile_categories(safety.categories, 0)
        self._distress, self._distress_phrases = compile_categories(safety.distress, 0)

        self._situation_ids: list[str] = []
        keywords: list[tuple[int, tuple[Elem, ...]]] = []
        self._weights: list[tuple[int, int]] = []  # keyword index -> (situation index, weight)
        for si, situation in enumerate(situations):
            self._situation_ids.append(situation.id)
            for pattern, weight in situation.weighted():
                for seq in parse(pattern, f"situation {situation.id} keywords"):
                    keywords.append((len(self._weights), seq))
                self._weights.append((si, weight))
        self._keywords = PatternSet(keywords, gap=KEYWORD_GAP)
        self.normalizer = Normalizer(
            safety.language,
            safety.contractions,
            vocabulary,
            safety.inflections,
            safety.clause_words,
            fold=safety.fold_accents,
            clitics=safety.clitics,
            clitic_hosts=safety.clitic_hosts,
        )

    def _class_hits(self, tokens: list[Token]) -> ClassHits:
        hits: ClassHits = {}
        for owner, start, end in self._classes.find(tokens):
            hits.setdefault(self._class_names[owner], {}).setdefault(start, []).append(end)
        for owner, start, end in self._derived.find(tokens, hits):
            hits.setdefault(self._class_names[owner], {}).setdefault(start, []).append(end)
        return hits

    def _cut_idioms(self, tokens: list[Token]) -> list[Token]:
        found = self._idioms.find(tokens)
        if not found:
            return tokens
        out = list(tokens)
        for _owner, start, end in found:
            for i in range(start, end):
                out[i] = _CUT
        return out

    @staticmethod
    def _without_cut(hits: ClassHits, cut: list[Token]) -> ClassHits:
        """The class hits that touch no cut word: what matching the cut tokens afresh would find."""
        gone = {i for i, t in enumerate(cut) if t is _CUT}
        lo, hi = min(gone), max(gone)
        out: ClassHits = {}
        for name, by_start in hits.items():
            kept: dict[int, list[int]] = {}
            for s, ends in by_start.items():
                if s > hi or max(ends) <= lo:
                    kept[s] = ends
                elif s not in gone:
                    still = [e for e in ends if gone.isdisjoint(range(s, e))]
                    if still:
                        kept[s] = still
            if kept:
                out[name] = kept
        return out

    @staticmethod
    def _categories(
        cats: list[_Category], phrases: PatternSet, tokens: list[Token], hits: ClassHits
    ) -> tuple[str, ...]:
        found: dict[str, None] = {}
        phrase_hits = {owner for owner, _s, _e in phrases.find(tokens, hits)}
        by_class = spans(hits)
        for i, cat in enumerate(cats):
            if i in phrase_hits or any(rule.test(tokens, by_class) for rule in cat.rules):
                found[cat.id] = None
        return tuple(found)

    def _situations(self, tokens: list[Token], hits: ClassHits) -> tuple[str, ...]:
        seen: set[int] = set()
        score: dict[int, int] = {}
        first: dict[int, int] = {}
        for owner, start, _end in self._keywords.find(tokens, hits):
            si, weight = self._weights[owner]
            first[si] = min(start, first.get(si, start))
            if owner in seen:
                continue
            seen.add(owner)
            score[si] = score.get(si, 0) + weight
        ranked = sorted(
            (si for si, s in score.items() if s >= SITUATION_THRESHOLD), key=lambda si: (-score[si], first[si])
        )
        return tuple(self._situation_ids[si] for si in ranked)

    def screen(self, text: str) -> Screen:
        tokens = self.normalizer.tokens(text)
        hits = self._class_hits(tokens)
        # Idioms are cut for the crisis rules only: "dead on my feet" is still exhaustion.
        cut = self._cut_idioms(tokens)
        cut_hits = hits if cut is tokens else self._without_cut(hits, cut)
        about_child = any(name in hits for name in self._about_child)
        crisis = self._categories(self._crisis, self._crisis_phrases, cut, cut_hits)
        situations = self._situations(tokens, hits)
        if crisis:
            return Screen("crisis", crisis, FEAR_FOR_CHILD in crisis, situations, about_child)
        distress = self._categories(self._distress, self._distress_phrases, tokens, hits)
        if distress:
            return Screen("distress", distress, False, situations, about_child)
        return Screen("hard" if situations else "none", (), False, situations, about_child or bool(situations))

    def fired(self, text: str) -> list[str]:
        """Which crisis and distress rules fire, as "category: rule #n" (for whoever edits the rules)."""
        tokens = self.normalizer.tokens(text)
        cut = self._cut_idioms(tokens)
        out: list[str] = []
        for cats, phrases, toks in (
            (self._crisis, self._crisis_phrases, cut),
            (self._distress, self._distress_phrases, tokens),
        ):
            hits = self._class_hits(toks)
            by_class = spans(hits)
            phrase_hits = {owner for owner, _s, _e in phrases.find(toks, hits)}
            for i, cat in enumerate(cats):
                if i in phrase_hits:
                    out.append(f"{cat.id}: phrases")
                out.extend(f"{cat.id}: rule #{n + 1}" for n, rule in enumerate(cat.rules) if rule.test(toks, by_class))
        return out

    def explain(self, text: str) -> dict[str, list[str]]:
        """Which word classes fired where (for whoever edits the rules; never logged)."""
        tokens = self._cut_idioms(self.normalizer.tokens(text))
        return {
            name: [" ".join(t.forms[0] for t in tokens[s:e] if t.forms) for s, e in found]
            for name, found in spans(self._class_hits(tokens)).items()
        }

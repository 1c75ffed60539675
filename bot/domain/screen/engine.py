"""The screen: one pass over a message gives crisis categories, distress, situations and whether it is about
a child. Compiled once per locale from ``content/safety/<locale>.yaml`` and the situation keywords."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from itertools import chain
from operator import itemgetter
from typing import TYPE_CHECKING, Literal, NamedTuple

from bot.domain.screen.fired import crisis_sentences, negated_crisis
from bot.domain.screen.normalize import Normalizer, Token, fold_accents
from bot.domain.screen.patterns import ClassHits, Elem, PatternError, PatternSet, StartIndex, parse_pattern
from bot.domain.screen.rules import BRIDGE, NEGATION, Hits, Rule, span_list, tight_negated
from bot.domain.screen.tiers import ScreenConfigError, Tier, TierCategory, expand

if TYPE_CHECKING:
    from bot.content import SafetyFile, ScreenCategory, Situation
    from bot.domain.screen.learned import LearnedScreen

__all__ = ["FEAR_FOR_CHILD", "Screen", "ScreenConfigError", "Screener"]

FEAR_FOR_CHILD = "fear_of_harming_child"
Level = Literal["crisis", "distress", "hard", "none"]
# A situation is offered from this score up: one plain keyword (3) or two weak clues (1 + 1).
SITUATION_THRESHOLD = 2
_CUT = Token(())  # a word cut out as part of an idiom
# Where each pattern set may start in a message (StartIndex.positions): classes, derived classes, idioms,
# strong phrases, crisis phrases, distress phrases, situation keywords.
_Starts = list[list[int]]


class _Reading(NamedTuple):
    tokens: list[Token]
    present: set[str]
    at: _Starts
    hits: ClassHits
    cut: list[Token]
    strong: tuple[str, ...]
    crisis: tuple[str, ...]


KEYWORD_GAP = 2


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


class Screener:
    learned: LearnedScreen | None = None  # the learned tier (learned.py), heard only after the rules

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
            for strong in cat.strong:
                for item in () if isinstance(strong, str) else strong.all:
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
            for entry in expand(name, lexicon):
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

        def compile_categories(cats: tuple[ScreenCategory, ...], offset: int) -> tuple[list[TierCategory], PatternSet]:
            phrases: list[tuple[int, tuple[Elem, ...]]] = []
            out: list[TierCategory] = []
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
                        unless_reach=safety.unless_reach,
                    )
                    for r in cat.rules
                )
                out.append(TierCategory(cat.id, rules))
            return out, PatternSet(phrases)

        def compile_strong(cats: tuple[ScreenCategory, ...]) -> tuple[list[TierCategory], PatternSet]:
            phrases: list[tuple[int, tuple[Elem, ...]]] = []
            out: list[TierCategory] = []
            for ci, cat in enumerate(cats):
                rules: list[Rule] = []
                for entry in cat.strong:
                    if isinstance(entry, str):
                        phrases.extend((ci, seq) for seq in parse(entry, f"{cat.id} strong"))
                        continue
                    rules.append(
                        Rule(
                            classes=tuple(n if n in lexicon else "=" + n for n in entry.all),
                            within=entry.within or safety.window,
                            ordered=entry.ordered,
                            block_negation=True,
                            unless=(),
                            reach=safety.strong_negation_reach,
                            one_sentence=safety.rules_within_sentence,
                            tight=True,
                        )
                    )
                out.append(TierCategory(cat.id, tuple(rules)))
            return out, PatternSet(phrases)

        self._crisis, self._crisis_phrases = compile_categories(safety.categories, 0)
        self._distress, self._distress_phrases = compile_categories(safety.distress, 0)
        self._strong, self._strong_phrases = compile_strong(safety.categories)
        self._strong_reach = safety.strong_negation_reach
        breadth: dict[str, int] = {}
        for i, _seq in base + derived:
            breadth[self._class_names[i]] = breadth.get(self._class_names[i], 0) + 1
        self._crisis_tier = Tier(self._crisis, self._crisis_phrases, breadth)
        self._distress_tier = Tier(self._distress, self._distress_phrases, breadth)
        self._strong_tier = Tier(self._strong, self._strong_phrases, breadth)

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
        # The order of _Starts' fields.
        self._starts = StartIndex(
            [
                self._classes,
                self._derived,
                self._idioms,
                self._strong_phrases,
                self._crisis_phrases,
                self._distress_phrases,
                self._keywords,
            ]
        )
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

    def _class_hits(self, tokens: list[Token], present: set[str] | None = None, at: _Starts | None = None) -> ClassHits:
        """Where each word class is found; ``present`` (every form in ``tokens``), when given, gains the
        names of the classes found."""
        hits: ClassHits = {}
        names = self._class_names
        singles, longer = self._classes.find_split(tokens, None, present, at[0] if at else None)
        for start, owners in singles:
            end = start + 1
            for owner in owners:
                by_start = hits.get(names[owner])
                if by_start is None:
                    hits[names[owner]] = {start: [end]}
                else:
                    by_start[start] = [end]  # one-word matches come first at a start
        for owner, start, end in longer:
            hits.setdefault(names[owner], {}).setdefault(start, []).append(end)
        if present is not None:
            present.update(hits)
        for owner, start, end in self._derived.find(tokens, hits, present, at[1] if at else None):
            hits.setdefault(names[owner], {}).setdefault(start, []).append(end)
        if present is not None:
            present.update(hits)
        return hits

    def _cut_idioms(
        self, tokens: list[Token], present: set[str] | None = None, at: _Starts | None = None
    ) -> list[Token]:
        found = self._idioms.find(tokens, None, present, at[2] if at else None)
        if not found:
            return tokens
        out = list(tokens)
        for _owner, start, end in found:
            for i in range(start, end):
                out[i] = _CUT
        return out

    @staticmethod
    def _without_cut(hits: ClassHits, cut: list[Token], names: Iterable[str] | None = None) -> ClassHits:
        """The class hits that touch no cut word: what matching the cut tokens afresh would find (only for
        ``names`` when given)."""
        # before[i]: how many words before position i were cut, so a span touches a cut word when the counts
        # at its two ends differ (one comparison per span).
        before = [0]
        for t in cut:
            before.append(before[-1] + (t is _CUT))
        out: ClassHits = {}
        wanted = hits.items() if names is None else [(n, hits[n]) for n in names if n in hits]
        for name, by_start in wanted:
            kept: dict[int, list[int]] = {}
            for s, ends in by_start.items():
                at_s = before[s]
                if before[max(ends)] == at_s:
                    kept[s] = ends
                elif before[s + 1] == at_s:  # the first word itself was not cut
                    still = [e for e in ends if before[e] == at_s]
                    if still:
                        kept[s] = still
            if kept:
                out[name] = kept
        return out

    def _situations(
        self, tokens: list[Token], hits: ClassHits, present: set[str] | None = None, at: _Starts | None = None
    ) -> tuple[str, ...]:
        seen: set[int] = set()
        score: dict[int, int] = {}
        first: dict[int, int] = {}
        for owner, start, _end in self._keywords.find(tokens, hits, present, at[6] if at else None):
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

    @staticmethod
    def _tier(
        tier: Tier,
        tokens: list[Token],
        hits: ClassHits,
        present: set[str],
        cut: bool,
        tight: int = -1,
        at: list[int] | None = None,
    ) -> tuple[str, ...]:
        """The categories of a tier found in ``tokens``; ``hits`` are the uncut class hits when ``cut``.
        ``tight`` >= 0: the strong tier, whose phrases only a negator that near before them cancels."""
        candidates = tier.candidates(present)
        names: set[str] = set(tier.phrase_classes)
        for _i, reads, _rule in candidates:
            names |= reads
        if cut:
            hits = Screener._without_cut(hits, tokens, names)
        by_class: Hits = {}
        found_phrases = tier.phrases.find(tokens, hits, present, at)
        if tight < 0:
            matched = {owner for owner, _s, _e in found_phrases}
        else:
            by_class = {name: span_list(hits.get(name)) for name in (NEGATION, BRIDGE)}
            matched = {o for o, s, _e in found_phrases if not tight_negated(s, tokens, by_class, tight)}
        for i, reads, rule in candidates:
            if i in matched:
                continue
            for name in reads:
                if name not in by_class:
                    by_class[name] = span_list(hits.get(name))
            if rule.test(tokens, by_class):
                matched.add(i)
        found = {cat.id: None for i, cat in enumerate(tier.cats) if i in matched}
        return tuple(found)

    def _read(self, text: str) -> _Reading:
        """What the rules read in ``text`` before distress and situations: its tokens, forms, pattern starts,
        class hits, tokens with idioms cut, and the strong and plain crisis categories."""
        tokens = self.normalizer.tokens(text)
        # Every form and every class found: patterns and rules needing anything else are skipped unwalked.
        present = set(chain.from_iterable(map(itemgetter(0), tokens)))
        at = self._starts.positions(tokens)
        hits = self._class_hits(tokens, present, at)
        # Idioms are cut for the crisis rules only: "dead on my feet" is still exhaustion.
        cut = self._cut_idioms(tokens, present, at)
        # Strong signals read the message before any idiom is cut: nothing but a tight negation vetoes them.
        strong = self._tier(self._strong_tier, tokens, hits, present, False, self._strong_reach, at[3])
        crisis = self._tier(self._crisis_tier, cut, hits, present, cut is not tokens, at=at[4])
        return _Reading(tokens, present, at, hits, cut, strong, crisis)

    def screen(self, text: str) -> Screen:
        tokens, present, at, hits, cut, strong, crisis = self._read(text)
        about_child = any(name in hits for name in self._about_child)
        if strong:
            order = {cat.id: i for i, cat in enumerate(self._crisis)}
            crisis = tuple(sorted(set(crisis) | set(strong), key=order.__getitem__))
        situations = self._situations(tokens, hits, present, at)
        where = partial(crisis_sentences, self, tokens, cut, hits, present)  # asked only if the model doubts
        if crisis and not strong and self.learned is not None and self.learned.vetoes(tokens, where):
            crisis = ()  # the plain rules' reading of a joke or a hyperbole, the model says (never a strong one)
        if crisis:
            if FEAR_FOR_CHILD not in crisis and self.learned is not None and self.learned.fears_for_child(tokens):
                crisis = (*crisis, FEAR_FOR_CHILD)
            return Screen("crisis", crisis, FEAR_FOR_CHILD in crisis, situations, about_child)
        distress = self._tier(self._distress_tier, tokens, hits, present, False, at=at[5])
        if distress:
            plain = Screen("distress", distress, False, situations, about_child)
        else:
            plain = Screen("hard" if situations else "none", (), False, situations, about_child or bool(situations))
        if self.learned is None:
            return plain
        negated = NEGATION in present and negated_crisis(self, tokens, cut, hits, present)
        heard = self.learned.overlay(plain, tokens, cut is not tokens, negated)
        # Distress the rules found stands unless the model hears a crisis in it ("I can't cope" next to a plan).
        return heard if not distress or heard.crisis else plain

    def rule_tiers(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The crisis categories the strong tier and the plain rules find in ``text`` (for the trainer)."""
        reading = self._read(text)
        return reading.strong, reading.crisis

    def fired(self, text: str) -> list[str]:
        """Which crisis and distress rules fire, as "category: rule #n" (for whoever edits the rules)."""
        from bot.domain.screen.fired import fired

        return fired(self, text)

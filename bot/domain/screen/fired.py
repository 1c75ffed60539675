"""What the rules saw beyond their verdict: which rules fire (Screener.fired, for whoever edits the safety file),
whether a crisis statement was there but negated (which vetoes the learned tier) and in which sentences the
plain rules found a crisis (which the learned tier's veto weighs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.domain.screen.normalize import Token
from bot.domain.screen.patterns import ClassHits
from bot.domain.screen.rules import BRIDGE, NEGATION, span_list, spans, tight_negated

if TYPE_CHECKING:
    from bot.domain.screen.engine import Screener


def fired(screener: Screener, text: str) -> list[str]:
    """Which crisis and distress rules fire, as "category: rule #n"; a strong or crisis rule whose words are
    there but cancelled by a tight negation shows as "category: rule #n (negated)": that is what stops the
    learned tier from raising a crisis."""
    tokens = screener.normalizer.tokens(text)
    reach = screener._strong_reach
    cut = screener._cut_idioms(tokens)
    out: list[str] = []
    for cats, phrases, toks in (
        (screener._crisis, screener._crisis_phrases, cut),
        (screener._distress, screener._distress_phrases, tokens),
    ):
        hits = screener._class_hits(toks)
        by_class = spans(hits)
        phrase_hits = {owner for owner, _s, _e in phrases.find(toks, hits)}
        for i, cat in enumerate(cats):
            if i in phrase_hits:
                out.append(f"{cat.id}: phrases")
            for n, rule in enumerate(cat.rules):
                if rule.test(toks, by_class):
                    out.append(f"{cat.id}: rule #{n + 1}")
                elif cats is screener._crisis and rule.negated(toks, by_class, reach):
                    out.append(f"{cat.id}: rule #{n + 1} (negated)")
    hits = screener._class_hits(tokens)
    by_class = spans(hits)
    for owner, start, _end in screener._strong_phrases.find(tokens, hits):
        negated = " (negated)" if tight_negated(start, tokens, by_class, reach) else ""
        out.append(f"{screener._strong[owner].id}: strong phrase{negated}")
    for cat in screener._strong:
        for n, rule in enumerate(cat.rules):
            if rule.test(tokens, by_class):
                out.append(f"{cat.id}: strong rule #{n + 1}")
            elif rule.negated(tokens, by_class, reach):
                out.append(f"{cat.id}: strong rule #{n + 1} (negated)")
    return out


def negated_crisis(
    screener: Screener, tokens: list[Token], cut: list[Token], hits: ClassHits, present: set[str]
) -> bool:
    """Whether the message held an explicitly negated crisis statement ("I would never hurt my baby",
    "not suicidal"): a strong phrase, or a strong or crisis rule's words, that a tight negation cancels.
    The rules heard it and ruled it out; the learned tier may not raise it again."""
    reach = screener._strong_reach
    negation = {name: span_list(hits.get(name)) for name in (NEGATION, BRIDGE)}
    for _owner, start, _end in screener._strong_phrases.find(tokens, hits, present):
        if tight_negated(start, tokens, negation, reach):
            return True
    for tier, toks in ((screener._strong_tier, tokens), (screener._crisis_tier, cut)):
        tier_hits = hits if toks is tokens else screener._without_cut(hits, toks)
        by_class = dict(negation)
        for _i, reads, rule in tier.candidates(present):
            for name in reads - by_class.keys():
                by_class[name] = span_list(tier_hits.get(name))
            if rule.negated(toks, by_class, reach):
                return True
    return False


def crisis_sentences(
    screener: Screener, tokens: list[Token], cut: list[Token], hits: ClassHits, present: set[str]
) -> list[list[Token]]:
    """The sentences of ``tokens`` holding a match of the plain crisis rules (phrases or rules): where the model
    must hear no crisis for it to set the rules' reading aside. ``cut`` keeps the positions of ``tokens``."""
    tier = screener._crisis_tier
    candidates = tier.candidates(present)
    names = set(tier.phrase_classes).union(*(reads for _i, reads, _rule in candidates))
    tier_hits = screener._without_cut(hits, cut, names) if cut is not tokens else hits
    found = [(start, end) for _owner, start, end in tier.phrases.find(cut, tier_hits, present)]
    by_class: dict[str, list[tuple[int, int]]] = {}
    for _i, reads, rule in candidates:
        for name in reads - by_class.keys():
            by_class[name] = span_list(tier_hits.get(name))
        found.extend(rule.matches(cut, by_class))
    bounds: dict[tuple[int, int], None] = {}
    for start, end in found:
        while start > 0 and not tokens[start - 1].brk:
            start -= 1
        while end < len(tokens) and not tokens[end].brk:
            end += 1
        bounds[(start, end)] = None
    return [tokens[start:end] for start, end in bounds]

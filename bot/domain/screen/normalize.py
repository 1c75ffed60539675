"""Text to tokens: normalising, contractions, stretched letters, spelling correction and lemmas.

Pure logic. Everything language-specific (the contractions, the language of the lemmatiser, the vocabulary
that misspellings are corrected towards) comes from the locale's content, never from this module.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA
from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy, DictionaryLookupStrategy
from simplemma.strategies.dictionaries import LOW_MEMORY_DICTIONARY_FACTORY

__all__ = ["BREAK", "Normalizer", "Token", "basic_words", "fold_accents"]

_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
    }
)
_LETTER = r"[^\W\d_]"
_INNER_APOSTROPHE = re.compile(rf"(?<=[^\W_])'+(?={_LETTER})")
# Word-like runs, allowing '@' inside (as in "selfh@rm"); a leading '@' (a mention) is left as punctuation.
_WORDISH = re.compile(r"[^\W_]+(?:@+[^\W_]+)*")
_HAS_LETTER = re.compile(_LETTER)
_HAS_LEET = re.compile(r"[\d@]")
# Only words with a digit or an inner '@' can be leetspeak; the rest are left alone without a call.
# The look-behind starts a match only where a word starts, which is the only place one can start; without it
# the engine retries from every letter of every word.
_MIXED = re.compile(r"(?<![^\W_])(?:[^\W_]*\d[^\W_]*(?:@+[^\W_]+)*|[^\W_]+(?:@+[^\W_]+)+)")
# Numbers with a unit or ordinal ("5yo", "2nd", "10pm", "3yrs") are not leetspeak.
_NUMBER_UNIT = re.compile(
    r"\d+(?:st|nd|rd|th|s|x|k|am|pm|yo|yos|yro|y|yr|yrs|year|years|yearold|yearolds|m|mo|mos|mth|mths|month|months"
    r"|w|wk|wks|week|weeks|d|day|days|h|hr|hrs|hour|hours|min|mins|sec|secs|km|kms|kg|kgs|g|lb|lbs|ml|l|cm|mm"
    r"|ft|in|mph|kph|p|gb|mb)"
)
_STRETCH = re.compile(r"(?:[^\W_]|@)*")
_LEET = str.maketrans("013457@", "oieasta")
# A token is a word, or a sentence end (negation and phrases never reach across one).
_TOKEN = re.compile(r"[^\W_]+|[.!?;\n]+")
_RUN3 = re.compile(rf"({_LETTER})\1{{2,}}")
_ALPHA = re.compile(r"[^\W\d_]+")
_NUMBER_WORD = re.compile(r"\d+([^\W\d_]+)")
_TOKEN_APOS = re.compile(r"[^\W_]+(?:'+[^\W_]+)*|[.!?;\n]+|,")

BREAK = "."
# Accents a writer may leave out ("suicidio" typed "suicídio" or "mas" for "más"); "ñ" stays a letter of its own.
_FOLD = str.maketrans("áàâäéèêëíìîïóòôöúùûü", "aaaaeeeeiiiioooouuuu")


def fold_accents(word: str) -> str:
    return word.translate(_FOLD)


# simplemma's default store decodes a language's whole dictionary into a dict on first use: about 20 MiB of RSS
# for English and 80 MiB for Spanish, and every locale's screen hears every message, so both load at once. Its
# low-memory store holds the same data as the compressed stream's bytes with a sparse index (about 2 and 10 MiB)
# and gives the same answers; a lookup decodes one block (tens of µs), and the Normalizer's caches absorb repeats,
# so simplemma's own token cache is off.
_STORE = LOW_MEMORY_DICTIONARY_FACTORY
_LOOKUP = DictionaryLookupStrategy(_STORE)
_LEMMATIZER = Lemmatizer(cache_max_size=0, lemmatization_strategy=DefaultStrategy(dictionary_factory=_STORE))


def lemmatize(word: str, language: str) -> str:
    """simplemma's lemma of ``word`` (``simplemma.lemmatize``), read from the low-memory store."""
    return _LEMMATIZER.lemmatize(word, language)


def is_known(word: str, language: str) -> bool:
    """Whether ``word`` is in simplemma's dictionary (``simplemma.is_known``), read from the low-memory store."""
    return _LOOKUP.get_lemma(unicodedata.normalize("NFC", word), language) is not None


class Token(NamedTuple):
    """One word of a message: ``forms`` holds every spelling it may match as (surface first), or is empty
    for a sentence end (``brk``) or a word cut out as part of an idiom."""

    forms: tuple[str, ...]
    brk: bool = False
    clause: bool = False  # a comma or a clause word ("but"): negation does not reach back across it


_BREAK_TOKEN = Token((), True)
_COMMA_TOKEN = Token((",",), clause=True)
# Straightening quotes one character at a time (str.translate) is slow on long text; most messages have none.
_QUOTE_PAIRS = tuple((chr(k), v) for k, v in _QUOTES.items() if isinstance(v, str))
assert len(_QUOTE_PAIRS) == len(_QUOTES)
# Per-word caches, bounded so that memory stays flat however many distinct words people type (each entry is
# about 150 bytes; at 65,536 entries the caches of two locales grew by 78 MiB over 80,000 distinct words).
# The outer caches (raw word -> tokens, word -> token) serve repeats; the inner ones (forms, lemmas,
# corrections) only the words reached again by another route (a squeezed or corrected spelling), so they are
# smaller. 8,192 words cover nearly all of what parents write from day to day.
_RAW_LIMIT = 8192  # distinct raw words remembered with their tokens; past this the memory is cleared
_TOKEN_CACHE = 8192
_INNER_CACHE = 2048


def _straight(text: str) -> str:
    """``text`` normalised, casefolded, quotes straightened."""
    s = unicodedata.normalize("NFKC", text).casefold()
    for quote, plain in _QUOTE_PAIRS:
        if quote in s:
            s = s.replace(quote, plain)
    return s


def _deleet_text(s: str) -> str:
    """``_MIXED.sub(_deleet, s)``, run only on the stretches of letters, digits and '@' around a digit or
    an '@' (a match lies inside one), so the rest of a long message costs no regex work."""
    parts: list[str] = []
    last = 0
    for m in _HAS_LEET.finditer(s):
        i = m.start()
        if i < last:
            continue
        j = i
        while j > last and (s[j - 1].isalnum() or s[j - 1] == "@"):  # isalnum() is the regex's [^\W_]
            j -= 1
        end = _STRETCH.match(s, i).end()  # type: ignore[union-attr]  # it matches the empty string too
        parts.append(s[last:j])
        parts.append(_MIXED.sub(_deleet, s[j:end]))
        last = end
    if not parts:
        return s
    parts.append(s[last:])
    return "".join(parts)


def _deleet(match: re.Match[str]) -> str:
    word = match.group(0)
    if not (_HAS_LETTER.search(word) and _HAS_LEET.search(word)):
        return word
    if _NUMBER_UNIT.fullmatch(word):
        return word
    return word.translate(_LEET)


def basic_words(text: str) -> list[str]:
    """Casefolded, straightened, de-leeted words of ``text`` without contractions or lemmas (for patterns)."""
    s = _straight(text)
    s = _INNER_APOSTROPHE.sub("", s)
    s = _WORDISH.sub(_deleet, s)
    return [t for t in _TOKEN.findall(s) if t[0] not in ".!?;\n"]


class Normalizer:
    """Turns a message into :class:`Token` s for one locale.

    ``contractions`` maps a written form to its expansion: keys starting with "-" are word endings
    ("-'ll" -> "will"), other keys are whole words ("can't" -> "can not", "im" -> "i am"). ``vocabulary`` is
    the set of words the screen listens for; an unknown word close to one of them is read as that word.
    """

    def __init__(
        self,
        language: str,
        contractions: Mapping[str, str],
        vocabulary: Iterable[str],
        inflections: Mapping[str, Iterable[str]] | None = None,
        clause_words: Iterable[str] = (),
        fold: bool = False,
        clitics: Iterable[str] = (),
        clitic_hosts: Iterable[str] = (),
    ) -> None:
        self.language = language
        self.fold = fold
        # Pronouns glued to the end of a verb ("matarme", "tomármelas"): each one peeled off is a form too.
        self._clitics = sorted(set(clitics), key=len, reverse=True)
        self._clitic_hosts = tuple(clitic_hosts)  # endings of a verb form a clitic may be glued to ("ar")
        self._clause_words = frozenset(clause_words)
        # Suffix -> replacements, tried when the lemmatiser leaves a word alone ("ending" -> "end"); a stem
        # counts only when it is a known word.
        self._inflections = sorted(
            ((suffix, tuple(repl)) for suffix, repl in (inflections or {}).items()), key=lambda sr: -len(sr[0])
        )
        # A key starting with "-" is a word ending ("-n't", "-'ll"); any other key is a whole word.
        self._whole = {self._key(k): v.casefold() for k, v in contractions.items() if not k.startswith("-")}
        self._endings = sorted(
            ((self._key(k[1:]), v.casefold()) for k, v in contractions.items() if k.startswith("-")),
            key=lambda kv: -len(kv[0]),
        )
        # Correction targets, bucketed by first letter: typos rarely change the first letter, and the
        # buckets keep each lookup to a few dozen comparisons.
        self._vocab: dict[str, list[str]] = {}
        for word in sorted(set(vocabulary)):
            if len(word) >= 4 and _ALPHA.fullmatch(word):
                self._vocab.setdefault(word[0], []).append(word)
        self._lemma = lru_cache(maxsize=_INNER_CACHE)(self._lemma_uncached)
        self._correct = lru_cache(maxsize=_INNER_CACHE)(self._correct_uncached)
        self.forms = lru_cache(maxsize=_INNER_CACHE)(self._forms)  # type: ignore[method-assign]
        self._cached_token = lru_cache(maxsize=_TOKEN_CACHE)(self._token)
        self._raw_cache: dict[str, tuple[Token | None, ...]] = {}

    @staticmethod
    def _key(text: str) -> str:
        return unicodedata.normalize("NFKC", text).casefold().translate(_QUOTES)

    def _lemma_uncached(self, word: str) -> tuple[str, ...]:
        out = {lemmatize(word, self.language).casefold(): None}
        for suffix, replacements in self._inflections:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                stem = word[: -len(suffix)]
                for r in replacements:
                    if is_known(stem + r, self.language):
                        out[stem + r] = None
                break
        return tuple(out)

    def _correct_uncached(self, word: str) -> str | None:
        if len(word) < 3 or not _ALPHA.fullmatch(word) or is_known(word, self.language):
            return None
        if any(word.endswith(c) for c in self._clitics):
            lemma = self._lemma(word)[0]
            if lemma != word and is_known(lemma, self.language):
                # A known verb with a pronoun glued on ("mandarme" -> "mandar"): not a misspelling of "matarme".
                return None
        choices = self._vocab.get(word[0])
        if not choices:
            return None
        if len(word) == 3:
            # Three letters: only a dropped letter ("kil"), never a swap, which would turn slang into words.
            choices = [c for c in choices if len(c) == 4]
        limit = 1 if len(word) < 7 else 2
        found = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=limit)
        return found[0] if found is not None else None

    def _expand(self, word: str) -> list[str]:
        """A word with its contraction opened ("isn't" -> "is not", "dont" -> "do not"), apostrophes dropped."""
        whole = self._whole.get(word)
        if whole is not None:
            return whole.split()
        if "'" in word:
            for ending, expansion in self._endings:
                if word.endswith(ending) and len(word) > len(ending):
                    return [word[: -len(ending)].replace("'", ""), *expansion.split()]
            word = word.replace("'", "")
            whole = self._whole.get(word)
            if whole is not None:
                return whole.split()
        return [word]

    @staticmethod
    def _raw(text: str) -> list[str]:
        return _TOKEN_APOS.findall(_deleet_text(_straight(text)))

    def words(self, text: str) -> list[str]:
        """The normalised surface words and sentence ends of ``text``, before spelling and lemmas."""
        out: list[str] = []
        whole = self._whole
        for tok in self._raw(text):
            if tok[0] in ".!?;\n," or (tok not in whole and "'" not in tok):
                out.append(tok)
            else:
                out.extend(self._expand(tok))
        return out

    def forms(self, word: str) -> tuple[str, ...]:
        """Every spelling a word may match as: itself, stretched letters squeezed, a correction, lemmas."""
        return self._forms(word)

    def _forms(self, word: str) -> tuple[str, ...]:
        out: dict[str, None] = {word: None}
        if _RUN3.search(word):
            out[_RUN3.sub(r"\1\1", word)] = None
            out[_RUN3.sub(r"\1", word)] = None
        for form in list(out):
            fixed = self._correct(form)
            if fixed is not None:
                out[fixed] = None
        unit = _NUMBER_WORD.fullmatch(word)
        if unit:
            # "4yo", "15yr": the unit alone is a form too, so word classes can name it.
            out[unit.group(1)] = None
        for form in list(out):
            for lemma in self._lemma(form):
                out[lemma] = None
        if self._clitics:
            self._peel(word, out)
        if self.fold:
            for form in list(out):
                out[form.translate(_FOLD)] = None
        return tuple(out)

    def _peel(self, word: str, out: dict[str, None]) -> None:
        """Adds the clitics glued to a verb as forms, for an unknown word the lemmatiser read as another
        ("matarme" -> "matar"), or whose stem is a known word with a verb ending ("darle" -> "dar")."""
        if is_known(word, self.language):
            return
        rest, peeled = word, []
        for _ in range(2):
            clitic = next((c for c in self._clitics if rest.endswith(c) and len(rest) - len(c) >= 2), None)
            if clitic is None:
                break
            peeled.append(clitic)
            rest = rest[: -len(clitic)]
        if not peeled:
            return
        if len(out) < 2:  # the lemmatiser did not read it: the stem must be a verb form it knows
            stem = rest.translate(_FOLD)
            if not stem.endswith(self._clitic_hosts) or not is_known(stem, self.language):
                return
            out[stem] = None
            out.update(dict.fromkeys(self._lemma(stem)))
        out.update(dict.fromkeys(peeled))

    def _token(self, word: str) -> Token:
        return Token(self.forms(word), clause=word in self._clause_words)

    def _raw_tokens(self, raw: str) -> tuple[Token | None, ...]:
        """The tokens one raw word stands for, a sentence end as None (it is dropped after another)."""
        out: list[Token | None] = []
        for word in self._expand(raw) if raw[0] not in ".!?;\n," else [raw]:
            if word == ",":
                out.append(_COMMA_TOKEN)
            elif word[0] in ".!?;\n":
                out.append(None)
            else:
                out.append(self._cached_token(word))
        result = tuple(out)
        if len(self._raw_cache) >= _RAW_LIMIT:
            self._raw_cache.clear()
        self._raw_cache[raw] = result
        return result

    def tokens(self, text: str) -> list[Token]:
        out: list[Token] = []
        cache = self._raw_cache
        for raw in self._raw(text):
            toks = cache.get(raw)
            if toks is None:
                toks = self._raw_tokens(raw)
            for token in toks:
                if token is not None:
                    out.append(token)
                elif out and not out[-1].brk:
                    out.append(_BREAK_TOKEN)
        return out

"""Crisis screening and situation matching, tested against the real content files."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml

from bot.content import SITUATIONS, SafetyCategory, SafetyFile, Situation
from bot.domain.matching import CrisisMatcher, PhraseMatcher, SituationMatcher, normalize, tokenize

CONTENT = Path(__file__).resolve().parents[2] / "content"
CATEGORIES = ("self_harm", "suicide", "abuse", "domestic_violence", "child_danger")


def _load_safety() -> SafetyFile:
    with (CONTENT / "safety" / "en.yaml").open(encoding="utf-8") as fh:
        return SafetyFile.model_validate(yaml.safe_load(fh))


def _load_situations() -> list[Situation]:
    with (CONTENT / "cards" / "en" / "situations.yaml").open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return [Situation.model_validate(s) for s in raw["situations"]]


SAFETY = _load_safety()
SITUATION_LIST = _load_situations()


@pytest.fixture(scope="module")
def crisis() -> CrisisMatcher:
    return CrisisMatcher(SAFETY)


@pytest.fixture(scope="module")
def situations() -> SituationMatcher:
    return SituationMatcher(SITUATION_LIST)


def _literal(pattern: str) -> str:
    """The plainest text a pattern should match: prefix stars dropped."""
    return " ".join(word.rstrip("*") for word in pattern.split())


# --------------------------------------------------------------------------------------------- normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello   World", "hello world"),
        ("DON'T", "dont"),
        ("don\u2019t won\u2019t can\u2018t", "dont wont cant"),  # curly apostrophes
        ("\u201cquoted\u201d 'single'", "quoted single"),  # quotes around words are punctuation
        ("self-harm", "self harm"),
        ("hello,world!!!", "hello world"),
        ("end.   of\tline\nnext", "end of line next"),
        ("sooooo tired", "soo tired"),
        ("noooo", "noo"),
        ("kill", "kill"),  # a real double letter is kept
        ("k1ll mys3lf", "kill myself"),
        ("su1c1de", "suicide"),
        ("selfh@rm", "selfharm"),
        ("h4t3 th1s", "hate this"),
        ("0verd0se", "overdose"),
        ("my 5yo and 13yo", "my 5yo and 13yo"),  # number + unit is not leetspeak
        ("2nd 10pm 3yrs", "2nd 10pm 3yrs"),
        ("1234 and 2024", "1234 and 2024"),  # plain numbers stay
        ("@mention", "mention"),
        ("\uff26\uff35\uff2c\uff2c width", "full width"),  # NFKC folds full-width letters
        ("Stra\u00dfe", "strasse"),  # casefold, not just lower
        ("caf\u00e9 na\u00efve", "caf\u00e9 na\u00efve"),  # letters with accents are kept
        ("emoji \U0001f62d here", "emoji here"),
        ("snake_case", "snake case"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_normalize_is_idempotent() -> None:
    for text in ["Don't!!  SOOOO k1ll", "self-harm\u2019s", "5yo @ 10pm", "wh@t?!"]:
        once = normalize(text)
        assert normalize(once) == once


def test_tokenize_offers_the_unstretched_form() -> None:
    assert tokenize("I want to diiiie") == [("i",), ("want",), ("to",), ("diie", "die")]
    assert tokenize("kill") == [("kill",)]
    assert " ".join(t[0] for t in tokenize("Sooo   MUCH!!")) == normalize("Sooo   MUCH!!")


# --------------------------------------------------------------------------------------------- PhraseMatcher


SYNTHETIC = [
    "red apple",
    "ban*",
    "self harm*",
    "won't go",
    "cat",
    "big red ball",
]


def test_phrase_matcher_whole_tokens_and_prefixes() -> None:
    m = PhraseMatcher(SYNTHETIC)
    assert m.find("a cat") == ["cat"]
    assert m.find("category concatenate scatter") == []  # never a substring
    assert m.find("bananas and bands") == ["ban*"]
    assert m.find("urban") == []  # a prefix anchors at the start of a token
    assert m.find("Cat!") == ["cat"]


def test_phrase_matcher_multiword_needs_consecutive_tokens() -> None:
    m = PhraseMatcher(SYNTHETIC)
    assert m.find("a RED apple") == ["red apple"]
    assert m.find("a red, shiny apple") == []
    assert m.find("apple red") == []
    assert m.find("the big red ball bounced") == ["big red ball"]
    assert m.find("the big red") == []  # running out of tokens is not a match


def test_phrase_matcher_joined_form_and_normalised_patterns() -> None:
    m = PhraseMatcher(SYNTHETIC)
    assert m.find("selfharm") == ["self harm*"]
    assert m.find("SELF-HARMING") == ["self harm*"]
    assert m.find("selfharmed again") == ["self harm*"]
    assert m.find("redapple") == ["red apple"]
    assert m.find("he wont go") == ["won't go"]
    assert m.find("he won\u2019t go") == ["won't go"]


def test_phrase_matcher_order_of_first_appearance_without_duplicates() -> None:
    m = PhraseMatcher(SYNTHETIC)
    text = "cat, red apple, banana, cat, red apple, big red ball"
    assert m.find(text) == ["cat", "red apple", "ban*", "big red ball"]
    assert m.find("banana then cat") == ["ban*", "cat"]


def test_phrase_matcher_stretched_letters() -> None:
    m = PhraseMatcher(["die", "so tired"])
    assert m.find("i want to diiiiie") == ["die"]
    assert m.find("sooooo tired") == ["so tired"]
    assert m.find("diet") == []


def test_phrase_matcher_prefix_inside_a_multiword_pattern() -> None:
    m = PhraseMatcher(["kil* myself", "want* to go"])
    assert m.find("killing myself") == ["kil* myself"]
    assert m.find("kil myself") == ["kil* myself"]
    assert m.find("she wanted to go") == ["want* to go"]
    assert m.find("killing yourself") == []


def test_phrase_matcher_spans_and_errors() -> None:
    m = PhraseMatcher(["a b", "b"])
    assert m.spans(tokenize("x a b")) == [(1, 3, 0), (2, 3, 1)]
    assert m.patterns == ("a b", "b")
    assert PhraseMatcher([]).find("anything at all") == []
    with pytest.raises(ValueError):
        PhraseMatcher(["ok", "  !!! "])


def test_phrase_matcher_is_fast_on_long_text() -> None:
    patterns = [f"word{i} thing*" for i in range(2000)] + [f"stem{i}*" for i in range(2000)]
    m = PhraseMatcher(patterns)
    text = ("nothing to see here, just words and more words " * 100)[:4096] + " word1999 things"
    start = time.perf_counter()
    for _ in range(10):
        assert m.find(text) == ["word1999 thing*"]
    assert (time.perf_counter() - start) / 10 < 0.1


# --------------------------------------------------------------------------------------------- safety content


def test_safety_file_has_the_expected_categories() -> None:
    assert [c.id for c in SAFETY.categories] == list(CATEGORIES)
    for category in SAFETY.categories:
        assert len(category.patterns) >= 60, category.id
        assert len(set(category.patterns)) == len(category.patterns), category.id
    assert len(SAFETY.exclude) >= 10


def test_safety_resources_text() -> None:
    text = SAFETY.resources
    assert len(text) < 900
    assert "monitor" in text.lower()
    for number in ("112", "911", "999"):
        assert number in text
    assert "findahelpline.com" in text
    assert not re.search(r"<[a-z/][^>]*>", text, re.IGNORECASE), "resources must be plain text"
    assert "SAFETY_RESOURCES_FILE" not in text


@pytest.mark.parametrize("category", SAFETY.categories, ids=lambda c: c.id)
def test_every_pattern_matches_its_own_words(crisis: CrisisMatcher, category: SafetyCategory) -> None:
    """No exclusion swallows a pattern, and every pattern survives normalisation."""
    for pattern in category.patterns:
        assert category.id in crisis.match(f"so {_literal(pattern)} now"), pattern


def test_every_exclusion_neutralises_itself(crisis: CrisisMatcher) -> None:
    for phrase in SAFETY.exclude:
        assert crisis.match(_literal(phrase)) == [], phrase


CRISIS_POSITIVE: dict[str, list[str]] = {
    "self_harm": [
        "She cuts herself",
        "my daughter is cutting herself and hides it",
        "I found out he's been cutting himself",
        "I cut myself again last night",
        "Cuting myself is the only thing that helps",
        "I think my son is self harming",
        "She SELF-HARMS when she's stressed",
        "selfharm",
        "slef harm again",
        "he cut his wrists",
        "she has cuts on her arms",
        "I want to hurt myself",
        "she's been burning herself with a lighter",
        "he's hurting himself on purpose",
        "she took an overdose",
        "he overdosed last year",
        "i'm going to OD",
        "she took a bunch of pills",
        "she makes herself throw up after dinner",
        "he is starving himself",
    ],
    "suicide": [
        "I want to kill myself",
        "i want to kil myself",
        "she wants to die",
        "He said he wanted to die.",
        "my son is suicidal",
        "suiside",
        "she talked about sucide",
        "he's sucidal",
        "i feel suisidal",
        "K1ll mys3lf",
        "i want to diiiiie",
        "I WANT TO DIE!!!",
        "I want to die for real",
        "I'm thinking about ending my life",
        "she said everyone would be better off without me",
        "i dont want to live anymore",
        "I don\u2019t want to be alive",
        "she tried to take her own life",
        "he talked about hanging himself",
        "I wish I was dead",
        "he said he would kill himself",
        "my teen said she wants to unalive herself",
        "i wanna die",
        "kids at school told him to kys",
    ],
    "abuse": [
        "my daughter was molested",
        "her uncle touched her",
        "he touches her inappropriately",
        "my stepdad touches her at night",
        "she was raped",
        "he was sexually abused by a coach",
        "I think she is being abused",
        "my ex abused the kids",
        "her grandpa touched her private parts",
        "he made her touch his",
        "she is being groomed online",
        "my husband hits the kids",
        "she was sexually assaulted at a party",
        "she has unexplained bruises",
    ],
    "domestic_violence": [
        "he hits me",
        "He hit me again last night",
        "he beats me",
        "my husband beats me",
        "my boyfriend punched me",
        "my partner choked me",
        "he hits us when he drinks",
        "he locked us in the bedroom",
        "she locked me in",
        "it's domestic violence",
        "I'm not safe at home",
        "I don't feel safe at home",
        "I'm scared of my husband",
        "he threatened to kill me",
        "he threatened me with a knife",
        "my ex strangled me",
        "he won't let me leave the house",
        "he beat me up",
        "she's in an abusive relationship",
    ],
    "child_danger": [
        "I'm scared I'll hurt the baby",
        "my husband shakes the baby",
        "he shook the baby when she wouldn't stop crying",
        "I have thoughts of hurting my baby",
        "I want to hurt my baby",
        "she left him alone for days",
        "they left them alone for days with no food",
        "my son is missing",
        "he ran away from home",
        "someone tried to kidnap her",
        "a stranger online asked her for nudes",
        "a man is sextorting my son",
        "he swallowed a button battery",
        "she's not breathing",
        "they lock him in the closet",
        "my daughter hasn't come home",
    ],
}


@pytest.mark.parametrize(
    ("category", "text"),
    [(category, text) for category, texts in CRISIS_POSITIVE.items() for text in texts],
)
def test_crisis_positive(crisis: CrisisMatcher, category: str, text: str) -> None:
    assert category in crisis.match(text)


CRISIS_NEGATIVE = [
    "She's killing it at school this term",
    "I'm dying to know what she thinks of the new teacher",
    "She hit her brother with a pillow",
    "The phone died halfway through the call",
    "I was scared to death when he fell off the swing",
    "We cut the cake together and he was so proud",
    "I could kill for a coffee right now",
    "My heart broke when she cried at drop-off",
    "He died laughing at his own joke",
    "The battery died on the iPad and he melted down",
    "He hits his sister when she takes his toys",
    "She slammed the door and won't talk to me",
    "He's bored to death with homework",
    "I'm dead tired after the night shift",
    "This cake is to die for",
    "I'd die of embarrassment if he did that again",
    "He beat me at chess three times in a row",
    "Beats me why she refuses broccoli",
    "My husband hit the roof when he saw the drawings on the wall",
    "My partner kicked off about the mess in the kitchen",
    "I need to cut myself some slack after this week",
    "I'm burning myself out trying to do everything",
    "He shot himself in the foot by lying about homework",
    "If your friends jumped off a bridge would you do it too?",
    "We had to kill time at the airport",
    "She overdosed on sugar at the party",
    "He has nightmares about monsters under the bed",
    "She's so disappointed she didn't make the team",
    "She's been crying a lot since her grandma died",
    "Our dog died last week and he keeps asking about it",
    "We talk about good touch bad touch at home",
    "My daughter wants to die her hair pink",
    "He's going to kill himself on that trampoline one day",
    "She was choking on her words when she tried to apologise",
    "My mother in law will kill me if I forget her birthday",
    "I hit my head on the cupboard",
    "It hit me that she is growing up so fast",
    "I took two pills for my headache",
    "The baby is teething and screaming",
    "He shook his head and walked away",
    "She has a cut on her knee from the playground",
    "My toddler bit me and then laughed",
]


@pytest.mark.parametrize("text", CRISIS_NEGATIVE)
def test_crisis_negative(crisis: CrisisMatcher, text: str) -> None:
    assert crisis.match(text) == [], crisis.explain(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dying to know if he is ok, I want to kill myself", ["suicide"]),
        ("I'm dying to know... she said she wants to die", ["suicide"]),
        ("she's killing it at school but she cuts herself", ["self_harm"]),
        ("I was scared to death, he hits me when he drinks", ["domestic_violence"]),
        ("this cake is to die for. i want to die", ["suicide"]),
        ("I could kill for a nap, I'm so tired I wish I was dead", ["suicide"]),
        ("he beat me at cards and then he beat me up", ["domestic_violence"]),
    ],
)
def test_exclusion_then_match(crisis: CrisisMatcher, text: str, expected: list[str]) -> None:
    assert crisis.match(text) == expected


def test_crisis_categories_in_order_of_appearance(crisis: CrisisMatcher) -> None:
    assert crisis.match("he hits me and I want to die") == ["domestic_violence", "suicide"]
    assert crisis.match("I want to die, he hits me, I want to die") == ["suicide", "domestic_violence"]
    assert crisis.explain("she cuts herself") == [("self_harm", "cut* herself")]


def test_exclusions_do_not_join_the_words_around_them() -> None:
    safety = SafetyFile(
        categories=(SafetyCategory(id="x", label="X", patterns=("want help",)),),
        exclude=("to know",),
        resources="Call your local emergency number.",
    )
    matcher = CrisisMatcher(safety)
    assert matcher.match("I want help") == ["x"]
    assert matcher.match("I want to know help") == []


def test_crisis_matcher_is_fast_on_a_full_message(crisis: CrisisMatcher, situations: SituationMatcher) -> None:
    text = ("My son keeps hitting his sister and slamming the door, he won't talk to me. " * 60)[:4096]
    start = time.perf_counter()
    for _ in range(10):
        crisis.match(text)
        situations.match(text)
    assert (time.perf_counter() - start) / 10 < 0.2


# --------------------------------------------------------------------------------------------- situations


def test_situations_file_covers_every_situation() -> None:
    assert [s.id for s in SITUATION_LIST] == list(SITUATIONS)
    for s in SITUATION_LIST:
        assert s.title
        assert len(s.keywords) >= 25, s.id
        assert len(set(s.keywords)) == len(s.keywords), s.id


@pytest.mark.parametrize("situation", SITUATION_LIST, ids=lambda s: s.id)
def test_every_keyword_matches_its_own_situation(situations: SituationMatcher, situation: Situation) -> None:
    for keyword in situation.keywords:
        assert situation.id in situations.match(_literal(keyword)), keyword


SITUATION_POSITIVE = [
    ("He has a tantrum every time we leave the park", "tantrum"),
    ("Total MELT-DOWN at the supermarket", "tantrum"),
    ("she was melting down over the wrong cup", "tantrum"),
    ("another tantrim this morning", "tantrum"),
    ("tantruuuums all day", "tantrum"),
    ("He hit me when I said no", "hitting"),
    ("she smacked her friend", "hitting"),
    ("my toddler keeps biting", "hitting"),
    ("he bit his sister", "hitting"),
    ("he punched the wall", "hitting"),
    ("my kids fight all the time", "siblings"),
    ("she's jealous of the new baby", "siblings"),
    ("my boys are always bickering", "siblings"),
    ("he has nightmares every night", "night_fear"),
    ("she's scared of the dark", "night_fear"),
    ("he says there's a monster in the closet", "night_fear"),
    ("she can't sleep without me", "night_fear"),
    ("she hates school", "school"),
    ("his teacher says he doesn't listen", "school"),
    ("homework is a battle", "school"),
    ("too much screen time", "screens"),
    ("he won't get off the iPad", "screens"),
    ("he plays Fortnite all day", "screens"),
    ("she's on TikTok constantly", "screens"),
    ("he gets angry when I switch off the Xbox", "screens"),
    ("she slammed the door", "door_silence"),
    ("he slams doors when he's angry", "door_silence"),
    ("he gives me the silent treatment", "door_silence"),
    ("my teen won't talk to me", "door_silence"),
    ("she ignores me", "door_silence"),
    ("he's shut in his room all day", "door_silence"),
    ("she has no friends", "friendship"),
    ("she's being bullied", "friendship"),
    ("he wasn't invited to the party", "friendship"),
    ("he's so disappointed", "disappointment"),
    ("she didn't make the team", "disappointment"),
    ("he's a sore loser", "disappointment"),
]


@pytest.mark.parametrize(("text", "situation"), SITUATION_POSITIVE)
def test_situation_positive(situations: SituationMatcher, text: str, situation: str) -> None:
    assert situation in situations.match(text)


@pytest.mark.parametrize(
    "text",
    [
        "we had a nice time at the park",
        "she is sad today",
        "no",
        "I said no to ice cream",
        "can you help",
        "he ate all his dinner",
        "She gets so upset",
        "thank you",
        "what should I do",
        "he is 4 and loves dinosaurs",
    ],
)
def test_situation_negative(situations: SituationMatcher, text: str) -> None:
    assert situations.match(text) == []


def test_situations_in_order_of_first_appearance(situations: SituationMatcher) -> None:
    assert situations.match("After the iPad goes off he has a meltdown and hits his sister") == [
        "screens",
        "tantrum",
        "hitting",
        "siblings",
    ]
    assert situations.match("tantrum, tantrum, and another tantrum") == ["tantrum"]
    assert situations.match("nightmares, then school, then more nightmares") == ["night_fear", "school"]

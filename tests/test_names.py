import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citizenbot.names import NameEntry, NameIndex, guess_street, word_score

STREETS = ["Hämeenkatu", "Itsenäisyydenkatu", "Teiskontie", "Sammonkatu", "Hatanpään valtatie", "Kalevantie", "Insinöörinkatu"]
DISTRICTS = ["Hervanta", "Lielahti", "Kaleva", "Tesoma", "Nekala", "Hatanpää", "Pyynikki", "Kauppi", "Vuores", "Koukkuniemi", "Takahuhti", "Lukonmäki"]


@pytest.fixture(scope="module")
def index():
    entries = [NameEntry("street", n, n, n) for n in STREETS]
    entries.append(NameEntry("street", "Hämeenkatu", "Hämeenkatu", "Tavastgatan"))
    entries += [NameEntry("district", n, n, n) for n in DISTRICTS]
    entries.append(NameEntry("plan", "8680", "Ranta-Tampella", "Ranta-Tampella"))
    return NameIndex(entries)


@pytest.mark.parametrize(
    "text, key",
    [
        ("Milloin Hämeenkadulla aurataan", "Hämeenkatu"),
        ("hameenkadun auraus", "Hämeenkatu"),  # no ä, genitive
        ("Hämenkadulla on kuoppa", "Hämeenkatu"),  # typo and inflection
        ("Teiskontiellä", "Teiskontie"),
        ("Itsenäisyydenkadulla", "Itsenäisyydenkatu"),
        ("Insinoorinkadulla", "Insinöörinkatu"),
        ("Sammonkadun kulmassa", "Sammonkatu"),
        ("på Tavastgatan", "Hämeenkatu"),
        ("Hervannassa", "Hervanta"),
        ("Lielahdessa asun", "Lielahti"),
        ("Tesomalla", "Tesoma"),
        ("Nekalassa", "Nekala"),
        ("Pyynikillä", "Pyynikki"),
        ("Kaupissa", "Kauppi"),
        ("Vuoreksessa", "Vuores"),
        ("Koukkuniemessä", "Koukkuniemi"),
        ("Takahuhdissa", "Takahuhti"),
        ("Lukonmäellä", "Lukonmäki"),
        ("Ranta-Tampellan kaava", "8680"),
    ],
)
def test_inflected_and_misspelt_names_are_found(index, text, key):
    match = index.best(text)
    assert match is not None and match.entry.key == key


def test_a_longer_name_wins_over_a_name_inside_it(index):
    (match,) = index.find("Hatanpään valtatiellä 12 valo rikki")
    assert match.entry.key == "Hatanpään valtatie"
    assert match.number == "12"
    assert match.text == "Hatanpään valtatie 12"


def test_a_street_is_not_mistaken_for_a_district_inside_it(index):
    assert [m.entry.key for m in index.find("Kalevantiellä on kuoppa")] == ["Kalevantie"]


@pytest.mark.parametrize("text", ["kalenteri", "kaupassa oli jonoa", "kauppaan menossa", "tiessä on kuoppa", "hervottoman hyvä"])
def test_ordinary_words_are_not_names(index, text):
    assert index.find(text) == []


def test_kinds_filter(index):
    assert index.find("Hervannassa", kinds=["street"]) == []


def test_word_score_is_zero_for_unrelated_words():
    assert word_score("kissa", "hervanta") == 0.0


@pytest.mark.parametrize(
    "text, name",
    [
        ("Tuntemattomankadulla on kuoppa", "Tuntemattomankatu"),
        ("Kuusikujalla lamppu rikki", "Kuusikuja"),
        ("Björkvägen 3", "Björkvägen"),
        ("a pothole on Maple Street", "Maple Street"),
    ],
)
def test_unknown_streets_are_guessed_in_base_form(text, name):
    assert guess_street(text) == name


@pytest.mark.parametrize("text", ["pyörätiellä on kuoppa", "Tiessä on kuoppa", "kävelykadulla", "meidän pikkukatu on auraamatta", "the main road",
                                  "I want to report a broken street light", "the icy road to school",
                                  "Street lights are out", "the road works block the sidewalk"])
def test_common_nouns_are_not_streets(text):
    assert guess_street(text) is None


def test_a_100_kb_message_is_read_whole_and_a_long_word_is_not_a_name(index):
    sentence = "Milloin Hämeenkadulla aurataan, onko Hervannassa liukasta? "
    repeats = 100_000 // len(sentence) + 1
    text = sentence * repeats + "Viimeiseksi: Teiskontiellä on kuoppa."
    assert len(text) >= 100_000
    matches = index.find(text)
    keys = [m.entry.key for m in matches]
    assert keys.count("Hämeenkatu") == keys.count("Hervanta") == repeats
    assert keys[-1] == "Teiskontie" and matches[-1].end == text.index(" on kuoppa.")
    assert [m.start for m in matches] == sorted(m.start for m in matches)
    # one 100 KB "word" made of a street name is no street; the name after it still is
    assert [m.entry.key for m in index.find("hameenkatu" * 10_000 + " Hämeenkadulla")] == ["Hämeenkatu"]


def test_a_word_longer_than_any_name_form_is_skipped_but_the_longest_forms_are_found(index):
    longest = "Itsenäisyydenkadullakin"  # the longest name with a long ending
    assert len(longest) <= index.max_word_len
    assert index.best(longest).entry.key == "Itsenäisyydenkatu"
    assert index.find("Itsenäisyydenkatu" + "x" * index.max_word_len) == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(STREETS + DISTRICTS + ["Hämeenkadulla", "Hervannassa", "12", "ja"]),
                          st.text(max_size=40)), max_size=30))
def test_any_text_gives_ordered_non_overlapping_matches_inside_it(index, parts):
    text = " ".join(parts)
    matches = index.find(text)
    assert all(0 <= m.start < m.end <= len(text) for m in matches)
    assert all(a.end <= b.start for a, b in zip(matches, matches[1:], strict=False))
    assert all(0 < m.score <= 1 for m in matches)

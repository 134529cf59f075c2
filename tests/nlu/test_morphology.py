"""Finnish base forms and compound parts (Voikko)."""

import pytest

from citizenbot.nlu import morphology

pytestmark = pytest.mark.skipif(not morphology.available(), reason="Voikko is not installed (libvoikko1, voikko-fi)")


@pytest.mark.parametrize("word, expected", [
    ("kevyenliikenteenväylällä", "kevyenliikenteenvayla kevyt liikenne vayla"),
    ("katuvalaisin", "katuvalaisin katu valaisin"),
    ("roska-astiat", "roska-astia roska astia"),
    ("leikkipuistossa", "leikkipuisto leikki puisto"),
    ("kasataan", "kasata"),
    ("hukkunut", "hukkunut hukkua"),
])
def test_base_forms_and_compound_parts(word, expected):
    assert morphology.analysis(word) == expected


def test_unknown_words_and_hyphenated_names():
    assert morphology.analysis("Xyzzyqwv") is None
    assert morphology.analysis("Sortti-asemalle").endswith("asema")

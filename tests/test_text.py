from citizenbot.text import fold, lemma, normalise_for_rules, words


def test_fold_removes_nordic_diacritics_and_case():
    assert fold("Hämeenkatu") == fold("HAMEENKATU") == "hameenkatu"
    assert fold("Tavastgatan  Åbo") == "tavastgatan abo"


def test_words_keeps_hyphenated_names_whole():
    assert words("Ranta-Tampellan kaava, nro 8680?") == ["Ranta-Tampellan", "kaava", "nro", "8680"]


def test_lemma_uses_the_language_given():
    assert lemma("kadulla", "fi") == "katu"
    assert lemma("gatan", "sv") == "gata"
    assert lemma("streets", "en") == "street"


def test_normalise_for_rules_joins_folded_words():
    assert normalise_for_rules("Hän ei saa henkeä!") == "han ei saa henkea"

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


def test_the_new_languages_are_lemmatised_where_simplemma_can(monkeypatch):
    from citizenbot.text import lemma

    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    lemma.cache_clear()
    assert lemma("улицах", "ru") == "улица"
    assert lemma("вулицях", "uk") == "вулиця"
    assert lemma("tänavatel", "et") == "tänav"
    assert lemma("الشوارع", "ar") == "الشوارع"  # no dictionary: as written
    assert lemma("waddooyinka", "so") == "waddooyinka"


def test_arabic_script_spellings_share_one_feature():
    from citizenbot.text import feature_form

    assert feature_form("خیابان‌ها") == feature_form("خيابانها")  # Persian yeh, ZWNJ
    assert feature_form("كتاب") == feature_form("کتاب")  # Arabic and Persian kaf
    assert feature_form("مُسْتَشْفـى") == feature_form("مستشفي")  # vowel marks, tatweel, alef maksura
    assert feature_form("Hämeenkatu") == "hameenkatu"

from pathlib import Path

import pytest

from citizenbot.language import choose_language, detect, requested_language


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Milloin Hämeenkatu aurataan?", "fi"),
        ("milloin hameenkatu aurataan", "fi"),
        ("When is Hämeenkatu plowed?", "en"),  # a Finnish street name must not make it Finnish
        ("Vilka planer är på gång i Lielahti?", "sv"),
        ("Sparas mina uppgifter?", "sv"),
        ("My friend is unconscious", "en"),
        ("Hän ei saa henkeä", "fi"),
        ("Är isbanan öppen?", "sv"),
        ("the street lamp outside my house is out", "en"),
        ("jag har kräkts hela natten", "sv"),
    ],
)
def test_clear_sentences_are_detected(text, lang):
    detection = detect(text)
    assert detection.lang == lang
    assert detection.clear


@pytest.mark.parametrize("text, lang", [("moi", "fi"), ("hej", "sv"), ("hi", "en"), ("kiitos", "fi"), ("tack", "sv"), ("thanks", "en"), ("Hej då", "sv")])
def test_short_words_come_from_the_lexicon(text, lang):
    assert choose_language(text) == lang


def test_page_hint_decides_the_first_short_message():
    assert choose_language("hi", hint="sv") == "sv"
    assert choose_language("moi", hint="en") == "en"
    assert choose_language("Hervanta?", hint="sv") == "sv"


def test_a_clear_message_wins_over_the_page_hint():
    assert choose_language("Milloin Hämeenkatu aurataan?", hint="sv") == "fi"


def test_language_sticks_for_short_and_ambiguous_messages():
    assert choose_language("ok", current="sv") == "sv"
    assert choose_language("Hämeenkatu 10", current="en") == "en"
    assert choose_language("1234", current="sv", hint="fi") == "sv"
    assert choose_language("ja", current="fi") == "fi"


def test_a_clear_switch_changes_the_language():
    assert choose_language("Vem ansvarar för snöröjningen på trottoaren?", current="fi") == "sv"
    assert choose_language("When is my street plowed?", current="fi") == "en"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Can we switch to Finnish?", "fi"),
        ("på svenska tack", "sv"),
        ("voitko vastata englanniksi", "en"),
        ("puhu ruotsia", "sv"),
        ("in English please", "en"),
        ("what languages do you speak", None),
    ],
)
def test_explicit_requests(text, lang):
    assert requested_language(text) == lang


def test_an_explicit_request_wins():
    assert choose_language("Can we switch to Finnish?", current="en", requested="fi") == "fi"


def test_unknown_values_are_ignored():
    assert choose_language("moi", current="de", hint="xx") == "fi"
    assert choose_language("", default="sv") == "sv"


def test_the_decision_for_a_resident_message():
    from citizenbot.language import decide

    assert decide("hello", current="fi", hint="sv", chosen=True) == "sv"  # the widget's switch
    assert decide("hello", current="fi", hint="sv") == "fi"  # a page hint alone does not override
    assert decide("/maintenance.park", current="sv", hint="fi") == "sv"  # a button says nothing
    assert decide("voitko vastata englanniksi", current="fi", about_language=True) == "en"
    assert decide("voitko vastata englanniksi", current="fi") == "fi"  # not understood as a request
    assert decide("", hint=["fi"], default="sv") == "sv"  # a malformed hint is ignored


def test_a_switch_request_knows_the_language_it_was_written_in():
    from citizenbot.language import Switch, switch_request

    assert switch_request("Can we switch to Finnish?") == Switch("fi", "en")
    assert switch_request("voidaanko jatkaa suomeksi") == Switch("fi", "fi")
    assert switch_request("what languages do you speak") is None


def test_a_stored_message_is_filed_under_a_confident_detection_else_the_page():
    from citizenbot.language import language_of_stored

    assert language_of_stored("sv", 0.9, "fi") == "sv"
    assert language_of_stored("sv", 0.5, "fi") == "fi"
    assert language_of_stored(None, 0.0, "de") is None


def test_detection_is_restricted_to_the_served_languages(monkeypatch):
    monkeypatch.setenv("SERVED_LANGUAGES", "fi,sv")
    assert detect("the street lamp outside my house is out").lang in ("fi", "sv")
    assert choose_language("hi", hint="en") != "en"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("У мужа сильная боль в груди и он задыхается", "ru"),
        ("Допоможіть, тато не дихає", "uk"),
        ("mu mees kukkus ja ei reageeri", "et"),
        ("Aabbahay wuu dhacay mana neefsanayo", "so"),
        ("أمي فاقدة الوعي", "ar"),
        ("مادرم بیهوش شده", "fa"),
        ("مادرم بيهوش شده", "fa"),  # written with Arabic yeh
        ("我家门口的路灯坏了", "zh"),
        ("Sokağımızdaki lamba yanmıyor", "tr"),
    ],
)
def test_an_unserved_language_is_recognised(text, lang, monkeypatch):
    from citizenbot.language import unserved_language

    monkeypatch.setenv("SERVED_LANGUAGES", "fi,sv,en")  # a city serving fewer than the default nine
    assert unserved_language(text) == lang


def test_the_safety_rules_language_helps_a_short_emergency(monkeypatch):
    from citizenbot.language import unserved_language

    monkeypatch.setenv("SERVED_LANGUAGES", "fi,sv,en")
    assert unserved_language("isa ei hinga", rule_lang="et") == "et"
    assert unserved_language("isä ei hengitä, apua", rule_lang="et") is None  # clearly Finnish


def test_a_served_language_is_never_taken_for_an_unserved_one():
    """Every training example and evaluation question of the served languages (about 12,800)."""
    from citizenbot.language import unserved_language
    from citizenbot.trainer.project import read_eval_file, read_examples

    root = Path(__file__).resolve().parents[1]
    texts = [e.text for lang in ("fi", "sv", "en") for p in (root / "data" / "nlu" / lang).glob("*.yml")
             for e in read_examples(p, lang)]
    # only the served languages' questions: tests/eval also holds held-out questions of languages
    # not served yet (heldout_ru.tsv, ...), which must be taken for unserved ones until they are
    texts += [q.text for p in (root / "tests" / "eval").glob("*.tsv") for q in read_eval_file(p)
              if q.lang in ("fi", "sv", "en")]
    assert len(texts) > 10000
    assert [t for t in texts if unserved_language(t)] == []


def test_a_served_language_is_not_unserved(monkeypatch):
    from citizenbot.language import unserved_language

    monkeypatch.setenv("SERVED_LANGUAGES", "fi,sv,en,et")
    assert unserved_language("mu mees kukkus ja ei reageeri") is None


def test_by_default_only_chinese_and_turkish_are_unserved(monkeypatch):
    from citizenbot.language import unserved_language

    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    for text in ("У мужа сильная боль в груди и он задыхается", "mu mees kukkus ja ei reageeri",
                 "Aabbahay wuu dhacay mana neefsanayo", "مادرم بیهوش شده"):
        assert unserved_language(text) is None
    assert unserved_language("我家门口的路灯坏了") == "zh"
    assert unserved_language("Sokağımızdaki lamba yanmıyor") == "tr"


# Neighbouring languages the detector must keep apart among all nine, short and long.
@pytest.mark.parametrize(
    "text, lang",
    [
        ("Millal meie tänavalt lund lükatakse?", "et"),
        ("tänav on libe", "et"),
        ("Lapsel on palavik, mida ma peaksin tegema ja kuhu helistada?", "et"),
        ("Milloin meidän katu aurataan?", "fi"),
        ("isä ei hengitä", "fi"),
        ("Lapsella on kuumetta, mitä minun pitäisi tehdä ja minne soittaa?", "fi"),
        ("снег не убрали", "ru"),
        ("Когда уберут снег на нашей улице? Уже неделю не могу выйти из дома.", "ru"),
        ("сніг не прибрали", "uk"),
        ("Коли приберуть сніг на нашій вулиці? Вже тиждень не можу вийти з дому.", "uk"),
        ("الشارع زلق جدا", "ar"),
        ("متى تتم إزالة الثلج من شارعنا؟ لا أستطيع الخروج من البيت منذ أسبوع.", "ar"),
        ("خیابان لیز است", "fa"),
        ("برف خیابان ما کی پاک می‌شود؟ یک هفته است نمی‌توانم از خانه بیرون بروم.", "fa"),
        ("waddada waa siibasho", "so"),
    ],
)
def test_neighbouring_languages_are_told_apart(text, lang, monkeypatch):
    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    detection = detect(text)
    assert (detection.lang, detection.clear) == (lang, True)


def test_a_short_greeting_in_a_new_language_comes_from_the_lexicon(monkeypatch):
    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    for text, lang in (("привет", "ru"), ("дякую", "uk"), ("aitäh", "et"), ("شكرا", "ar"), ("mahadsanid", "so"),
                       ("ممنون", "fa"), ("kiitos", "fi")):
        assert detect(text).lang == lang
        assert choose_language(text) == lang  # the first message, no page language


def test_finnish_training_examples_are_not_taken_for_estonian(monkeypatch):
    """The served languages' training examples are detected clearly as another served language
    (measured: 1 of 4,937 Finnish ones, "ei se ole se katu", as Estonian)."""
    from citizenbot.trainer.project import read_examples

    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    root = Path(__file__).resolve().parents[1]
    for lang in ("fi", "sv", "en"):
        examples = [e.text for p in (root / "data" / "nlu" / lang).glob("*.yml") for e in read_examples(p, lang)]
        wrong = [t for t in examples if (d := detect(t)).clear and d.lang != lang]
        assert len(wrong) <= 0.001 * len(examples), wrong


def test_the_112_answer_during_a_handoff_is_in_the_emergencys_language(monkeypatch):
    from citizenbot.language import emergency_language

    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    assert emergency_language("У мужа сильная боль в груди и он задыхается", "ru", "fi") == "ru"
    assert emergency_language("Aabbahay wuu dhacay mana neefsanayo", "so", "en") == "so"
    assert emergency_language("我父亲不能呼吸了", "zh", "fi") == "zh"  # not served: still its own language
    assert emergency_language("apua!!", None, "sv") == "sv"  # nothing to tell: the conversation's

"""Text at the door: any text becomes valid UTF-8 within the cap (hypothesis), and the channels'
fixed texts exist in every served language."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from citizenbot import door
from citizenbot.settings import served_languages

# any code point, lone surrogates and control characters included
ANY_TEXT = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=300)


@settings(max_examples=500, deadline=None)
@given(ANY_TEXT, st.integers(1, 400))
def test_any_text_is_admitted_as_valid_utf8_within_the_cap(text, limit):
    admitted = door.admit(text, limit)
    admitted.text.encode("utf-8")  # raises on a lone surrogate
    assert len(admitted.text) <= limit
    assert admitted.cut == (len(door.clean(text)) > limit)
    assert admitted.text == door.clean(text)[:limit]
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in admitted.text)


def test_what_is_cleaned_and_what_is_kept():
    assert door.clean("Hämeenkatu\ud83d 10\x00\x07\n\tok 😀") == "Hämeenkatu\ufffd 10\n\tok 😀"


def test_the_channels_texts_exist_in_every_language_and_name_the_cap(monkeypatch):
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "1234")
    for key in (door.MESSAGE_CUT, door.TRY_AGAIN, door.NO_ANSWER):
        texts = {lang: door.notice(key, lang) for lang in served_languages()}
        assert len(set(texts.values())) == len(texts) and all("{" not in t for t in texts.values())
    assert all("1234" in door.notice(door.MESSAGE_CUT, lang) for lang in served_languages())
    assert door.notice(door.TRY_AGAIN, "xx") == door.notice(door.TRY_AGAIN, "fi")  # unknown: the default
    message = door.notice_message(door.NO_ANSWER, "sv", "r1")
    assert message["recipient_id"] == "r1" and message["custom"]["topic"] == door.NO_ANSWER
    assert message["custom"]["lang"] == "sv" and len(message["custom"]["id"]) == 32


def test_a_newer_language_gets_its_translation_else_english(tmp_path, monkeypatch):
    import shutil

    import yaml

    from citizenbot.translations import source_sha

    kb = tmp_path / "kb"
    shutil.copytree(Path(__file__).resolve().parents[1] / "kb", kb)
    english = yaml.safe_load((kb / "answers" / "system.yml").read_text(encoding="utf-8"))["answers"]
    shutil.rmtree(kb / "answers" / "so")  # a newer language whose translations are not there yet
    (kb / "answers" / "ru").mkdir(exist_ok=True)
    (kb / "answers" / "ru" / "system.yml").write_text(yaml.safe_dump({"answers": {door.TRY_AGAIN: {
        "text": "Что-то пошло не так. Попробуйте ещё раз.", "source": "en",
        "source_sha": source_sha(english[door.TRY_AGAIN]["en"]), "status": "draft", "translated": "2026-12-06"}}},
        allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("KB_DIR", str(kb))
    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    door._texts.cache_clear()
    try:
        assert door.notice(door.TRY_AGAIN, "ru") == "Что-то пошло не так. Попробуйте ещё раз."
        assert door.notice(door.NO_ANSWER, "so") == door.notice(door.NO_ANSWER, "en")  # not translated yet
        assert door.notice(door.NO_ANSWER, "zh") == door.notice(door.NO_ANSWER, "fi")  # not served: the default
    finally:
        door._texts.cache_clear()

"""Configuration from the environment: the served languages."""

from citizenbot.settings import DEFAULT_LANGUAGES, get_settings, served_languages


def test_the_served_languages_default_to_finnish_swedish_english(monkeypatch):
    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    assert served_languages() == DEFAULT_LANGUAGES == ("fi", "sv", "en")
    assert get_settings().languages == DEFAULT_LANGUAGES


def test_the_served_languages_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SERVED_LANGUAGES", " FI, sv,fi ,")
    assert served_languages() == ("fi", "sv")
    monkeypatch.setenv("SERVED_LANGUAGES", " , ")
    assert served_languages() == DEFAULT_LANGUAGES

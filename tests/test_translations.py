"""Translated answer texts (kb/answers/<lang>/): loaded as the answer in that language with their
status, one owner per text, city data a translation lacks in English then Finnish."""

import shutil
from pathlib import Path

import pytest
import yaml

from citizenbot.answer_params import allowed_params
from citizenbot.content import PLACEHOLDER_RE, ContentError, load_content, pick_text, render
from citizenbot.translations import load_translations, source_sha

from .conftest import KB_DIR


def copy_kb(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(KB_DIR, target)
    return target


def english(kb: Path, file: str, key: str) -> str:
    return yaml.safe_load((kb / "answers" / f"{file}.yml").read_text(encoding="utf-8"))["answers"][key]["en"]


def write_translation(kb: Path, lang: str, file: str, entries: dict) -> Path:
    path = kb / "answers" / lang / f"{file}.yml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(yaml.safe_dump({"answers": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def entry(text: str, source_text: str, status: str = "draft") -> dict:
    return {"text": text, "source": "en", "source_sha": source_sha(source_text), "status": status,
            "translated": "2026-12-06"}


@pytest.fixture
def kb(tmp_path):
    return copy_kb(tmp_path)


def test_source_sha_is_the_first_twelve_hex_digits_of_sha1():
    assert source_sha("Call 112") == "e637dc6978c5"  # hashlib.sha1(b"Call 112").hexdigest()[:12]


def test_a_translation_is_the_answer_in_its_language_with_its_status(kb, monkeypatch):
    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    source = english(kb, "meta", "meta.thanks")
    write_translation(kb, "ru", "meta", {"meta.thanks": entry("Пожалуйста! Спрашивайте ещё.", source)})
    content = load_content(kb, "tampere")
    assert content.answers["meta.thanks"]["ru"] == "Пожалуйста! Спрашивайте ещё."
    translation = content.translations["ru"]["meta.thanks"]
    assert (translation.source, translation.status, translation.translated) == ("en", "draft", "2026-12-06")
    assert translation.source_sha == source_sha(source)


def test_a_text_has_one_owner(kb):
    """health.emergency is written for Russian in the source file (for cities that do not serve it
    yet); a translation of it as well would be a second copy that could drift."""
    source_file = yaml.safe_load((kb / "answers" / "health.yml").read_text(encoding="utf-8"))
    assert "ru" in source_file["answers"]["health.emergency"]
    write_translation(kb, "ru", "health", {"health.emergency": entry("Звоните {emergency_number}.", english(kb, "health", "health.emergency"))})
    with pytest.raises(ContentError, match=r"health.emergency \(ru\) is written twice"):
        load_content(kb, "tampere")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"status": "done"}, "status must be draft or reviewed"),
        ({"source": "de"}, "source must be one of fi, sv, en"),
        ({"source_sha": "xyz"}, "source_sha must be 12 hex digits"),
        ({"text": ""}, "text is empty"),
        ({"translated": "yesterday"}, "not a date"),
    ],
)
def test_a_broken_translation_entry_is_named(kb, change, message):
    good = entry("Пожалуйста!", english(kb, "meta", "meta.thanks"))
    path = write_translation(kb, "ru", "meta", {"meta.thanks": {**good, **change}})
    with pytest.raises(ContentError, match=message) as raised:
        load_translations(kb)
    assert str(path) in str(raised.value)


def test_an_untranslated_answer_and_missing_city_data_fall_back_to_english_then_finnish(kb, monkeypatch):
    monkeypatch.delenv("SERVED_LANGUAGES", raising=False)
    # the city's data in fi/sv/en only (as a city's own registers are): the new languages get English
    for name in ("road_works.yml", "maintenance_classes.yml"):
        path = kb / name
        path.write_text(_source_languages_only(path.read_text(encoding="utf-8")), encoding="utf-8")
    content = load_content(kb, "tampere")
    work = content.road_works[0]["description"]
    assert work["so"] == work["en"] and work["fa"] == work["en"]
    assert all(klass["name"]["ar"] == klass["name"]["en"] for klass in content.maintenance_classes.values())
    # every placeholder is filled in every served language, also where the answer is not translated
    for key, texts in content.answers.items():
        for lang in ("ru", "uk", "et", "ar", "so", "fa"):
            rendered = render(pick_text(texts, lang), lang, content.facts, {p: "X" for p in allowed_params(key)})
            assert not PLACEHOLDER_RE.search(rendered), (key, lang, rendered)


def test_a_city_that_serves_fewer_languages_needs_nothing_of_the_others(kb, monkeypatch):
    monkeypatch.setenv("SERVED_LANGUAGES", "fi,sv")
    path = kb / "answers" / "meta.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["answers"]["meta.thanks"]["en"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert "en" not in load_content(kb, "tampere").answers["meta.thanks"]


def test_an_unquoted_all_digit_source_sha_is_read_back(kb):
    path = write_translation(kb, "ru", "meta", {"meta.thanks": entry("Пожалуйста!", english(kb, "meta", "meta.thanks"))})
    text = path.read_text(encoding="utf-8")
    sha = load_translations(kb)["ru"]["meta.thanks"].source_sha
    path.write_text(text.replace(sha, "123456789012").replace("'123456789012'", "123456789012"), encoding="utf-8")
    assert load_translations(kb)["ru"]["meta.thanks"].source_sha == "123456789012"


def _source_languages_only(text: str) -> str:
    """The YAML text without its ru/uk/et/ar/so/fa values (each a key line and its indented lines)."""
    out, skip_indent = [], None
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None and (not line.strip() or indent > skip_indent):
            continue
        skip_indent = None
        if line.strip().split(":")[0] in ("ru", "uk", "et", "ar", "so", "fa"):
            skip_indent = indent
            continue
        out.append(line)
    return "\n".join(out) + "\n"

"""The content files: complete in every language, every placeholder resolvable, clear errors."""

import shutil
from pathlib import Path

import pytest
import yaml

from citizenbot.content import PLACEHOLDER_RE, ContentError, load_content, render
from citizenbot.settings import served_languages

from .conftest import KB_DIR

TOPICS = [t["id"] for t in yaml.safe_load((KB_DIR / "topics.yml").read_text(encoding="utf-8"))["topics"]]


@pytest.fixture(scope="module")
def content():
    return load_content(KB_DIR, "tampere")


def test_every_topic_has_an_answer_and_a_button_title_in_every_language(content):
    for topic in TOPICS:
        assert topic in content.answers, f"no answer for {topic}"
        assert f"topic.{topic}" in content.labels, f"no title for {topic}"
        for lang in served_languages():
            assert content.answers[topic].get(lang, "").strip(), f"{topic} has no {lang} answer"
            assert content.labels[f"topic.{topic}"].get(lang, "").strip()


def test_every_text_exists_in_every_language(content):
    for kind in (content.answers, content.labels):
        for key, texts in kind.items():
            assert set(served_languages()) <= set(texts), f"{key} misses {set(served_languages()) - set(texts)}"


def test_every_topic_of_the_shared_taxonomy_is_served():
    """kb/topics.yml is the city's shared taxonomy plus any topics trainers added (`topic add`)."""
    shared = Path(__file__).resolve().parents[2] / "shared" / "spec" / "topics.yml"
    if not shared.exists():
        pytest.skip("the shared spec is not next to this checkout")
    ours = {t["id"]: t for t in yaml.safe_load((KB_DIR / "topics.yml").read_text(encoding="utf-8"))["topics"]}
    for topic in yaml.safe_load(shared.read_text(encoding="utf-8"))["topics"]:
        assert ours.get(topic["id"]) == topic, topic["id"]


def test_facts_resolve_in_every_answer(content):
    from citizenbot.answer_params import allowed_params

    for key, texts in content.answers.items():
        for lang, text in texts.items():
            params = {p: "X" for p in allowed_params(key)}
            rendered = render(text, lang, content.facts, params)
            assert not PLACEHOLDER_RE.search(rendered), f"{key} ({lang}) left a placeholder: {rendered}"


def test_no_answer_writes_an_emergency_or_health_number_itself(content):
    import re

    for key, texts in content.answers.items():
        for lang, text in texts.items():
            assert not re.search(r"\b112\b|116\s?117|0800\s?147", text), f"{key} ({lang}) hard-codes a number"


def test_emergency_answer_starts_with_the_emergency_number(content):
    for lang in served_languages():
        first_paragraph = render(content.answers["health.emergency"][lang], lang, content.facts).split("\n\n")[0]
        assert "112" in first_paragraph


def test_answers_are_short_plain_text(content):
    for key, texts in content.answers.items():
        for lang, text in texts.items():
            assert len(text) <= 900, f"{key} ({lang}) is {len(text)} characters"
            assert "<" not in text and "**" not in text, f"{key} ({lang}) has markup"


def copy_kb(tmp_path: Path) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(KB_DIR, target)
    return target


def test_a_missing_language_is_reported_with_file_and_id(tmp_path):
    kb = copy_kb(tmp_path)
    path = kb / "answers" / "meta.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["answers"]["meta.thanks"]["sv"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"meta.yml: answer meta.thanks: missing language\(s\) sv"):
        load_content(kb, "tampere")


def test_an_unknown_placeholder_is_reported(tmp_path):
    kb = copy_kb(tmp_path)
    path = kb / "answers" / "meta.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["answers"]["meta.thanks"]["en"] = "Call {no_such_fact}"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"meta.thanks \(en\): unknown placeholder\(s\) \{no_such_fact\}"):
        load_content(kb, "tampere")


def test_a_street_in_an_unknown_district_is_reported(tmp_path):
    kb = copy_kb(tmp_path)
    with open(kb / "streets.csv", "a", encoding="utf-8") as handle:
        handle.write("Olematonkatu,,Atlantis,3\n")
    with pytest.raises(ContentError, match="unknown district 'Atlantis'"):
        load_content(kb, "tampere")


def test_a_missing_city_is_reported(tmp_path):
    with pytest.raises(ContentError, match="no configuration for city 'oulu'"):
        load_content(copy_kb(tmp_path), "oulu")


def test_render_fills_parameters_then_facts_and_keeps_literal_braces():
    facts = {"city": {"fi": "Tampere", "sv": "Tammerfors"}, "phone": {"*": "0800"}}
    assert render("{city}: {x} {phone} {{x}}", "sv", facts, {"x": 1}) == "Tammerfors: 1 0800 {x}"

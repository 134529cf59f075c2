"""Adding a topic to a copy of the project's data (the training benchmark's second run)."""

import shutil
from pathlib import Path

import pytest
import yaml

from bench import training

ROOT = Path(__file__).resolve().parents[2]


def test_a_topic_is_added_to_the_domain_the_examples_and_the_rules(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    training.add_topic(tmp_path / "data", tmp_path / "domain.yml")
    domain = yaml.safe_load((tmp_path / "domain.yml").read_text(encoding="utf-8"))
    assert training.NEW_TOPIC in domain["intents"]
    original = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert len(domain["intents"]) == len(original["intents"]) + 1
    for lang in ("fi", "sv", "en"):
        nlu = yaml.safe_load((tmp_path / "data" / "nlu" / lang / "bench_new_topic.yml").read_text(encoding="utf-8"))
        assert nlu["nlu"][0]["intent"] == training.NEW_TOPIC
        assert len(nlu["nlu"][0]["examples"].splitlines()) == len(training.NEW_EXAMPLES[lang])
    rules = yaml.safe_load((tmp_path / "data" / "rules" / "bench_new_topic.yml").read_text(encoding="utf-8"))
    assert rules["rules"][0]["steps"] == [{"intent": training.NEW_TOPIC}, {"action": "action_answer"}]
    with pytest.raises(ValueError):
        training.add_topic(tmp_path / "data", tmp_path / "domain.yml")


def test_the_new_topic_is_really_new():
    assert f"- {training.NEW_TOPIC}\n" not in (ROOT / "domain.yml").read_text(encoding="utf-8")
    for lang, examples in training.NEW_EXAMPLES.items():
        assert len(examples) == len(set(examples)) >= 10, lang


def test_the_rasa_reader_accepts_the_new_topic_files(tmp_path):
    from rasa.shared.nlu.training_data.loading import load_data

    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "domain.yml", tmp_path / "domain.yml")
    training.add_topic(tmp_path / "data", tmp_path / "domain.yml")
    data = load_data(str(tmp_path / "data" / "nlu" / "en" / "bench_new_topic.yml"))
    assert data.intents == {training.NEW_TOPIC}

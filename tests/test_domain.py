"""The domain, rules and training data agree with each other and with the action server."""


import pytest
import yaml

from citizenbot.intents import CONTROL_INTENTS
from citizenbot.settings import served_languages

from .conftest import KB_DIR, ROOT

TOPICS = [t["id"] for t in yaml.safe_load((KB_DIR / "topics.yml").read_text(encoding="utf-8"))["topics"]]
CONTROL = set(CONTROL_INTENTS)
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
LANGS = served_languages()
MIN_EXAMPLES = 20


def registered_actions() -> set[str]:
    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("actions")
    return set(executor.actions)


def test_the_domain_lists_exactly_the_actions_the_action_server_registers():
    assert set(DOMAIN["actions"]) == registered_actions()


def test_intents_are_the_topics_plus_control_intents():
    assert set(DOMAIN["intents"]) == set(TOPICS) | CONTROL


def rule_intents() -> set[str]:
    intents = set()
    for path in (ROOT / "data" / "rules").glob("*.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            for step in rule["steps"]:
                if "intent" in step:
                    intents.add(step["intent"])
                for alternative in step.get("or", []):
                    intents.add(alternative.get("intent"))
    return intents


def test_every_intent_is_handled_by_a_rule():
    assert (set(TOPICS) | CONTROL | {"nlu_fallback"}) - rule_intents() == set()


def training_examples() -> dict[tuple[str, str], list[str]]:
    examples: dict[tuple[str, str], list[str]] = {}
    for lang in LANGS:
        for path in (ROOT / "data" / "nlu" / lang).glob("*.yml"):
            for item in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
                lines = [line[2:].strip() for line in item["examples"].splitlines() if line.strip().startswith("- ")]
                examples.setdefault((item["intent"], lang), []).extend(lines)
    return examples


@pytest.mark.parametrize("lang", LANGS)
def test_every_intent_has_enough_examples_in_every_language(lang):
    examples = training_examples()
    thin = {i: len(examples.get((i, lang), [])) for i in set(TOPICS) | CONTROL if len(examples.get((i, lang), [])) < MIN_EXAMPLES}
    assert thin == {}


def test_no_example_is_under_two_intents():
    seen: dict[str, str] = {}
    clashes = []
    for (intent, _lang), lines in training_examples().items():
        for line in lines:
            key = line.lower().strip(" ?!.")
            if key in seen and seen[key] != intent:
                clashes.append((line, seen[key], intent))
            seen[key] = intent
    assert clashes == []


def comparable(text: str) -> str:
    """Case, diacritics and punctuation do not make a question different."""
    from citizenbot.text import fold, words

    return " ".join(fold(w) for w in words(text))


def test_no_evaluation_question_is_in_the_training_data():
    import csv

    train = {comparable(line) for lines in training_examples().values() for line in lines}
    leaked = []
    for path in (ROOT / "tests" / "eval").glob("*.tsv"):
        for row in csv.DictReader(open(path, encoding="utf-8"), delimiter="\t"):
            if comparable(row["text"]) in train:
                leaked.append((path.name, row["text"]))
    assert leaked == []

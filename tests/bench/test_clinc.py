"""CLINC150 scoring and data preparation (no training)."""

from pathlib import Path

import pytest
import yaml

from bench import clinc
from bench.clinc import FALLBACK, OOS, Prediction

ROOT = Path(__file__).resolve().parents[2]


def test_in_scope_accuracy_and_out_of_scope_recall_count_both_oos_mechanisms():
    predictions = [
        Prediction("alarm", "alarm", "alarm", 0.9),  # right
        Prediction("alarm", FALLBACK, "alarm", 0.1),  # below the threshold: wrong, flagged out of scope
        Prediction("timer", "alarm", "alarm", 0.6),  # wrong
        Prediction(OOS, OOS, OOS, 0.7),  # caught by the oos intent
        Prediction(OOS, FALLBACK, "timer", 0.15),  # caught by the threshold
        Prediction(OOS, "alarm", "alarm", 0.5),  # missed
    ]
    result = clinc.score(predictions)
    assert result["inscope_n"] == 3 and result["oos_n"] == 3
    assert result["inscope_acc"] == pytest.approx(1 / 3)
    assert result["oos_recall"] == pytest.approx(2 / 3)
    assert result["inscope_flagged_oos"] == pytest.approx(1 / 3)


def test_the_threshold_curve_reapplies_the_fallback_to_the_classifier_top_intent():
    predictions = [Prediction("alarm", FALLBACK, "alarm", 0.15), Prediction(OOS, "alarm", "alarm", 0.3)]
    low, high = clinc.curve(predictions, [0.1, 0.4])
    assert (low["inscope_acc"], low["oos_recall"]) == (1.0, 0.0)
    assert (high["inscope_acc"], high["oos_recall"]) == (0.0, 1.0)


def test_prediction_from_a_parse_with_fallback_keeps_the_classifier_top_intent():
    parsed = {"intent": {"name": FALLBACK, "confidence": 0.2},
              "intent_ranking": [{"name": FALLBACK, "confidence": 0.2}, {"name": "alarm", "confidence": 0.12},
                                 {"name": "timer", "confidence": 0.1}]}
    p = clinc.prediction_from_parse("alarm", parsed)
    assert (p.intent, p.top, p.confidence) == (FALLBACK, "alarm", 0.12)
    plain = clinc.prediction_from_parse("alarm", {"intent": {"name": "alarm", "confidence": 0.8}})
    assert (plain.intent, plain.top, plain.confidence) == ("alarm", "alarm", 0.8)


def test_training_yaml_has_no_entity_markup_and_groups_by_intent():
    text = clinc.nlu_yaml([("set an alarm [now]", "alarm"), ("what's {this}", OOS), ("wake me up", "alarm")])
    data = yaml.safe_load(text)
    assert [i["intent"] for i in data["nlu"]] == ["alarm", OOS]
    assert data["nlu"][0]["examples"] == "- set an alarm  now\n- wake me up\n"
    assert "[" not in text and "{" not in data["nlu"][1]["examples"]


def test_training_yaml_reads_back_with_rasa(tmp_path):
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    text = clinc.nlu_yaml([("how do i say 'hi' in french: please", "translate"), ("what is 2+2 (roughly)", OOS)])
    data = RasaYAMLReader().reads(text)
    assert sorted(data.intents) == [OOS, "translate"]
    assert not any(m.get("entities") for m in data.intent_examples)


def test_the_pipeline_copy_is_config_yml_without_policies_and_optionally_without_the_override():
    config, threshold = clinc.pipeline_config(ROOT / "config.yml", keep_emergency=False)
    original = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = [c["name"] for c in original["pipeline"]]
    assert [c["name"] for c in config["pipeline"]] == [n for n in names if n != clinc.EMERGENCY_COMPONENT]
    assert config["policies"] == []
    fallback = next(c for c in original["pipeline"] if c["name"] == "FallbackClassifier")
    assert threshold == fallback["threshold"]
    kept, _ = clinc.pipeline_config(ROOT / "config.yml", keep_emergency=True)
    assert [c["name"] for c in kept["pipeline"]] == names


def test_subset_is_small_deterministic_and_keeps_out_of_scope():
    data = {
        "train": [(f"t{i} {k}", f"intent{k}") for k in range(5) for i in range(10)],
        "test": [(f"x{i} {k}", f"intent{k}") for k in range(5) for i in range(4)],
        "oos_train": [(f"o{i}", OOS) for i in range(9)],
        "oos_test": [(f"p{i}", OOS) for i in range(9)],
    }
    small = clinc.subset(data, intents=2, train_per_intent=3, test_per_intent=2, oos_train=4, oos_test=5)
    assert {i for _t, i in small["train"]} == {"intent0", "intent1"} and len(small["train"]) == 6
    assert len(small["test"]) == 4 and len(small["oos_train"]) == 4 and len(small["oos_test"]) == 5
    assert small == clinc.subset(data, intents=2, train_per_intent=3, test_per_intent=2, oos_train=4, oos_test=5)


def test_published_baselines_are_read_without_comment_lines():
    try:
        path = clinc.find_dataset(ROOT)
    except FileNotFoundError:
        pytest.skip("CLINC150 is not next to this checkout")
    rows = {(r["method"], r["classifier"]): r for r in clinc.published_baselines(path)}
    assert rows[("oos-train", "Rasa")]["inscope_acc_full"] == "91.5"
    assert rows[("oos-train", "BERT")]["oos_recall_full"] == "40.3"

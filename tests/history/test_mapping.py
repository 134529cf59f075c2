"""Service codes and agencies to topics, and the refinement of broad categories."""

import pytest

from citizenbot.history.mapping import MappingError, load_mapping, parse_mapping
from citizenbot.settings import PROJECT_ROOT

MAPPING = {
    "name": "test",
    "service_codes": {"171": "maintenance.pothole", "180": "maintenance.other_fault"},
    "agencies": {"Kaupunginkirjasto": "out_of_scope"},
    "default_topic": "maintenance.other_fault",
    "refine_from": ["maintenance.other_fault"],
    "refine": [
        {"topic": "maintenance.street_light", "pattern": r"\bkatuval\w*"},
        {"topic": "maintenance.pothole", "pattern": r"\bkuopp\w*"},
    ],
}


def test_codes_agencies_and_default():
    m = parse_mapping(MAPPING)
    assert m.label("Asfaltissa reikä", "171").topic == "maintenance.pothole"
    assert m.label("Kirjaston aukioloajat", "9999", "Kaupunginkirjasto").topic == "out_of_scope"
    assert m.label("Jotain muuta", "9999", "Rakennusvirasto").topic == "maintenance.other_fault"
    assert m.label("Jotain muuta", None, None).topic == "maintenance.other_fault"


def test_a_broad_category_is_refined_by_what_the_message_names_and_both_are_accepted():
    label = parse_mapping(MAPPING).label("Kaksi katuvaloa pimeänä asemalla", "180")
    assert label.topic == "maintenance.street_light"
    assert label.accepted == ("maintenance.street_light", "maintenance.other_fault")
    assert label.refined


def test_specific_categories_are_not_refined():
    # 171 is not in refine_from: a pothole report that mentions a street light stays a pothole
    label = parse_mapping(MAPPING).label("Kuoppa katuvalon vieressä", "171")
    assert (label.topic, label.accepted, label.refined) == ("maintenance.pothole", ("maintenance.pothole",), False)


def test_the_first_matching_rule_wins_and_matching_ignores_case_and_diacritics():
    label = parse_mapping(MAPPING).label("KATUVALO ja kuoppa", "180")
    assert label.topic == "maintenance.street_light"


def test_unknown_topics_keys_and_bad_patterns_are_clear_errors():
    with pytest.raises(MappingError, match=r"not in the taxonomy: .*maintenance\.potholes"):
        parse_mapping({**MAPPING, "service_codes": {"1": "maintenance.potholes"}}, {"maintenance.pothole"})
    with pytest.raises(MappingError, match="unknown keys"):
        parse_mapping({**MAPPING, "codes": {}})
    with pytest.raises(MappingError, match="bad pattern"):
        parse_mapping({**MAPPING, "refine": [{"topic": "maintenance.pothole", "pattern": "(open"}]})
    with pytest.raises(MappingError, match="default_topic"):
        parse_mapping({k: v for k, v in MAPPING.items() if k != "default_topic"})


def test_the_helsinki_mapping_names_only_topics_of_the_taxonomy():
    import yaml

    topics = {t["id"] for t in yaml.safe_load((PROJECT_ROOT / "kb" / "topics.yml").read_text())["topics"]}
    mapping = load_mapping(PROJECT_ROOT / "kb" / "history" / "helsinki.yml", topics)
    assert mapping.category_topic("180", "Rakennusvirasto") == "maintenance.other_fault"
    # "halkeama" (a crack) is a pothole, not Swedish "halka" (slipperiness)
    assert mapping.label("Asfaltissa iso halkeama", "171").topic == "maintenance.pothole"


def test_reviewed_labels_win_over_the_automatic_mapping(tmp_path):
    from citizenbot.history.mapping import read_reviewed

    path = tmp_path / "src_reviewed.tsv"
    path.write_text("id\ttopics\tnote\nr1\tmaintenance.street_light|maintenance.other_fault\tlights\nr2\t\t\n",
                    encoding="utf-8")
    reviewed = read_reviewed(path)
    assert reviewed == {"r1": ("maintenance.street_light", "maintenance.other_fault")}
    m = parse_mapping(MAPPING, reviewed=reviewed)
    label = m.label("Asfaltissa reikä", "171", request_id="r1")
    assert (label.topic, label.accepted, label.reviewed) == ("maintenance.street_light",
                                                             ("maintenance.street_light", "maintenance.other_fault"), True)
    assert m.label("Asfaltissa reikä", "171", request_id="r9").topic == "maintenance.pothole"
    with pytest.raises(MappingError, match="not in the taxonomy"):
        parse_mapping(MAPPING, {"maintenance.pothole", "maintenance.other_fault", "maintenance.street_light", "out_of_scope"},
                      reviewed={"r3": ("maintenance.nonsense",)})

"""``citizenbot history import`` on a copy of the project: labels, de-duplication, the date split,
the files it writes, and that importing twice changes nothing."""

import csv
import json
from datetime import datetime, timedelta, timezone

import pytest

from citizenbot.history.importer import heldout_file, import_history, split, train_file
from citizenbot.history.sources import Record, read_jsonl
from citizenbot.trainer.project import comparable, read_examples
from tests.trainer.conftest import copy_project, snapshot

T0 = datetime(2015, 1, 1, tzinfo=timezone.utc)
TEXTS = [
    ("171", "Alkutiellä on pakkanen syönyt isoja reikiä asfalttiin pitkällä matkalla."),
    ("180", "Huopalahden asemalta noustessa kaksi katuvaloa pimeänä, turvaton fiilis."),
    ("180", "Yleisö-wc ei toimi rikki, ovi ei aukea ollenkaan."),
    ("246", "Roska-astia tursuaa taas, tyhjennysväli pitää olla tiheämpi."),
    ("9999", "Kirjaston aukioloajat ovat liian lyhyet, opiskelijat tarvitsevat tiloja."),
    ("198", "Liikennemerkki on kumollaan ojassa jo viikon, terveisin Matti Meikäläinen"),
    ("171", "Alkutiellä on pakkanen syönyt isoja reikiä asfalttiin pitkällä matkalla."),  # a duplicate
    ("171", "Kuoppa"),  # too short
    ("174", "Puistossa penkit rikki ja nurmikko leikkaamatta koko kesän, ihan hoitamaton."),
    ("172", "Bussipysäkin katos on sotkettu tageilla ja lasi rikottu."),
]


def records():
    agency = {"9999": "Kaupunginkirjasto"}
    return [Record(f"r{n}", code, "", f"Otsikko {n}" if n % 2 else "", text, T0 + timedelta(days=n),
                   agency.get(code, "Rakennusvirasto")) for n, (code, text) in enumerate(TEXTS)]


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


def test_newest_share_is_held_out_and_never_trained(project):
    result = import_history(project, "helsinki", records(), heldout_share=0.25)
    assert result.read == 10 and result.duplicates == 1 and result.too_short == 1
    heldout = list(csv.DictReader(open(heldout_file(project, "helsinki"), encoding="utf-8"), delimiter="\t"))
    train = read_examples(train_file(project, "helsinki", "fi"), "fi")
    assert [row["date"] for row in heldout] == ["2015-01-09", "2015-01-10"]  # the newest 2 of 8
    trained = {comparable(e.text) for e in train}
    assert not any(comparable(row["text"]) in trained for row in heldout)
    assert result.heldout_since == "2015-01-09"


def test_labels_follow_the_mapping_with_refinement_and_out_of_scope_agencies(project):
    import_history(project, "helsinki", records(), heldout_share=0.0)
    by_text = {e.text: e.intent for e in read_examples(train_file(project, "helsinki", "fi"), "fi")}
    assert by_text["Alkutiellä on pakkanen syönyt isoja reikiä asfalttiin pitkällä matkalla."] == "maintenance.pothole"
    assert by_text["Huopalahden asemalta noustessa kaksi katuvaloa pimeänä, turvaton fiilis."] == \
        "maintenance.street_light"
    assert by_text["Yleisö-wc ei toimi rikki, ovi ei aukea ollenkaan."] == "maintenance.other_fault"
    assert by_text["Kirjaston aukioloajat ovat liian lyhyet, opiskelijat tarvitsevat tiloja."] == "out_of_scope"
    # vandalism (172) that names graffiti stays graffiti; "terveisin Matti Meikäläinen" loses the name
    assert not any("Meikäläinen" in t for t in by_text)


def test_titles_that_say_something_else_become_examples_too(project):
    import_history(project, "helsinki", records(), heldout_share=0.0)
    texts = [e.text for e in read_examples(train_file(project, "helsinki", "fi"), "fi")]
    assert "Otsikko 1" in texts and "Otsikko 2" not in texts  # even rows had no title


def test_importing_twice_writes_the_same_files_and_a_dry_run_writes_nothing(project):
    import_history(project, "helsinki", records())
    first = {p: p.read_bytes() for p in (train_file(project, "helsinki", "fi"), heldout_file(project, "helsinki"))}
    import_history(project, "helsinki", list(reversed(records())))
    assert {p: p.read_bytes() for p in first} == first
    other = copy_project(project.root.parent / "other")
    before = snapshot(other)
    result = import_history(other, "helsinki", records(), dry_run=True)
    assert result.files and snapshot(other) == before


def test_messages_already_in_the_project_are_not_imported_again(project):
    from citizenbot.trainer.project import read_eval_file

    question = read_eval_file(project.heldout_file)[0]
    extra = Record("x", "180", "", "", question.text + " ", T0, "Rakennusvirasto")
    result = import_history(project, "helsinki", [*records(), extra])
    assert result.already_in_project == 1


def test_an_unknown_source_or_a_bad_share_is_a_clear_error(project):
    from citizenbot.history.mapping import MappingError

    with pytest.raises(MappingError, match="no mapping file"):
        import_history(project, "nowhere", records())
    with pytest.raises(ValueError, match="held-out share"):
        split([], 1.5)


def test_the_committed_history_files_are_what_the_importer_writes(tmp_path):
    """data/nlu/*/history_helsinki.yml and tests/eval/history_helsinki.tsv are reproducible from
    the shared feedback history (skipped when it is not next to this checkout)."""
    from citizenbot.settings import PROJECT_ROOT

    source = PROJECT_ROOT.parent / "shared" / "data" / "helsinki-feedback" / "feedback_history.jsonl"
    if not source.exists():
        pytest.skip("the shared feedback history is not next to this checkout")
    project = copy_project(tmp_path / "project")
    import_history(project, "helsinki", read_jsonl(source).records)
    for path in [heldout_file(project, "helsinki"), *project.nlu_dir.glob("*/history_helsinki.yml")]:
        committed = PROJECT_ROOT / path.relative_to(project.root)
        assert committed.read_text(encoding="utf-8") == path.read_text(encoding="utf-8"), path.name


def test_jsonl_round_trip(tmp_path, project):
    path = tmp_path / "export.jsonl"
    path.write_text("\n".join(json.dumps({"service_request_id": r.id, "service_code": r.service_code,
                                          "description": r.text, "title": r.title,
                                          "requested_datetime": r.requested.isoformat(),
                                          "agency_responsible": r.agency}) for r in records()), encoding="utf-8")
    result = import_history(project, "helsinki", read_jsonl(path).records)
    assert result.read == 10 and sum(result.train.values()) + sum(result.heldout.values()) == 8

"""Translators' round trip (PO export, import) and what `citizenbot data check` says about
translations: missing, outdated, placeholders that differ, unreviewed health texts."""

from datetime import date

import pytest
import yaml
from babel.messages.pofile import read_po, write_po

from citizenbot.cli import main
from citizenbot.content import load_content
from citizenbot.trainer.check import run_check
from citizenbot.translations import load_translations, source_sha
from citizenbot.translations_po import TranslationFileError, export_po, import_po

RU = {
    "meta.thanks": "Пожалуйста! Если будут ещё вопросы, просто напишите.",
    "health.tick_bite": "Удалите клеща пинцетом. Если появится покраснение, обратитесь в поликлинику. {medical_helpline}",
}


@pytest.fixture(autouse=True)
def served(monkeypatch, project):
    """A city serving fi, sv, en and Russian, whose Russian translations a translator starts from
    nothing (the project copy's own Russian texts removed)."""
    import shutil

    monkeypatch.setenv("SERVED_LANGUAGES", "fi,sv,en,ru")
    for name in ("ru", "uk", "et", "ar", "so", "fa"):
        shutil.rmtree(project.kb_dir / "answers" / name, ignore_errors=True)
        shutil.rmtree(project.nlu_dir / name, ignore_errors=True)


def translate(po_path, texts: dict[str, str], fuzzy: bool = False) -> None:
    with open(po_path, "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if message.context in texts:
            message.string = texts[message.context]
            if fuzzy:
                message.flags.add("fuzzy")
    with open(po_path, "wb") as handle:
        write_po(handle, catalog, width=0)


def english(project, file: str, key: str) -> str:
    return yaml.safe_load((project.answers_dir / f"{file}.yml").read_text(encoding="utf-8"))["answers"][key]["en"]


def test_export_translate_import_makes_the_russian_answers(project, tmp_path):
    po = tmp_path / "ru.po"
    summary = export_po(project.kb_dir, "ru", po)
    assert summary.translated == 0 and summary.entries >= 100
    assert set(summary.skipped) == {"health.emergency", "meta.language.unserved"}  # written in the source files
    with open(po, "rb") as handle:
        catalog = read_po(handle)
    message = catalog.get(english(project, "meta", "meta.thanks"), context="meta.thanks")
    assert message is not None and message.string == ""
    translate(po, RU)
    result = import_po(project.kb_dir, po, today=date(2026, 12, 6))
    assert (result.lang, sorted(result.updated), result.unknown) == ("ru", sorted(RU), [])
    written = project.kb_dir / "answers" / "ru" / "meta.yml"
    assert written.read_text(encoding="utf-8").startswith("# Russian answer texts")
    item = load_translations(project.kb_dir)["ru"]["meta.thanks"]
    assert (item.text, item.source, item.status, item.translated) == (RU["meta.thanks"], "en", "draft", "2026-12-06")
    assert item.source_sha == source_sha(english(project, "meta", "meta.thanks"))
    assert load_content(project.kb_dir, project.city).answers["meta.thanks"]["ru"] == RU["meta.thanks"]
    # importing the same file again changes nothing; --reviewed marks them reviewed
    assert import_po(project.kb_dir, po).updated == []
    assert sorted(import_po(project.kb_dir, po, reviewed=True).updated) == sorted(RU)
    assert load_translations(project.kb_dir)["ru"]["meta.thanks"].status == "reviewed"


def test_fuzzy_and_empty_entries_are_not_imported(project, tmp_path):
    po = tmp_path / "ru.po"
    export_po(project.kb_dir, "ru", po)
    translate(po, {"meta.thanks": RU["meta.thanks"]}, fuzzy=True)
    result = import_po(project.kb_dir, po)
    assert result.updated == [] and result.fuzzy_or_empty == summary_size(po)
    assert "ru" not in load_translations(project.kb_dir)


def summary_size(po) -> int:
    with open(po, "rb") as handle:
        return sum(1 for m in read_po(handle) if m.id)


def test_a_source_language_is_no_translation(project, tmp_path):
    with pytest.raises(TranslationFileError):
        export_po(project.kb_dir, "sv", tmp_path / "sv.po")


def imported(project, tmp_path, texts=RU):
    po = tmp_path / "ru.po"
    export_po(project.kb_dir, "ru", po)
    translate(po, texts)
    import_po(project.kb_dir, po)
    return po


def test_data_check_reports_missing_translations_per_language(project, tmp_path):
    imported(project, tmp_path)
    (issue,) = (i for i in run_check(project).errors if i.code == "missing-translation")
    assert issue.message.startswith("ru: ") and "meta.thanks" not in issue.message
    assert issue.path == "kb/answers/ru"


def test_data_check_reports_an_outdated_translation_and_export_marks_it_fuzzy(project, tmp_path):
    imported(project, tmp_path)
    path = project.answers_dir / "meta.yml"
    old = english(project, "meta", "meta.thanks")
    path.write_text(path.read_text(encoding="utf-8").replace(old.split("\n")[0], "Glad to help!", 1), encoding="utf-8")
    outdated = [i for i in run_check(project).errors if i.code == "outdated"]
    assert [i.path for i in outdated] == ["kb/answers/ru/meta.yml"] and "meta.thanks" in outdated[0].message
    summary = export_po(project.kb_dir, "ru", tmp_path / "again.po")
    assert summary.outdated == 1
    with open(tmp_path / "again.po", "rb") as handle:
        assert read_po(handle).get(english(project, "meta", "meta.thanks"), context="meta.thanks").fuzzy


def test_data_check_reports_placeholders_that_differ(project, tmp_path):
    imported(project, tmp_path, {"health.tick_bite": "Удалите клеща пинцетом. {emergency_number}"})
    found = [i for i in run_check(project).errors if i.code == "placeholder"]
    assert len(found) == 1 and "health.tick_bite" in found[0].message


def test_unreviewed_health_texts_are_warnings_not_errors(project, tmp_path):
    imported(project, tmp_path)
    report = run_check(project)
    drafts = [i for i in report.issues if i.code == "draft"]
    assert [i.level for i in drafts] == ["warning"] and "health.tick_bite" in drafts[0].message
    assert "meta.thanks" not in drafts[0].message


def test_the_commands(project, tmp_path, capsys):
    po = tmp_path / "ru.po"
    assert main(["translations", "export", "--lang", "ru", str(po), "--project", str(project.root)]) == 0
    assert "to translate" in capsys.readouterr().out
    translate(po, RU)
    assert main(["translations", "import", str(po), "--project", str(project.root)]) == 0
    assert "ru: 2 updated" in capsys.readouterr().out
    assert main(["translations", "export", "--lang", "fi", str(po), "--project", str(project.root)]) == 2

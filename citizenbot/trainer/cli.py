"""The trainers' commands of ``citizenbot`` (registered by citizenbot/cli.py).

    citizenbot topic add [--from FILE] | update --from FILE | remove ID | template [FILE] | show ID | list
    citizenbot data check [--links] [--min-examples N] [--json]
    citizenbot translations export --lang LANG FILE.po | import FILE.po [--reviewed]
    citizenbot inbox collect | status | export [FILE] | import FILE
    citizenbot train [--deploy]
    citizenbot deploy [MODEL] [--force]
    citizenbot rollback
    citizenbot models

Every command takes ``--project DIR`` (default: this checkout, or CITIZENBOT_PROJECT).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from citizenbot.settings import get_settings, served_languages

from .cli_common import (
    CHECK,
    DEPLOY,
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_USAGE,
    SEED,
    TRAIN,
    add_project_option,
    next_step,
    project_of,
)
from .inbox.cli import register as inbox_commands
from .translations_cli import register as translation_commands


def _eval_files(args: argparse.Namespace, project) -> list[Path]:
    files = [Path(f).resolve() for f in getattr(args, "eval_file", None) or []]
    return files or project.heldout_files


# --- topic ---------------------------------------------------------------------------------------


def _spec_data(args: argparse.Namespace, project) -> dict:
    """The description from --from FILE, or asked interactively (a draft kept as it goes)."""
    from .interview import ask_spec, draft_path
    from .scaffold import ScaffoldError

    if args.from_file:
        try:
            return yaml.safe_load(Path(args.from_file).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ScaffoldError(f"cannot read it: {exc}", args.from_file) from exc
    return ask_spec(draft=draft_path(project)).to_dict()


def _topic_change(args: argparse.Namespace, update: bool) -> int:
    from .check import run_check
    from .interview import draft_path
    from .scaffold import ScaffoldError, add_topic, update_topic

    project = project_of(args)
    change = update_topic if update else add_topic
    try:
        data = _spec_data(args, project)
        result = change(project, data, dry_run=args.dry_run, where=args.from_file or "your answers")
    except ScaffoldError as exc:
        kept = [] if args.from_file else [f"what you typed is kept in {draft_path(project)}: run the command again to "
                                          f"continue it, or fix that file and use --from {draft_path(project)}"]
        print(f"topic not {'updated' if update else 'added'}, nothing written. Fix every line below:\n  "
              + "\n  ".join(dict.fromkeys(exc.problems + kept)), file=sys.stderr)
        return EXIT_USAGE
    except (EOFError, KeyboardInterrupt):
        print(f"\ncancelled; nothing written (what you typed is in {draft_path(project)})", file=sys.stderr)
        return EXIT_USAGE
    verb = "would change" if result.dry_run else "changed"
    print(f"topic {result.topic}: {verb} " + ", ".join(result.files))
    if result.dry_run:
        return EXIT_OK
    if not args.from_file:
        draft_path(project).unlink(missing_ok=True)
    report = run_check(project)
    for issue in (i for i in report.issues if result.topic in i.message):
        print(issue.format())
    print(f"data check: {len(report.errors)} error(s), {len(report.warnings)} warning(s) in the project")
    next_step(*((SEED, TRAIN, DEPLOY) if report.ok else (CHECK,)))
    return EXIT_OK if report.ok else EXIT_ERRORS


def _topic_add(args: argparse.Namespace) -> int:
    return _topic_change(args, update=False)


def _topic_update(args: argparse.Namespace) -> int:
    return _topic_change(args, update=True)


def _topic_remove(args: argparse.Namespace) -> int:
    from .scaffold import ScaffoldError, remove_topic

    project = project_of(args)
    try:
        result = remove_topic(project, args.id, dry_run=args.dry_run)
    except ScaffoldError as exc:
        print("topic not removed, nothing written:\n  " + "\n  ".join(exc.problems), file=sys.stderr)
        return EXIT_USAGE
    print(f"topic {result.topic}: {'would change' if result.dry_run else 'removed from'} " + ", ".join(result.files))
    if not result.dry_run:
        next_step(SEED, TRAIN, DEPLOY)
    return EXIT_OK


def _topic_template(args: argparse.Namespace) -> int:
    from .scaffold import TEMPLATE

    if args.file in (None, "-"):
        sys.stdout.write(TEMPLATE)
        return EXIT_OK
    path = Path(args.file)
    if path.exists() and not args.force:
        print(f"{path} exists (use --force to overwrite)", file=sys.stderr)
        return EXIT_USAGE
    path.write_text(TEMPLATE, encoding="utf-8")
    print(f"wrote {path}")
    next_step((f"citizenbot topic add --from {path}", "after you have filled it in: checks it and adds the topic"))
    return EXIT_OK


def _topic_show(args: argparse.Namespace) -> int:
    project = project_of(args)
    topics = {t["id"]: t for t in project.topics()}
    topic = topics.get(args.id)
    if topic is None:
        print(f"no topic {args.id} in kb/topics.yml", file=sys.stderr)
        return EXIT_USAGE
    print(f"{args.id} ({topic.get('kind')}): {topic.get('about')}")
    counts: dict[str, list] = {}
    for e in project.examples():
        if e.intent == args.id:
            counts.setdefault(e.lang, []).append(e)
    for lang, items in sorted(counts.items()):
        files = sorted({project.relative(e.path) for e in items})
        print(f"  examples {lang}: {len(items)} in {', '.join(files)}")
    from .edits import answers_file_for

    print(f"  answer and button title: {project.relative(answers_file_for(project, args.id))} "
          "(edit, `citizenbot data check`, `citizenbot seed`: live without retraining)")
    rules = project.rule_intents().get(args.id, [])
    print(f"  dialogue rule: {', '.join(project.relative(p) for p in rules) or 'none'}")
    return EXIT_OK


def _topic_list(args: argparse.Namespace) -> int:
    project = project_of(args)
    counts: dict[tuple[str, str], int] = {}
    for e in project.examples():
        counts[(e.intent, e.lang)] = counts.get((e.intent, e.lang), 0) + 1
    langs = served_languages()
    print(f"{'topic':40} {'kind':7} " + " ".join(f"{lang:>3}" for lang in langs))
    for t in project.topics():
        print(f"{t['id']:40} {t.get('kind', ''):7} " + " ".join(f"{counts.get((t['id'], lang), 0):3d}" for lang in langs))
    return EXIT_OK


# --- data check ----------------------------------------------------------------------------------


def _data_check(args: argparse.Namespace) -> int:
    from .check import run_check

    report = run_check(project_of(args), min_examples=args.min_examples, links=args.links)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
        return EXIT_OK if report.ok else EXIT_ERRORS
    print(report.format())
    if report.ok:
        next_step(TRAIN, DEPLOY)
    return EXIT_OK if report.ok else EXIT_ERRORS


# --- train / deploy / rollback / models -----------------------------------------------------------


def _train(args: argparse.Namespace) -> int:
    from .check import run_check
    from .deploy import DeployError, Refused, deploy
    from .evaluation import evaluate_model, regressions, uncovered_topics, write_report
    from .registry import Registry
    from .training import train

    project = project_of(args)
    if not args.skip_check:
        report = run_check(project)
        if not report.ok:
            print(report.format())
            print("not training: fix the errors above first (or --skip-check)", file=sys.stderr)
            return EXIT_ERRORS
    registry = Registry(project)
    deployed = registry.deployed()
    before = Path(deployed["path"]) if deployed and Path(deployed["path"]).exists() else registry.latest_trained()
    outcome = train(project, config=Path(args.config) if args.config else None)
    if not outcome.ok or outcome.model is None:
        return EXIT_ERRORS
    if deployed:
        registry.keep_newest(Path(deployed["path"]))  # a restart keeps serving the deployed model
    if args.no_eval:
        return EXIT_OK
    files = _eval_files(args, project)
    print(f"Evaluating the new model on {', '.join(project.relative(f) for f in files)}"
          + (f" and the previous model {before.name}" if before else "") + " ...")
    new = evaluate_model(project, outcome.model, files)
    old = evaluate_model(project, before, files) if before else None
    md, png = write_report(project, new, old, args.max_drop, files)
    for lang, value in new.accuracy.items():
        line = f"  {lang}: {value:.1f} %"
        if old and lang in old.accuracy:
            line += f" (previous {old.accuracy[lang]:.1f} %, {value - old.accuracy[lang]:+.1f})"
        print(line)
    print(f"Report: {project.relative(md)} and {project.relative(png)}")
    bad = regressions(new, old, args.max_drop)
    uncovered = uncovered_topics(project, project.eval_questions(files))
    if bad:
        print(f"`citizenbot deploy` would refuse this model: {', '.join(f'{k} -{v:.1f} points' for k, v in bad.items())}")
    if uncovered:
        print(f"`citizenbot deploy` would refuse this model: no test question asks about {', '.join(uncovered)}")
    if not args.deploy and (bad or uncovered):
        next_step(("citizenbot topic update --from FILE", "more examples or test questions where the model fell short"),
                  TRAIN)
    elif not args.deploy:
        next_step(DEPLOY)
    if args.deploy:
        settings = get_settings()
        try:
            deploy(project, args.url or settings.rasa_url, args.token or settings.rasa_token, outcome.model,
                   max_drop=args.max_drop, eval_files=files)
        except Refused as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_ERRORS
        except DeployError as exc:
            print(f"deploy failed: {exc}", file=sys.stderr)
            return EXIT_ERRORS
    return EXIT_OK


def _deploy(args: argparse.Namespace) -> int:
    from .deploy import DeployError, Refused, deploy

    project = project_of(args)
    settings = get_settings()
    try:
        deploy(project, args.url or settings.rasa_url, args.token or settings.rasa_token, args.model,
               max_drop=args.max_drop, force=args.force, eval_files=_eval_files(args, project), dry_run=args.dry_run)
    except Refused as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERRORS
    except (DeployError, FileNotFoundError) as exc:
        print(f"deploy failed: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _rollback(args: argparse.Namespace) -> int:
    from .deploy import DeployError, rollback

    settings = get_settings()
    try:
        rollback(project_of(args), args.url or settings.rasa_url, args.token or settings.rasa_token)
    except DeployError as exc:
        print(f"rollback failed: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _models(args: argparse.Namespace) -> int:
    from .registry import Registry

    project = project_of(args)
    registry = Registry(project)
    deployed, previous = registry.deployed(), registry.previous()
    if args.deployed:
        if not deployed:
            print("no model has been deployed with `citizenbot deploy`", file=sys.stderr)
            return EXIT_ERRORS
        print(deployed["path"])
        return EXIT_OK
    evals: dict[str, dict] = {}
    for path in sorted((project.state_dir / "evals").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        evals[data["model"]] = data.get("accuracy") or {}
    for model in registry.models():
        mark = "deployed" if deployed and model.name == deployed["model"] else \
            "previous" if previous and model.name == previous["model"] else ""
        accuracy = evals.get(model.name)
        acc = " ".join(f"{k} {v:.1f}" for k, v in accuracy.items()) if accuracy else "not evaluated"
        print(f"{model.name:45} {mark:9} {acc}")
    return EXIT_OK


# --- registration --------------------------------------------------------------------------------


def register(sub: argparse._SubParsersAction) -> None:
    from .evaluation import DEFAULT_MAX_DROP

    topic = sub.add_parser("topic", help="add and inspect topics (trainers)")
    topic_sub = topic.add_subparsers(dest="topic_command", required=True)
    p = topic_sub.add_parser("add", help="scaffold a new topic in every served language: intent, examples, answer, rule, domain, taxonomy")
    p.add_argument("--from", dest="from_file", help="description file (see `citizenbot topic template`); "
                   "without it the command asks")
    p.add_argument("--dry-run", action="store_true", help="only list the files that would change")
    add_project_option(p)
    p.set_defaults(func=_topic_add)
    p = topic_sub.add_parser("update", help="change a topic added with `topic add`: its entries, examples and test "
                             "questions replaced by the description's (`topic show` tells where they are)")
    p.add_argument("--from", dest="from_file", help="description file with the topic's id (as for `topic add`); "
                   "without it the command asks")
    p.add_argument("--dry-run", action="store_true", help="only list the files that would change")
    add_project_option(p)
    p.set_defaults(func=_topic_update)
    p = topic_sub.add_parser("remove", help="take a faq or meta topic out of every file `topic add` wrote it into")
    p.add_argument("id")
    p.add_argument("--dry-run", action="store_true", help="only list the files that would change")
    add_project_option(p)
    p.set_defaults(func=_topic_remove)
    p = topic_sub.add_parser("template", help="write a description file to fill in for `topic add --from`")
    p.add_argument("file", nargs="?", help="where to write it (default: print it)")
    p.add_argument("--force", action="store_true")
    p.set_defaults(func=_topic_template)
    p = topic_sub.add_parser("show", help="where a topic's examples, answer and rule are")
    p.add_argument("id")
    add_project_option(p)
    p.set_defaults(func=_topic_show)
    p = topic_sub.add_parser("list", help="every topic with its number of examples per language")
    add_project_option(p)
    p.set_defaults(func=_topic_list)

    data = sub.add_parser("data", help="check the training data and content (trainers)")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    p = data_sub.add_parser("check", help="report what must be fixed before training (exit 1 on errors)")
    p.add_argument("--min-examples", type=int, default=20, help="examples needed per topic and language (default 20)")
    p.add_argument("--links", action="store_true", help="also open every link of the answers (needs network)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    add_project_option(p)
    p.set_defaults(func=_data_check)

    translation_commands(sub)
    inbox_commands(sub)

    def eval_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--eval-file", action="append", help="held-out TSV (default tests/eval/heldout.tsv and heldout_<lang>.tsv; repeatable)")
        p.add_argument("--max-drop", type=float, default=DEFAULT_MAX_DROP,
                       help=f"accuracy points a language may lose (default {DEFAULT_MAX_DROP})")

    def server_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--url", help="Rasa server (default RASA_URL)")
        p.add_argument("--token", help="its API token (default RASA_TOKEN)")

    p = sub.add_parser("train", help="check, train with progress, evaluate against the previous model, write a report")
    eval_options(p)
    server_options(p)
    p.add_argument("--deploy", action="store_true", help="deploy the new model when it passes the gate")
    p.add_argument("--skip-check", action="store_true", help="train even when `data check` reports errors")
    p.add_argument("--no-eval", action="store_true", help="only train")
    p.add_argument("--config", help="pipeline configuration (default config.yml)")
    add_project_option(p)
    p.set_defaults(func=_train)

    p = sub.add_parser("deploy", help="load a trained model into the running server unless a language regresses")
    p.add_argument("model", nargs="?", help="model file or name in models/ (default: the latest trained)")
    p.add_argument("--force", action="store_true", help="deploy even when accuracy dropped")
    p.add_argument("--dry-run", action="store_true", help="evaluate and decide, load nothing")
    eval_options(p)
    server_options(p)
    add_project_option(p)
    p.set_defaults(func=_deploy)

    p = sub.add_parser("rollback", help="load the previously deployed model again")
    server_options(p)
    add_project_option(p)
    p.set_defaults(func=_rollback)

    p = sub.add_parser("models", help="trained models, which is deployed and which came before, their accuracy")
    p.add_argument("--deployed", action="store_true", help="print only the deployed model's path")
    add_project_option(p)
    p.set_defaults(func=_models)

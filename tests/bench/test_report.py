"""The report and plots from made-up results (nothing is measured here)."""

from pathlib import Path

from bench import report
from bench.run import _merge


def _lat(p50, p95, p99):
    return {"n": 100, "mean": p50, "p50": p50, "p95": p95, "p99": p99, "max": p99}


def _level(level, p50, p95, p99, errors=0, system="ours"):
    names = ["ours: rasa", "ours: actions", "ours: web"] if system == "ours" else ["stock: rasa", "stock: web"]
    return {"concurrency": level, "rounds": 2, "duration_s": 60.0, "messages": 100 * level, "conversations": 25,
            "msg_per_s": 1.6 * level, "errors": errors, "error_kinds": {"reply timeout": errors} if errors else {},
            "latency": _lat(p50, p95, p99), "latencies": [p50, p95],
            "rss_peak_kib": {**{n: 100_000 * (i + 1) for i, n in enumerate(names)}, "load client": 50_000},
            "cpu_s": {n: 1.0 for n in names}, "server_cpu_ms_per_msg": 20.0}


def made_up_results() -> dict:
    levels = [1, 10, 50, 200]
    ours = {str(lv): _level(lv, 0.05 * (1 + lv / 50), 0.09 * (1 + lv / 50), 0.12 * (1 + lv / 50)) for lv in levels}
    stock = {str(lv): _level(lv, 0.04 * (1 + lv / 50), 0.07 * (1 + lv / 50), 0.1 * (1 + lv / 50), system="stock")
             for lv in levels}
    lookups = {k: {**_lat(0.001, 0.002, 0.003), "right": 95} for k in report.KB_KINDS}
    backend = {"backend": "SQLite", "seed_seconds": 10.0, "reports_seconds": 2.0, "index_build_seconds": 1.5,
               "index_size": 25_000, "counts": {"streets": 20_000, "reports": 100_000}, "lookups": lookups}
    return {
        "quick": False,
        "machine": {"date": "2026-11-28 10:00 UTC", "cores": 2, "cpu_model": "Test CPU", "ram_gib": 23.5,
                    "python": "3.10.13", "kernel": "6.1", "load_avg_at_start": [1.0, 1.0, 1.0]},
        "versions": {"rasa": "3.6.21"},
        "parts": ["kb", "train", "load", "clinc"],
        "errors": {},
        "part_seconds": {"kb": 100.0, "train": 500.0, "load": 900.0, "clinc": 600.0},
        "total_seconds": 2100.0,
        "load_avg": {"kb": [1.0, 2.5]},
        "load": {
            "levels": levels, "rounds": 2, "round_seconds": 30.0, "think_s": [3.2, 4.5], "model": "m.tar.gz",
            "baseline": "stock rasa init assistant", "startup_seconds": {"ours: rasa": 40.0},
            "idle_rss_kib": {"ours: rasa": 90_000},
            "stock": {"created": True, "seconds": 120.0, "peak_rss_kib": 1_500_000},
            "systems": {"ours": ours, "stock": stock},
            "ratios": {str(lv): {"p50": 1.25, "p95": 1.29, "p99": 1.2} for lv in levels},
            "eval": {"files": ["heldout.tsv"], "seconds": 30.0, "questions": 10,
                     "accuracy": {"en": 1.0, "fi": 0.8, "sv": 1.0, "all": 0.9},
                     "counts": {"en": [3, 3], "fi": [4, 5], "sv": [2, 2]}, "emergency": 1.0, "summary": "..."},
        },
        "kb": {"quick": False, "postgres": False, "backends": [backend], "examples": {"plan": "mikä on X -kaavan tilanne"},
               "sizes": {"streets": 20_000, "plans": 5_000, "districts": 150, "reports": 100_000}},
        "train": {"examples": 9000, "scratch": {"seconds": 232.0, "peak_rss_kib": 3_300_000},
                  "new_topic": {"seconds": 200.0, "peak_rss_kib": 3_200_000, "topic": "t.new", "examples_added": 36}},
        "clinc": {"quick": False, "threshold": 0.2, "train_examples": 15_100, "test_examples": 5_500, "intents": 151,
                  "emergency_override": "dropped", "emergency_rule_hits": ["call an ambulance"], "cleaned_texts": 1,
                  "train_seconds": 400.0, "train_peak_rss_kib": 3_500_000, "parse": _lat(0.01, 0.02, 0.03),
                  "inscope_acc": 0.93, "oos_recall": 0.5, "inscope_flagged_oos": 0.01,
                  "oos_predicted_as_oos_intent": 300, "oos_predicted_as_fallback": 200,
                  "curve": [{"threshold": t / 20, "inscope_acc": 0.94 - t / 100, "oos_recall": 0.3 + t / 40} for t in range(13)],
                  "baselines": [
                      {"method": "oos-train", "classifier": "Rasa", "inscope_acc_full": "91.5", "oos_recall_full": "45.3"},
                      {"method": "oos-train", "classifier": "BERT", "inscope_acc_full": "96.9", "oos_recall_full": "40.3"},
                  ]},
    }


def test_the_report_has_every_section_the_ratios_and_the_verdicts():
    text = report.render(made_up_results())
    for heading in ("## Summary", "## 1. Reply latency", "## 2. Knowledge-base lookups", "## 3. Training",
                    "## 4. NLU pipeline on CLINC150", "## 5. The assistant's accuracy per language"):
        assert heading in text
    assert "2 cores (Test CPU), 23.5 GiB RAM" in text
    assert "1.25x / 1.29x / 1.20x" in text
    assert "p95 at 50 conversations is 1.29x the stock assistant's (met)" in text
    assert "0 errors at 200 (met)" in text
    assert "slowest p95 2.00 ms (met)" in text
    assert "| **this project (config.yml)** | **93.0 %** | **50.0 %** |" in text
    assert "in-scope 93.0 % vs Rasa-2019 91.5 % (beaten)" in text and "BERT 40.3 % (beaten)" in text
    assert "| fi | 4/5 | 80.0 % |" in text and "| all | 9/10 | 90.0 % |" in text
    assert "3 min 52 s" in text  # training from scratch
    assert "kb 1.0 / 2.5" in text  # how busy the machine was


def test_failed_parts_and_missing_baselines_are_reported_not_hidden():
    results = made_up_results()
    results["errors"] = {"clinc": "RuntimeError: boom"}
    del results["clinc"]
    results["load"]["systems"]["ours"]["200"]["errors"] = 3
    del results["load"]["ratios"]["50"]
    text = report.render(results)
    assert "## Failed parts" in text and "clinc: RuntimeError: boom" in text
    assert "3 errors at 200 (not met)" in text
    assert "## 4. NLU" not in text


def test_write_makes_the_report_and_its_plots(tmp_path: Path):
    path = report.write(made_up_results(), tmp_path)
    assert path == tmp_path / "report.md"
    for name in ("load_latency.png", "load_memory.png", "kb_lookups.png", "clinc_threshold.png"):
        png = tmp_path / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert f"({name})" in path.read_text(encoding="utf-8")


def test_rounds_are_merged_into_one_result():
    from collections import Counter

    from bench.load import RunResult, Turn

    a = RunResult(10, 30.0, [Turn(0.0, 0.1), Turn(1.0, 0.3)], 2, Counter())
    b = RunResult(10, 30.0, [Turn(0.0, 0.2), Turn(2.0, None, "timeout")], 1, Counter({"reply timeout": 1}))
    merged = _merge([a, b])
    assert merged["messages"] == 3 and merged["conversations"] == 3 and merged["rounds"] == 2
    assert merged["errors"] == 1 and merged["error_kinds"] == {"reply timeout": 1}
    assert merged["msg_per_s"] == 3 / 60
    assert merged["latency"]["p50"] == 0.2

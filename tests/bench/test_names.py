"""The name-matching benchmark measures every size and shape against its baseline and reports it."""

from pathlib import Path

from bench import names

ROOT = Path(__file__).resolve().parents[2]


def test_every_size_and_shape_is_measured_and_reported():
    result = names.run(ROOT, quick=True, log=lambda _m: None)
    rows = {(r["shape"], r["kb"]): r for r in result["rows"]}
    assert set(rows) == {(shape, kb) for shape in names.SHAPES for kb in names.SIZES_KB}
    # ten times the text holds about ten times the names; a long word is never a name
    assert rows[("sentences", 100)]["matches"] >= 9 * rows[("sentences", 10)]["matches"] > 0
    assert all(rows[("one word", kb)]["matches"] == 0 for kb in names.SIZES_KB)
    assert all(r["chars"] == 1000 * r["kb"] and r["baseline_seconds"] > 0 for r in result["rows"])
    table = "\n".join(names.section(result))
    assert "| sentences | 100 KB | " in table and "| one word | 1 KB | 0 |" in table

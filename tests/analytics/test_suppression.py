"""Complementary suppression: with a column's total published, no hidden small count can be
computed back from the shown cells."""

from hypothesis import given
from hypothesis import strategies as st

from citizenbot.analytics.queries import SUPPRESS_BELOW, _count
from citizenbot.analytics.suppression import COMPLEMENTARY, complement, hidden


def column(counts):
    rows = []
    for count in counts:
        row = {}
        _count(row, "n", count)
        rows.append(row)
    return rows


def test_one_hidden_cell_gets_the_smallest_non_zero_other_hidden_with_it():
    rows = complement(column([40, 3, 0, 9, 12]), "n")
    assert [row["n"] for row in rows] == [40, None, 0, None, 12]
    assert rows[1]["n_suppressed"] is True and rows[3]["n_suppressed"] == COMPLEMENTARY


def test_nothing_more_is_hidden_when_none_or_two_cells_are():
    assert [row["n"] for row in complement(column([40, 9, 0]), "n")] == [40, 9, 0]
    assert [row["n"] for row in complement(column([40, 3, 2, 9]), "n")] == [40, None, None, 9]


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12))
def test_no_small_count_can_be_recovered_from_the_total(counts):
    rows = complement(column(counts), "n")
    total = sum(counts)
    hidden_cells = [i for i, row in enumerate(rows) if hidden(row, "n")]
    small = [i for i, count in enumerate(counts) if 0 < count < SUPPRESS_BELOW]
    # every small count is hidden, shown cells are the true counts, at most one extra cell is hidden
    assert set(small) <= set(hidden_cells) and len(hidden_cells) <= len(small) + 1
    assert all(rows[i]["n"] == counts[i] for i in range(len(counts)) if i not in hidden_cells)
    if small and total >= SUPPRESS_BELOW:
        # total minus the shown cells is the sum of two or more hidden cells, never one small count
        assert len(hidden_cells) >= 2

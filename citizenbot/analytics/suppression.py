"""Complementary suppression: a hidden small count must not be recoverable by subtraction.

Counts from 1 to 4 are hidden ("primary" suppression, ``queries.is_small``). When a column's total
is published and exactly one of its cells is hidden, total minus the shown cells gives that cell
back. Then a second cell is hidden too: the smallest other non-zero count (the usual choice in
official statistics, it loses the least information). It is marked ``"complementary"`` instead of
``True`` so the console shows it as hidden rather than as "< 5", which it is not.
"""

from __future__ import annotations

from typing import Any

COMPLEMENTARY = "complementary"


def hidden(row: dict[str, Any], key: str) -> bool:
    return bool(row.get(f"{key}_suppressed"))


def complement(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Hide one more cell of column ``key`` when exactly one is hidden (rows changed in place).

    Call it only for columns whose total is published somewhere (the summary's totals, another
    table); a zero is never chosen, since hiding a 0 protects nothing the reader cannot bound.
    """
    if sum(1 for row in rows if hidden(row, key)) != 1:
        return rows
    shown = [row for row in rows if not hidden(row, key) and row.get(key)]
    if shown:
        smallest = min(shown, key=lambda row: row[key])
        smallest[key], smallest[f"{key}_suppressed"] = None, COMPLEMENTARY
    return rows

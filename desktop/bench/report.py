"""Figures, percentiles and the printed table.

The benchmark prints what it measured beside each target and says by how much
a target is missed; it never fails because a machine is slow. Every figure
line starts with a fixed label (``FIGURES`` in the package) so that a test can
check none of them silently disappeared.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0–1) by linear interpolation between the two nearest ranks."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def seconds(value: float) -> str:
    """A duration in the unit a person reads at a glance: µs, ms or s."""
    if math.isnan(value):
        return "n/a"
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.{1 if value < 0.1 else 0}f} ms"
    return f"{value:.2f} s"


def pair(p50: float, p95: float) -> str:
    return f"{seconds(p50)} / {seconds(p95)}"


def over(value: float, limit: float, shown: str) -> str:
    """'met', or by how much ``value`` misses ``limit`` (both the same unit)."""
    if value <= limit:
        return "met"
    excess = value / limit - 1
    return f"MISSED by {excess:.0%} ({shown})" if excess >= 0.01 else f"MISSED by <1% ({shown})"


@dataclass
class Figure:
    """One line of the table; ``raw`` keeps the numbers for the JSON file."""

    label: str
    measured: str
    plain: str = ""
    ratio: str = ""
    target: str = ""
    result: str = ""
    note: str = ""
    raw: dict[str, Any] = field(default_factory=dict)


def store_query(
    label: str,
    store: Sequence[float],
    plain: Sequence[float],
    *,
    max_ratio: float = 1.5,
    max_p95: float | None = None,
    note: str = "",
) -> Figure:
    """A store query beside the same query on plain SQLite: p50 / p95 and their ratios.

    The target holds only if both ratios do (p50 says what a person usually
    waits, p95 what the slow ones cost) and, where given, the p95 ceiling.
    """
    s50, s95 = percentile(store, 0.5), percentile(store, 0.95)
    p50, p95 = percentile(plain, 0.5), percentile(plain, 0.95)
    r50, r95 = s50 / p50, s95 / p95
    worst = max(r50, r95)
    results = [over(worst, max_ratio, f"{worst:.2f}× plain")]
    target = f"≤ {max_ratio}× plain"
    if max_p95 is not None:
        target += f", p95 ≤ {max_p95 * 1e3:.0f} ms"
        results.append(over(s95, max_p95, f"p95 {seconds(s95)}"))
    missed = [r for r in results if r != "met"]
    return Figure(
        label,
        pair(s50, s95),
        pair(p50, p95),
        f"{r50:.2f}× / {r95:.2f}×",
        target,
        "; ".join(missed) or "met",
        note,
        {
            "samples": len(store),
            "store_p50_s": s50,
            "store_p95_s": s95,
            "plain_p50_s": p50,
            "plain_p95_s": p95,
            "ratio_p50": r50,
            "ratio_p95": r95,
        },
    )


HEADERS = ("figure", "measured (p50 / p95)", "plain SQLite", "ratio", "target", "result")


def table(title: str, context: Sequence[str], figures: Sequence[Figure]) -> str:
    """The figures as a fixed-width table, notes indented under their line."""
    rows = [HEADERS] + [
        (f.label, f.measured, f.plain, f.ratio, f.target, f.result) for f in figures
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADERS) - 1)]

    def line(row: Sequence[str]) -> str:
        cells = [cell.ljust(w) for cell, w in zip(row, widths, strict=False)]
        return "  ".join([*cells, row[-1]]).rstrip()

    out = [title, *context, ""]
    out.append(line(HEADERS))
    out.append("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    for f, row in zip(figures, rows[1:], strict=True):
        out.append(line(row))
        if f.note:
            out.append(" " * 4 + f"└ {f.note}")
    return "\n".join(out)


def write(out: Path, text: str, figures: Sequence[Figure], parameters: dict[str, Any]) -> None:
    """``results.txt`` (the table as printed) and ``results.json`` (the numbers)."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.txt").write_text(text + "\n", encoding="utf-8")
    data = {"parameters": parameters, "figures": [asdict(f) for f in figures]}
    (out / "results.json").write_text(
        json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )

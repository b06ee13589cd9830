"""Shared helpers of the book's check cells: rounding for printed output and glue.

nbval compares printed text exactly, so every number a check cell prints goes through one of
these.  Referee routines that several chapters use (independent quadratures, brute-force
constructions) live here too, so that each chapter's check cells show only what they check.
Import from a chapter with ``from _checks import below, sig`` (the kernel runs in book/).
"""
from __future__ import annotations

__all__ = ["below", "sig"]


def below(x, floor=1e-12):
    """An error for printing: '< floor' at round-off level, else 1 significant digit."""
    return f"< {floor:.0e}" if x < floor else f"{x:.0e}"


def sig(x, n=3):
    """x rounded to n significant digits (for glue; stable across runs)."""
    return float(f"{x:.{n}g}")

"""The book's exercises: scan the chapters, write the exercise index, and fold long check cells.

Book tooling, not part of the nadlib package (like coverage.py beside it).  Run from the repository root:

    python book/_ext/exercises.py            # rewrite book/exercises.md from the chapters
    python book/_ext/exercises.py --fold     # also tag long check cells of the paper chapters hide-input

An exercise is a sphinx-exercise directive in a markdown cell,

    ````{exercise} Reproduce: the Landauer current by hand
    :label: ex-ch3-landauer
    :class: ex-reproduce
    ...
    ````

whose class names its kind (``ex-reproduce``: reproduce a number of the chapter; ``ex-predict``: change a
parameter and predict the outcome; ``ex-prove``: prove or check a step).  Its solution is a gated block,
``{solution-start} <label>`` with ``:class: dropdown`` in one markdown cell, then code cells, then
``{solution-end}``: the code cells are ordinary notebook cells, re-run by nbval, and each must assert its
claim.  tests/test_exercises.py holds the book to these rules and to an up-to-date index.

The chapters are those of the paper part and, once they exist, the "Beyond the paper" chapters
(``book/beyond_*.ipynb``): each of them must end with exercises too.

Folding (the issue's "check cells that do not break the reading"): in these chapters, a
check, consistency or illustration cell longer than ``FOLD_CHECK_LINES`` lines, or any other code cell
longer than ``FOLD_OTHER_LINES`` lines, carries the tag ``hide-input``: the book shows its output and folds
its code behind a click.  Solution cells are exempt (the whole solution is folded already), and so are
cells removed from the book.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

__all__ = ["KINDS", "PAPER_STEMS", "FOLD_CHECK_LINES", "FOLD_OTHER_LINES", "course_stems", "scan_notebook",
           "scan_book", "render_index", "should_fold", "fold_notebook"]

#: Exercise kinds: the class option of the directive -> the word shown in the index.
KINDS = {"ex-reproduce": "reproduce a number", "ex-predict": "change a parameter, predict",
         "ex-prove": "prove or check a step"}
#: The paper part of the book, in reading order (stems of book/*.ipynb).
PAPER_STEMS = ["ch1_introduction", "ch2_preliminaries", "ch3_model", "ch4_master_equation",
               "ch5_non_additivity", "ch6_conclusion", "appA_currents_coherence", "appB_equations_of_motion",
               "appC_thermalisation", "appD_currents", "appE_epa", "appF_entropy"]
#: Chapters "Beyond the paper" (book/beyond_*.ipynb) join the course when they exist, in _toc.yml order.
BEYOND_GLOB = "beyond_*.ipynb"
FOLD_CHECK_LINES = 5
FOLD_OTHER_LINES = 15

_EXERCISE = re.compile(r"^(`{3,}|:{3,})\{exercise\}\s*(.*?)\s*\n(.*?)^\1\s*$", re.M | re.S)
_OPTION = re.compile(r"^:(\w+):\s*(.*)$", re.M)
_SOL_START = re.compile(r"^(`{3,}|:{3,})\{solution-start\}\s+(\S+)\s*\n(.*?)^\1\s*$", re.M | re.S)
_SOL_END = re.compile(r"^(`{3,}|:{3,})\{solution-end\}", re.M)
_TITLE = re.compile(r"^#\s+(.+)$", re.M)
_ASSERTION = re.compile(r"\bassert\b|assert_[a-z_]+\s*\(|pytest\.raises\s*\(")
_KIND_PREFIX = re.compile(r"^(Reproduce|Predict|Check a step)\s*:\s*")
_MARKER = re.compile(r"^\s*#\s*(Check|Consistency|Illustration)\s*:", re.M)


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def scan_notebook(path):
    """The exercises of one notebook, in order, and which cells lie inside solutions.

    Returns dict(title=chapter title, exercises=[dict(label, kind, title, solved, solution_cells,
    asserted, problems)], solution_cells=set of cell indices inside solution blocks).
    ``solution_cells`` of an exercise are the indices of its solution's code cells; ``asserted`` is true
    when every one of them asserts; ``problems`` lists what is malformed (empty when all is well).
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = nb.get("cells", [])
    title = ""
    exercises, by_label, inside = [], {}, set()
    open_label = None
    for i, cell in enumerate(cells):
        src = _source(cell)
        if cell.get("cell_type") == "markdown":
            if not title and _TITLE.search(src):
                title = _TITLE.search(src).group(1).strip()
            for m in _EXERCISE.finditer(src):
                opts = dict(_OPTION.findall(m.group(3)))
                ex = dict(label=opts.get("label", ""), kind=opts.get("class", ""), title=m.group(2),
                          solved=False, solution_cells=[], asserted=False, problems=[])
                if not ex["label"]:
                    ex["problems"].append("exercise without :label:")
                if ex["kind"] not in KINDS:
                    ex["problems"].append(f"exercise class {ex['kind']!r} is not one of {sorted(KINDS)}")
                exercises.append(ex)
                by_label[ex["label"]] = ex
            start = _SOL_START.search(src)
            if start:
                if open_label is not None:
                    by_label.get(open_label, {}).setdefault("problems", []).append("solution not closed")
                open_label = start.group(2)
                ex = by_label.get(open_label)
                if ex is None:
                    exercises.append(dict(label=open_label, kind="", title="", solved=False, solution_cells=[],
                                          asserted=False, problems=["solution of an unknown exercise"]))
                elif "dropdown" not in start.group(3):
                    ex["problems"].append("solution is not folded (:class: dropdown)")
            if _SOL_END.search(src):
                if open_label in by_label:
                    by_label[open_label]["solved"] = True
                open_label = None
        elif open_label is not None and cell.get("cell_type") == "code":
            inside.add(i)
            if open_label in by_label:
                by_label[open_label]["solution_cells"].append(i)
    if open_label is not None and open_label in by_label:
        by_label[open_label]["problems"].append("solution not closed")
    for ex in exercises:
        codes = [_source(cells[i]) for i in ex["solution_cells"]]
        ex["asserted"] = bool(codes) and all(_ASSERTION.search(c) for c in codes)
        if ex["label"] and not ex["solved"] and not ex["problems"]:
            ex["problems"].append("no solution")
        if ex["solved"] and not ex["solution_cells"]:
            ex["problems"].append("solution without a code cell")
        if ex["solution_cells"] and not ex["asserted"]:
            ex["problems"].append("a solution code cell asserts nothing")
    return dict(title=title, exercises=exercises, solution_cells=inside)


def course_stems(book_dir):
    """The chapters that carry exercises: the paper part, then the "Beyond the paper" chapters that exist
    (in the order of _toc.yml, one level above `book_dir`, else alphabetical)."""
    book_dir = Path(book_dir)
    beyond = sorted(p.stem for p in book_dir.glob(BEYOND_GLOB))
    toc = book_dir.parent / "_toc.yml"
    if toc.exists():
        order = [Path(f).stem for f in re.findall(r"file:\s*([^\s#]+)", toc.read_text(encoding="utf-8"))]
        beyond.sort(key=lambda s: order.index(s) if s in order else len(order))
    return PAPER_STEMS + beyond


def scan_book(book_dir, stems=None):
    """{stem: scan_notebook(...)} for the given chapter stems (default: `course_stems`) that exist."""
    book_dir = Path(book_dir)
    stems = course_stems(book_dir) if stems is None else stems
    return {s: scan_notebook(book_dir / f"{s}.ipynb") for s in stems if (book_dir / f"{s}.ipynb").exists()}


def render_index(scans):
    """The text of book/exercises.md: one section per chapter, one line per exercise, with links."""
    total = sum(len(s["exercises"]) for s in scans.values())
    out = ["# Exercises", "",
           "Every chapter of the paper part ends with exercises of three kinds: one that *reproduces* a number of",
           "the chapter by a route of your own, one that *changes a parameter* and asks for a prediction before the",
           "computation, and one that *proves or checks a step* of the argument. Each has a worked solution, folded",
           "under the exercise. The solutions are code cells that assert their answer against an independent route,",
           "so the book's tests re-run them and fail if one goes stale. The page",
           "{doc}`teaching` suggests how to use them in a course.", "",
           f"{total} exercises in {len(scans)} chapters. This page is generated from the chapters by",
           "`python book/_ext/exercises.py`; `tests/test_exercises.py` checks that it is up to date.", ""]
    for stem, scan in scans.items():
        out += [f"## {{doc}}`{stem}`", "", "| Exercise | Kind |", "| --- | --- |"]
        for ex in scan["exercises"]:
            title = _KIND_PREFIX.sub("", ex["title"])
            title = title[:1].upper() + title[1:]
            out.append(f"| {{ref}}`{title} <{ex['label']}>` | {KINDS.get(ex['kind'], '?')} |")
        out.append("")
    return "\n".join(out)


def should_fold(cell, index, solution_cells):
    """True when the code cell `cell` (at `index`) is long enough to be folded behind a click."""
    if cell.get("cell_type") != "code" or index in solution_cells:
        return False
    if "remove-cell" in cell.get("metadata", {}).get("tags", []):
        return False
    src = _source(cell).strip("\n")
    lines = src.count("\n") + 1 if src else 0
    limit = FOLD_CHECK_LINES if _MARKER.search(src) else FOLD_OTHER_LINES
    return lines > limit


def fold_notebook(path):
    """Add hide-input to the cells of one notebook that `should_fold`; returns how many cells changed."""
    import nbformat                      # the notebook writer of Jupyter itself: same layout as on save

    path = Path(path)
    nb = nbformat.read(str(path), as_version=4)
    inside = scan_notebook(path)["solution_cells"]
    changed = 0
    for i, cell in enumerate(nb["cells"]):
        if should_fold(cell, i, inside):
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "hide-input" not in tags:
                tags.append("hide-input")
                changed += 1
    if changed:
        nbformat.write(nb, str(path))
    return changed


def main(argv):
    root = Path(__file__).resolve().parents[2]
    book = root / "book"
    if "--fold" in argv:
        for stem in course_stems(book):
            n = fold_notebook(book / f"{stem}.ipynb")
            print(f"{stem}: {n} cells folded")
    (book / "exercises.md").write_text(render_index(scan_book(book)) + "\n", encoding="utf-8")
    print(f"wrote {book / 'exercises.md'}")


if __name__ == "__main__":
    main(sys.argv[1:])

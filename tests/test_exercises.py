"""The book as a course: every paper chapter ends with 2-4 exercises of the three kinds, each with a folded
solution whose code asserts; the exercise index is generated from the chapters and up to date; long check
cells are folded (book/_ext/exercises.py holds the scanner and the rules).

The solutions themselves run under nbval with the chapters (`pytest book/`), so a stale one fails there.
"""
import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
_spec = importlib.util.spec_from_file_location("book_exercises", BOOK / "_ext" / "exercises.py")
exercises = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(exercises)

SCANS = exercises.scan_book(BOOK)
STEMS = exercises.course_stems(BOOK)          # the paper part, then any "Beyond the paper" chapter


def test_every_course_chapter_is_scanned():
    assert list(SCANS) == STEMS and STEMS[:len(exercises.PAPER_STEMS)] == exercises.PAPER_STEMS


@pytest.mark.parametrize("stem", STEMS)
def test_chapter_has_two_to_four_exercises_of_the_three_kinds(stem):
    exs = SCANS[stem]["exercises"]
    assert 2 <= len(exs) <= 4, f"{stem}: {len(exs)} exercises"
    assert {e["kind"] for e in exs} == set(exercises.KINDS), f"{stem}: kinds {[e['kind'] for e in exs]}"
    for e in exs:
        assert not e["problems"], f"{stem} {e['label']}: {e['problems']}"
        assert e["solved"] and e["solution_cells"] and e["asserted"]


@pytest.mark.parametrize("stem", STEMS)
def test_solutions_are_folded_executed_and_name_their_check(stem):
    nb = json.loads((BOOK / f"{stem}.ipynb").read_text())
    for e in SCANS[stem]["exercises"]:
        for i in e["solution_cells"]:
            cell = nb["cells"][i]
            src = "".join(cell["source"])
            assert src.lstrip().startswith("# Check:"), f"{stem} cell {i}: a solution starts with '# Check:'"
            assert cell.get("execution_count") is not None, f"{stem} cell {i} is not executed"
            assert src.count("\n") + 1 <= 40, f"{stem} cell {i}: a solution cell stays under 40 lines"


@pytest.mark.parametrize("stem", STEMS)
def test_exercises_close_the_chapter(stem):
    """The Exercises section is the chapter's last section."""
    nb = json.loads((BOOK / f"{stem}.ipynb").read_text())
    md = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]
    k = next(i for i, s in enumerate(md) if s.lstrip().startswith("## Exercises"))
    assert not [s for s in md[k + 1:] if re.search(r"^#{1,2} ", s, re.M)], f"{stem}: a section after Exercises"


def test_labels_unique_across_the_book():
    labels = [e["label"] for s in SCANS.values() for e in s["exercises"]]
    assert len(labels) == len(set(labels))
    assert all(re.fullmatch(r"ex-[a-zA-Z0-9]+-[a-z0-9-]+", lab) for lab in labels)


def test_index_is_generated_and_up_to_date():
    text = (BOOK / "exercises.md").read_text()
    assert text == exercises.render_index(SCANS) + "\n", "run: python book/_ext/exercises.py"
    for s in SCANS.values():
        for e in s["exercises"]:
            assert f"<{e['label']}>`" in text
    toc = (ROOT / "_toc.yml").read_text()
    assert "book/exercises" in toc and "book/teaching" in toc


@pytest.mark.parametrize("stem", STEMS)
def test_long_check_cells_are_folded_short_calls_are_not(stem):
    nb = json.loads((BOOK / f"{stem}.ipynb").read_text())
    inside = SCANS[stem]["solution_cells"]
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if exercises.should_fold(cell, i, inside):
            assert "hide-input" in tags, f"{stem} cell {i}: long check cell not folded"
        src = "".join(cell["source"]).strip()
        if src.count("\n") + 1 <= exercises.FOLD_CHECK_LINES and "hide-input" in tags:
            assert src.startswith(("import", "from", "fig", "d = ", "dep")) or "plt." in src, \
                f"{stem} cell {i}: a short physics call is hidden"


# ------------------------------------------------------------------------- the scanner on synthetic notebooks

def _nb(tmp_path, cells):
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    path = tmp_path / "ch9_test.ipynb"
    nbformat.write(nb, str(path))
    return path


def test_scanner_flags_malformed_exercises(tmp_path):
    import nbformat
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    path = _nb(tmp_path, [
        md("# Title"),
        md("````{exercise} Reproduce: a\n:label: ex-t-a\n:class: ex-reproduce\n\ntext\n````"),
        md("```{solution-start} ex-t-a\n:class: dropdown\n```"),
        code("# Check: x\nassert 1 == 1"),
        md("```{solution-end}\n```"),
        md("````{exercise} Predict: b\n:label: ex-t-b\n:class: ex-guess\n\ntext\n````"),
        md("```{solution-start} ex-t-b\n```"),
        code("# Check: y\nprint(2)"),
        md("```{solution-end}\n```"),
        md("````{exercise} c\n:label: ex-t-c\n:class: ex-prove\n\ntext\n````"),
    ])
    scan = exercises.scan_notebook(path)
    a, b, c = scan["exercises"]
    assert scan["title"] == "Title"
    assert a["solved"] and a["asserted"] and not a["problems"] and a["solution_cells"] == [3]
    assert any("class" in p for p in b["problems"]) and any("dropdown" in p for p in b["problems"])
    assert any("asserts nothing" in p for p in b["problems"])
    assert c["problems"] == ["no solution"]
    assert scan["solution_cells"] == {3, 7}


def test_fold_rule():
    import nbformat
    code = nbformat.v4.new_code_cell
    long_check = code("# Check: Eq. (1)\n" + "x = 1\n" * 6)
    short_check = code("# Check: Eq. (1)\nassert True")
    long_other = code("y = 2\n" * 16)
    removed = code("# Check: Eq. (1)\n" + "x = 1\n" * 10)
    removed.metadata["tags"] = ["remove-cell"]
    assert exercises.should_fold(long_check, 0, set())
    assert not exercises.should_fold(long_check, 0, {0})          # inside a folded solution
    assert not exercises.should_fold(short_check, 0, set())
    assert exercises.should_fold(long_other, 0, set())
    assert not exercises.should_fold(removed, 0, set())


def test_beyond_the_paper_chapters_join_the_course(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    for stem in ("beyond_fluctuations", "beyond_bosons"):
        (book / f"{stem}.ipynb").write_text("{}")
    (tmp_path / "_toc.yml").write_text("root: book/intro\nchapters:\n  - file: book/beyond_bosons\n"
                                       "  - file: book/beyond_fluctuations\n")
    stems = exercises.course_stems(book)
    assert stems[:len(exercises.PAPER_STEMS)] == exercises.PAPER_STEMS
    assert stems[len(exercises.PAPER_STEMS):] == ["beyond_bosons", "beyond_fluctuations"]

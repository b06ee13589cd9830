"""The book's coverage scanner (book/_ext/coverage.py) on tiny synthetic books written to tmp_path, and on
the real book: every equation has a category, every check asserts, check cells stay short."""
import importlib.util
from pathlib import Path

import nbformat
import pytest

BOOK = Path(__file__).resolve().parent.parent / "book"
# Book tooling, not part of nadlib.  Loaded from its file under a name of its own: a plain
# `import coverage` would find the coverage.py measurement package instead.
_spec = importlib.util.spec_from_file_location("book_coverage", BOOK / "_ext" / "coverage.py")
coverage = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(coverage)


def _write(path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    nbformat.write(nb, str(path))


md = nbformat.v4.new_markdown_cell
code = nbformat.v4.new_code_cell


@pytest.fixture
def book(tmp_path):
    d = tmp_path / "book"
    d.mkdir()
    _write(d / "ch3_model.ipynb", [
        md("# Model\n\n$$\nT(\\omega) = \\frac{\\pi g^2}{2}\\phi_1\\phi_2\n$$ (eq-45)\n\n"
           "$$\nx = 1\n$$ (eq-46)\n\nsee {eq}`eq-32`"),
        md("```{math}\n:label: eq-10\nH = 0\n```\n\n(eq-11)=\n$$a$$\n\n% Definition: Eqs. (10), (11)"),
        code("# Check: Eq. (45)\nimport numpy as np\nnp.testing.assert_allclose(1, 1)"),
        code("x = 1\n# Check: Eqs. (43)-(44)\nassert x == 1"),
        code("fig = nad.figures.fig3_transmission()\nd = fig4_data('a')\nfigures.fig5_mu_scan_data()"),
        code("# not a check: Eq. (12)"),
        code("# Check: Eq. (13)\nprint('a comment is not a check')"),
        code("# Consistency: Eq. (14)\nassert 1 + 1 == 2"),
        code("# Illustration: Eqs. (15), (45)\nprint(1)"),
    ])
    _write(d / "appB_equations_of_motion.ipynb", [
        md("$$\ny\n$$ (eq-B1)\n\n$$\nz\n$$ (eq-B12b)"),
        code("# Check: Eqs. (B11)–(C1) and Fig. 7\nassert True"),
        code("#Check: Eq. (B1), (B3)\nassert True"),
    ])
    _write(d / "ch5_non_additivity.ipynb", [
        md("$$ a $$ (eq-78)\n\n$$ b $$ (eq-78p)\n\n$$ c $$ (eq-me-redfield)"),
        code("# Check: Eq. (78')\nassert True"),
        code("# Illustration: Eq. (78)\nprint(1)"),
    ])
    _write(d / "explorer.ipynb", [code("w.transmission_explorer()\nfig5_anm()")])
    _write(d / "reproduction.ipynb", [md("$$ q $$ (eq-83)"), code("# Check: Eq. (83)\nassert True")])
    (tmp_path / "_toc.yml").write_text("root: book/intro\nchapters:\n  - file: book/appB_equations_of_motion\n"
                                       "  - file: book/ch3_model\n  - file: book/ch5_non_additivity\n")
    return d


def test_paper_inventory():
    assert len(coverage.PAPER_EQUATIONS) == 125
    assert coverage.PAPER_EQUATIONS[0] == "1" and coverage.PAPER_EQUATIONS[82] == "83"
    assert coverage.PAPER_EQUATIONS[83] == "A1" and coverage.PAPER_EQUATIONS[-1] == "F7"
    assert coverage.equation_section("9") == "II" and coverage.equation_section("10") == "III"
    assert coverage.equation_section("54") == "IV" and coverage.equation_section("83") == "VI"
    assert coverage.equation_section("D3") == "D"
    assert coverage.CATEGORIES == ("checked", "consistency", "definition", "illustrated")


@pytest.mark.parametrize("text, eqs, figs", [
    (" Eq. (32)", {"32"}, set()),
    (" Eqs. (43)-(45)", {"43", "44", "45"}, set()),
    (" Eqs. (43)–(45), (B2)", {"43", "44", "45", "B2"}, set()),
    (" Eqs. (B11)-(C1)", {"B11", "B12", "C1"}, set()),
    (" Eq. (b5)", {"B5"}, set()),
    (" Eq. (24b)", {"24"}, set()),
    (" Fig. 4 and Eq. (53)", {"53"}, {"4"}),
    (" Figs. 3-5", set(), {"3", "4", "5"}),
    (" Eq. (99)", set(), set()),
    (" Eqs. (78), (78')", {"78", "78'"}, set()),
    (" Eq. (78′)", {"78'"}, set()),
    (" Eqs. (D2')-(D3')", {"D2'", "D3'"}, set()),
    (" Eqs. (D2)-(D3')", {"D2", "D3'"}, set()),            # mixed ends: no range
    (" Eq. (me-redfield), (ME1)", set(), set()),           # beyond the paper: ignored
])
def test_parse_check_line(text, eqs, figs):
    assert coverage.parse_check_line(text) == (eqs, figs)


def test_parse_marker_line():
    assert coverage.parse_marker_line("# Consistency: Eq. (5)") == ("consistency", {"5"}, set())
    assert coverage.parse_marker_line("% Definition: Eqs. (4)-(5)", markdown=True) == ("definition", {"4", "5"}, set())
    assert coverage.parse_marker_line("% Definition: Eq. (4)") is None            # markdown marker in code
    assert coverage.parse_marker_line("# Checks: Eq. (4)") is None


def test_scan_notebook(book):
    s = coverage.scan_notebook(book / "ch3_model.ipynb")
    assert s["labelled"] == {"45", "46", "10", "11"}          # {eq} references do not label
    assert s["checked"] == {"45", "43", "44"}                 # "# not a check" does not count
    assert s["consistency"] == {"14"}
    assert s["definition"] == {"10", "11"}
    assert s["illustrated"] == {"13", "15", "45"}             # (13): a check without an assertion
    assert [u[1] for u in s["unasserted"]] == ["# Check: Eq. (13)"]
    assert s["drawn"] == {"3"}                                # fig4_data, fig5_..._data only compute
    g = coverage.scan_notebook(book / "ch5_non_additivity.ipynb")
    assert g["labelled"] == {"78"} and g["generalisations"] == {"78'"}   # eq-78p is not (78)
    assert g["checked"] == {"78'"} and g["illustrated"] == {"78"}


def test_scan_book_rows(book):
    rows = coverage.scan_book(book)
    assert len(rows) == 125 + 9
    by = {(r["kind"], r["number"]): r for r in rows}
    r45 = by["equation", "45"]
    assert r45["where"] == ["ch3_model"] and r45["checked_in"] == ["ch3_model"]
    assert r45["category"] == "checked" and r45["status"] == "labelled"     # checked beats illustrated
    assert r45["covered_in"]["illustrated"] == ["ch3_model"]
    assert r45["link"] == "ch3_model.html#equation-eq-45"
    assert by["equation", "46"]["category"] == "none" and by["equation", "46"]["status"] == "labelled"
    assert by["equation", "10"]["category"] == "definition"
    assert by["equation", "13"]["category"] == "illustrated"
    assert by["equation", "14"]["category"] == "consistency"
    assert by["equation", "43"]["category"] == "checked" and by["equation", "43"]["status"] == "not labelled"
    assert by["equation", "20"]["status"] == "not labelled" and by["equation", "20"]["home"] == "ch3_model"
    assert by["equation", "5"]["status"] == "missing" and by["equation", "5"]["link"] == ""   # no ch2_*
    assert by["equation", "B12"]["category"] == "checked"      # eq-B12b labels (B12); range check
    assert by["equation", "C1"]["category"] == "checked" and by["equation", "C1"]["status"] == "missing"
    assert by["equation", "B2"]["checked"] is False and by["equation", "B3"]["checked"] is True
    assert by["equation", "83"]["status"] == "missing"         # reproduction.ipynb is not scanned
    r78 = by["equation", "78"]
    assert r78["category"] == "illustrated" and r78["where"] == ["ch5_non_additivity"]
    assert r78["generalisation"] == dict(number="78'", label="eq-78p", where=["ch5_non_additivity"],
                                         category="checked", covered_in=r78["generalisation"]["covered_in"])
    assert by["equation", "77"]["generalisation"] is None
    assert by["figure", "3"]["where"] == ["ch3_model"] and by["figure", "3"]["category"] == "drawn"
    assert by["figure", "5"]["where"] == []                     # the explorer does not count
    assert by["figure", "7"]["category"] == "checked" and by["figure", "7"]["where"] == []


def test_reading_order_and_duplicates(book):
    assert [p.stem for p in coverage.book_order(book)] == ["appB_equations_of_motion", "ch3_model",
                                                          "ch5_non_additivity", "explorer"]
    _write(book / "ch4_master_equation.ipynb", [md("$$ a $$ (eq-45)")])
    rows = coverage.scan_book(book)
    r45 = next(r for r in rows if r["number"] == "45")
    assert r45["status"] == "duplicate label"
    assert r45["where"] == ["ch3_model", "ch4_master_equation"]


def test_coverage_counts(book):
    c = coverage.coverage_counts(coverage.scan_book(book))
    eq = c["equations"]
    assert eq["total"] == 125
    # labelled: 45, 46, 10, 11, B1, B12, 78
    assert eq["labelled"] == 7
    # checked: 45, 43, 44, B11, B12, C1, B1, B3; consistency: 14; definition: 10, 11; illustrated: 13, 15, 78
    assert (eq["checked"], eq["consistency"], eq["definition"], eq["illustrated"]) == (8, 1, 2, 3)
    assert eq["none"] == 125 - 14
    assert eq["duplicates"] == 0
    assert c["generalisations"] == dict(total=1, labelled=1, checked=1, consistency=0, definition=0,
                                        illustrated=0, none=0)
    assert c["figures"] == dict(total=9, drawn=1, checked=1)
    assert c["chapters_missing"] == ["II", "IV", "VI", "A", "C", "D", "E", "F"]
    # missing: all equations of the absent chapters
    assert eq["missing"] == 9 + 8 + 1 + 11 + 1 + 5 + 6 + 7
    html = coverage.html_table(coverage.scan_book(book))
    assert html.count("<tr") == 126 and "(78&#x27;)" not in html and "(78')" in html


# ---------------------------------------------------------------------------------------------- the real book

@pytest.fixture(scope="module")
def real_rows():
    return coverage.scan_book(BOOK)


def test_real_book_every_equation_labelled_once_and_categorised(real_rows):
    eqs = [r for r in real_rows if r["kind"] == "equation"]
    assert all(r["status"] == "labelled" for r in eqs), [r["number"] for r in eqs if r["status"] != "labelled"]
    assert not [r["number"] for r in eqs if r["category"] == "none"]
    assert not [r["number"] for r in eqs if r["outside_home"]]


def test_real_book_generalisations_keep_the_printed_form(real_rows):
    """The book's generalisations (78'), (D2'), (D3') are labelled and checked, and the paper's printed
    (78), (D2), (D3) keep their own labels."""
    gen = {r["number"]: r["generalisation"] for r in real_rows if r["kind"] == "equation" and r["generalisation"]}
    assert {"78", "D2", "D3"} <= set(gen)
    for num, g in gen.items():
        assert g["where"] and g["category"] == "checked", num
        assert next(r for r in real_rows if r["number"] == num)["where"], num


def test_real_book_checks_assert_and_stay_short():
    """A prose comment is not a check: every check or consistency cell asserts; none exceeds 40 lines."""
    unasserted = [(p.stem, *u) for p in coverage.book_order(BOOK) for u in coverage.scan_notebook(p)["unasserted"]]
    assert not unasserted
    long_cells = [c for c in coverage.check_cell_lengths(BOOK) if c[3] > 40]
    assert not long_cells

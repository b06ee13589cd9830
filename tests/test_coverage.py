"""nadlib.coverage on tiny synthetic books written to tmp_path."""
import nbformat
import pytest

from nadlib import coverage


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
        md("```{math}\n:label: eq-10\nH = 0\n```\n\n(eq-11)=\n$$a$$"),
        code("# Check: Eq. (45)\nimport numpy as np\nnp.testing.assert_allclose(1, 1)"),
        code("x = 1\n# Check: Eqs. (43)-(44)"),
        code("fig = nad.figures.fig3_transmission()\nd = fig4_data('a')\nfigures.fig5_mu_scan_data()"),
        code("# not a check: Eq. (12)"),
    ])
    _write(d / "appB_equations_of_motion.ipynb", [
        md("$$\ny\n$$ (eq-B1)\n\n$$\nz\n$$ (eq-B12b)"),
        code("# Check: Eqs. (B11)–(C1) and Fig. 7"),
        code("#Check: Eq. (B1), (B3)"),
    ])
    _write(d / "explorer.ipynb", [code("w.transmission_explorer()\nfig5_anm()")])
    _write(d / "reproduction.ipynb", [md("$$ q $$ (eq-83)"), code("# Check: Eq. (83)")])
    (tmp_path / "_toc.yml").write_text("root: book/intro\nchapters:\n  - file: book/appB_equations_of_motion\n"
                                       "  - file: book/ch3_model\n")
    return d


def test_paper_inventory():
    assert len(coverage.PAPER_EQUATIONS) == 125
    assert coverage.PAPER_EQUATIONS[0] == "1" and coverage.PAPER_EQUATIONS[82] == "83"
    assert coverage.PAPER_EQUATIONS[83] == "A1" and coverage.PAPER_EQUATIONS[-1] == "F7"
    assert coverage.equation_section("9") == "II" and coverage.equation_section("10") == "III"
    assert coverage.equation_section("54") == "IV" and coverage.equation_section("83") == "VI"
    assert coverage.equation_section("D3") == "D"


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
])
def test_parse_check_line(text, eqs, figs):
    assert coverage.parse_check_line(text) == (eqs, figs)


def test_scan_notebook(book):
    s = coverage.scan_notebook(book / "ch3_model.ipynb")
    assert s["labelled"] == {"45", "46", "10", "11"}          # {eq} references do not label
    assert s["checked"] == {"45", "43", "44"}                 # "# not a check" does not count
    assert s["drawn"] == {"3"}                                # fig4_data, fig5_..._data only compute


def test_scan_book_rows(book):
    rows = coverage.scan_book(book)
    assert len(rows) == 125 + 9
    by = {(r["kind"], r["number"]): r for r in rows}
    r45 = by["equation", "45"]
    assert r45["where"] == ["ch3_model"] and r45["checked_in"] == ["ch3_model"]
    assert r45["status"] == "checked" and r45["link"] == "ch3_model.html#equation-eq-45"
    assert by["equation", "46"]["status"] == "labelled"
    assert by["equation", "43"]["status"] == "checked only"
    assert by["equation", "20"]["status"] == "not labelled"     # home ch3 exists
    assert by["equation", "20"]["home"] == "ch3_model"
    assert by["equation", "5"]["status"] == "missing"           # no ch2_* chapter
    assert by["equation", "5"]["link"] == ""
    assert by["equation", "B12"]["status"] == "checked"         # eq-B12b labels (B12); range check
    assert by["equation", "C1"]["status"] == "checked only"
    assert by["equation", "B2"]["checked"] is False
    assert by["equation", "B3"]["checked"] is True
    assert by["equation", "83"]["status"] == "missing"          # reproduction.ipynb is not scanned
    assert by["figure", "3"]["where"] == ["ch3_model"] and by["figure", "3"]["status"] == "labelled"
    assert by["figure", "5"]["where"] == []                     # the explorer does not count
    assert by["figure", "7"]["status"] == "checked only"


def test_reading_order_and_duplicates(book):
    assert [p.stem for p in coverage.book_order(book)] == ["appB_equations_of_motion", "ch3_model",
                                                          "explorer"]
    _write(book / "ch5_non_additivity.ipynb", [md("$$ a $$ (eq-45)")])
    rows = coverage.scan_book(book)
    r45 = next(r for r in rows if r["number"] == "45")
    assert r45["status"] == "duplicate label"
    assert r45["where"] == ["ch3_model", "ch5_non_additivity"]


def test_coverage_counts(book):
    c = coverage.coverage_counts(coverage.scan_book(book))
    assert c["equations"]["total"] == 125
    # labelled: 45, 46, 10, 11, B1, B12; checked: 45, 43, 44, B11, B12, C1, B1, B3
    assert c["equations"]["labelled"] == 6
    assert c["equations"]["checked"] == 8
    assert c["equations"]["labelled_and_checked"] == 3
    assert c["equations"]["duplicates"] == 0
    assert c["figures"] == dict(total=9, drawn=1, checked=1)
    assert c["chapters_missing"] == ["II", "IV", "V", "VI", "A", "C", "D", "E", "F"]
    # missing: all equations of the absent chapters except (C1), which appB checks
    assert c["equations"]["missing"] == 9 + 8 + 28 + 1 + 11 + 1 + 5 + 6 + 7 - 1

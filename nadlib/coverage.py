"""Where the book labels, checks and draws each of the paper's equations and figures.

`scan_book(book_dir)` reads the chapter notebooks of the book (as JSON, with no knowledge of what any
chapter contains) and returns one row per paper equation, (1)-(83), (A1)-(A11), (B1)-(B12), (C1),
(D1)-(D5), (E1)-(E6), (F1)-(F7) (125 in all), and per figure 1-9.  `coverage_counts(rows)` sums them up.
The reproduction chapter (book/reproduction.ipynb) renders the result.

What counts (the conventions of the chapter guide):

- an equation is "labelled" in a notebook whose markdown carries ``$$ ... $$ (eq-NN)``, a ``{math}``
  directive with ``:label: eq-NN`` or a target ``(eq-NN)=``; a letter suffix (``eq-24b``) counts for (24);
- it is "checked" where a code cell has a line ``# Check: Eq. (NN)``, ``# Check: Eqs. (NN)-(MM)`` (a
  range in the paper's order, so ``(B11)-(C1)`` spans appendices) or a list ``# Check: Eqs. (NN), (MM)``;
- a figure is "drawn" where a code cell calls ``figN_...(`` (the functions of nadlib/figures.py, not
  functions whose name ends in ``data``; the explorer notebook does not count) or a
  markdown figure carries ``:name: fig-N`` / ``(fig-N)=``; it is "checked" where a ``# Check:`` line
  names ``Fig. N`` (or ``Figs. N-M``).

The only thing known in advance is the paper itself: the list of numbers and the section each belongs
to, from which the expected home chapter is found by file-name prefix (``ch3_*.ipynb`` for Sec. III,
``appB_*.ipynb`` for App. B).  A row whose item is labelled nowhere is "missing" if its home chapter does
not exist yet, and "not labelled" if it does.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

__all__ = ["PAPER_EQUATIONS", "PAPER_FIGURES", "equation_section", "figure_section", "parse_check_line",
           "scan_notebook", "scan_book", "coverage_counts", "book_order", "section_summary", "html_table"]

_APPENDIX_SIZES = dict(A=11, B=12, C=1, D=5, E=6, F=7)

#: The paper's equation numbers in print order ("1" to "83", then "A1" to "F7").
PAPER_EQUATIONS = [str(i) for i in range(1, 84)] + [f"{p}{i}" for p, n in _APPENDIX_SIZES.items()
                                                    for i in range(1, n + 1)]
#: The paper's figures.
PAPER_FIGURES = [str(i) for i in range(1, 10)]

_MAIN_SECTIONS = [(1, 9, "II"), (10, 46, "III"), (47, 54, "IV"), (55, 82, "V"), (83, 83, "VI")]
_FIGURE_SECTIONS = {"1": "II", "2": "III", "3": "III", "4": "IV", "5": "V", "6": "A", "7": "B", "8": "E",
                    "9": "F"}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}

_INDEX = {n: i for i, n in enumerate(PAPER_EQUATIONS)}

_LABEL_PATTERNS = [
    re.compile(r"\$\$\s*\(\s*eq-([A-Fa-f]?\d+)[a-z]?\s*\)"),                 # $$ ... $$ (eq-NN)
    re.compile(r":label:\s*eq-([A-Fa-f]?\d+)[a-z]?\b"),                       # {math} :label: eq-NN
    re.compile(r"^\s*\(eq-([A-Fa-f]?\d+)[a-z]?\)=", re.M),                     # (eq-NN)= target
]
# figN_...( draws; a name ending in "data" (fig4_data, fig5_mu_scan_data) only computes
_FIG_CALL = re.compile(r"(?<![A-Za-z0-9])fig([1-9])_(?![A-Za-z0-9_]*data\s*\()[A-Za-z0-9_]*\s*\(")
_FIG_NAME = [re.compile(r":name:\s*fig-?([1-9])\b"), re.compile(r"^\s*\(fig-?([1-9])\)=", re.M)]
_CHECK_LINE = re.compile(r"^\s*#\s*Check\s*:(.*)$", re.M)
_FIG_REF = re.compile(r"Fig(?:ure)?s?\.?\s*\(?([1-9])\)?(?:\s*(?:-|–|—|to)\s*\(?([1-9])\)?)?")
_EQ_TOKEN = re.compile(r"\(\s*([A-Fa-f]?\d+)[a-z]?\s*\)")
_RANGE_SEP = re.compile(r"^\s*(?:-|–|—|to|through)\s*$")


def equation_section(number):
    """The paper's section of equation `number` ("32" -> "III", "B5" -> "B")."""
    if number[0].isalpha():
        return number[0].upper()
    k = int(number)
    for lo, hi, sec in _MAIN_SECTIONS:
        if lo <= k <= hi:
            return sec
    raise ValueError(f"no equation ({number}) in the paper")


def figure_section(number):
    """The paper's section (or appendix) holding figure `number`."""
    return _FIGURE_SECTIONS[str(number)]


def _home_prefix(section):
    return f"ch{_ROMAN[section]}_" if section in _ROMAN else f"app{section}_"


def _normal(token):
    return token[0].upper() + token[1:] if token[0].isalpha() else str(int(token))


def parse_check_line(text):
    """Equations and figures named by the text after ``# Check:``.

    ``"Eqs. (43)-(45)"`` -> ({"43", "44", "45"}, set()); ``"Eq. (B5) and Fig. 4"`` -> ({"B5"}, {"4"}).
    Ranges follow the paper's order; unknown numbers are ignored.
    """
    figs = set()
    for m in _FIG_REF.finditer(text):
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        figs.update(str(k) for k in range(min(a, b), max(a, b) + 1))
    rest = _FIG_REF.sub(" ", text)
    tokens = [(m.start(), m.end(), _normal(m.group(1))) for m in _EQ_TOKEN.finditer(rest)]
    eqs = set()
    for k, (s, e, num) in enumerate(tokens):
        if num in _INDEX:
            eqs.add(num)
        if k + 1 < len(tokens) and _RANGE_SEP.match(rest[e:tokens[k + 1][0]]):
            nxt = tokens[k + 1][2]
            if num in _INDEX and nxt in _INDEX and _INDEX[num] <= _INDEX[nxt]:
                eqs.update(PAPER_EQUATIONS[_INDEX[num]:_INDEX[nxt] + 1])
    return eqs, figs


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def scan_notebook(path):
    """What one notebook labels, checks and draws.

    Returns
    -------
    dict with sets "labelled", "checked" (equation numbers), "drawn", "fig_checked" (figure numbers)
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    out = dict(labelled=set(), checked=set(), drawn=set(), fig_checked=set())
    for cell in nb.get("cells", []):
        src = _source(cell)
        kind = cell.get("cell_type")
        if kind == "markdown":
            for pat in _LABEL_PATTERNS:
                out["labelled"].update(_normal(t) for t in pat.findall(src))
            for pat in _FIG_NAME:
                out["drawn"].update(pat.findall(src))
        elif kind == "code":
            out["drawn"].update(_FIG_CALL.findall(src))
            for line in _CHECK_LINE.findall(src):
                eqs, figs = parse_check_line(line)
                out["checked"].update(eqs)
                out["fig_checked"].update(figs)
    out["labelled"] &= set(PAPER_EQUATIONS)
    out["checked"] &= set(PAPER_EQUATIONS)
    return out


def book_order(book_dir):
    """The notebooks of `book_dir` in reading order: the order of _toc.yml (one level up, or in the
    directory itself) where listed, then the rest alphabetically.  reproduction.ipynb is left out."""
    book_dir = Path(book_dir)
    nbs = sorted(p for p in book_dir.glob("*.ipynb") if p.stem != "reproduction")
    order = []
    for toc in (book_dir / "_toc.yml", book_dir.parent / "_toc.yml"):
        if toc.exists():
            order = [Path(m).stem for m in re.findall(r"file:\s*([^\s#]+)", toc.read_text(encoding="utf-8"))]
            break
    rank = {stem: i for i, stem in enumerate(order)}
    return sorted(nbs, key=lambda p: (rank.get(p.stem, len(rank)), p.stem))


def scan_book(book_dir):
    """One row per paper equation and figure: where it is labelled/drawn and checked.

    Parameters
    ----------
    book_dir : path
        The directory holding the chapter notebooks (``book/``).

    Returns
    -------
    list of dict, equations first (paper order), then figures.  Keys:

    kind : "equation" or "figure"
    number : "32", "B5", ... (figures: "1".."9")
    label : "eq-32" / "fig-3"
    section : the paper's section ("III", "B")
    home : stem of the expected home chapter (by file-name prefix), or None if it does not exist
    where : stems of the notebooks that label the equation / draw the figure (reading order)
    checked_in : stems of the notebooks with a ``# Check:`` cell covering it
    labelled, checked : bool (figures: labelled means drawn)
    status : "checked", "labelled", "checked only", "not labelled", "missing" or "duplicate label"
    link : relative HTML link to the place (``ch3_model.html#equation-eq-32``), or "" if none
    outside_home : bool, an equation labelled somewhere other than its home chapter
    """
    book_dir = Path(book_dir)
    nbs = book_order(book_dir)
    scans = {p.stem: scan_notebook(p) for p in nbs}
    stems = [p.stem for p in nbs]
    rows = []
    items = [("equation", n) for n in PAPER_EQUATIONS] + [("figure", n) for n in PAPER_FIGURES]
    for kind, num in items:
        if kind == "equation":
            section = equation_section(num)
            where = [s for s in stems if num in scans[s]["labelled"]]
            checked_in = [s for s in stems if num in scans[s]["checked"]]
            label = f"eq-{num}"
        else:
            section = figure_section(num)
            where = [s for s in stems if num in scans[s]["drawn"] and s != "explorer"]
            checked_in = [s for s in stems if num in scans[s]["fig_checked"]]
            label = f"fig-{num}"
        prefix = _home_prefix(section)
        home = next((s for s in stems if s.startswith(prefix)), None)
        labelled, checked = bool(where), bool(checked_in)
        if kind == "equation" and len(where) > 1:
            status = "duplicate label"
        elif labelled and checked:
            status = "checked"
        elif labelled:
            status = "labelled"
        elif checked:
            status = "checked only"
        elif home is None:
            status = "missing"
        else:
            status = "not labelled"
        target = where[0] if where else (checked_in[0] if checked_in else home)
        if target is None:
            link = ""
        elif kind == "equation" and where:
            link = f"{target}.html#equation-{label}"
        else:
            link = f"{target}.html"
        rows.append(dict(kind=kind, number=num, label=label, section=section, home=home, where=where,
                         checked_in=checked_in, labelled=labelled, checked=checked, status=status, link=link,
                         outside_home=bool(where) and kind == "equation" and where[0] != home))
    return rows


def coverage_counts(rows):
    """Totals of `scan_book` rows.

    Returns
    -------
    dict: {"equations": {"total", "labelled", "checked", "labelled_and_checked", "missing",
    "duplicates", "outside_home"}, "figures": {"total", "drawn", "checked"}, "chapters_missing": sorted list of the
    sections whose home chapter does not exist}
    """
    eq = [r for r in rows if r["kind"] == "equation"]
    fg = [r for r in rows if r["kind"] == "figure"]
    return dict(
        equations=dict(total=len(eq), labelled=sum(r["labelled"] for r in eq),
                       checked=sum(r["checked"] for r in eq),
                       labelled_and_checked=sum(r["labelled"] and r["checked"] for r in eq),
                       missing=sum(r["status"] == "missing" for r in eq),
                       duplicates=sum(r["status"] == "duplicate label" for r in eq),
                       outside_home=sum(r["outside_home"] for r in eq)),
        figures=dict(total=len(fg), drawn=sum(r["labelled"] for r in fg), checked=sum(r["checked"] for r in fg)),
        chapters_missing=sorted({r["section"] for r in rows if r["home"] is None},
                                key=lambda s: (s not in _ROMAN, _ROMAN.get(s, 0), s)),
    )


def section_summary(rows):
    """Per paper section: home chapter, number of equations, labelled, checked. List of dicts in paper order."""
    out = {}
    for r in rows:
        if r["kind"] != "equation":
            continue
        s = out.setdefault(r["section"], dict(section=r["section"], home=r["home"], total=0, labelled=0,
                                              checked=0))
        s["total"] += 1
        s["labelled"] += r["labelled"]
        s["checked"] += r["checked"]
    return list(out.values())


_STATUS_COLOUR = {"checked": "#d9f2d9", "labelled": "#fff5cc", "checked only": "#ffe0b3",
                  "not labelled": "#f8d0d0", "missing": "#eeeeee", "duplicate label": "#f4b6b6"}


def _chapter_links(stems, anchor=""):
    return ", ".join(f'<a href="{html.escape(s)}.html{anchor}">{html.escape(s)}</a>' for s in stems)


def html_table(rows, kind="equation"):
    """An HTML table of the `scan_book` rows of one kind ("equation" or "figure"), with relative links."""
    head = ("Eq." if kind == "equation" else "Fig.", "Section", "Home chapter",
            "Labelled in" if kind == "equation" else "Drawn in", "Checked in", "Status")
    out = ['<table class="nadlib-coverage" style="font-size:0.85em;border-collapse:collapse">',
           "<thead><tr>" + "".join(f'<th style="text-align:left;padding:2px 8px">{h}</th>' for h in head)
           + "</tr></thead><tbody>"]
    for r in rows:
        if r["kind"] != kind:
            continue
        name = f"({r['number']})" if kind == "equation" else r["number"]
        if r["link"]:
            name = f'<a href="{html.escape(r["link"])}">{name}</a>'
        anchor = f"#equation-{r['label']}" if kind == "equation" else ""
        sec = r["section"] if r["section"] not in _ROMAN else f"Sec. {r['section']}"
        if r["section"] in _APPENDIX_SIZES:
            sec = f"App. {r['section']}"
        cells = (name, sec, html.escape(r["home"] or "(not yet written)"), _chapter_links(r["where"], anchor),
                 _chapter_links(r["checked_in"]), r["status"] + (" (outside home)" if r.get("outside_home") else ""))
        colour = _STATUS_COLOUR.get(r["status"], "#ffffff")
        out.append(f'<tr style="background:{colour};color:#222">' + "".join(
            f'<td style="padding:1px 8px">{c}</td>' for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)

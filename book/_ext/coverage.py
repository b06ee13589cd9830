"""Where the book labels each of the paper's equations and figures, and how it covers it.

Book tooling, not part of the nadlib package.  `scan_book(book_dir)` reads the chapter notebooks of the
book (as JSON, with no knowledge of what any chapter contains) and returns one row per paper equation,
(1)-(83), (A1)-(A11), (B1)-(B12), (C1), (D1)-(D5), (E1)-(E6), (F1)-(F7) (125 in all), and per figure
1-9.  `coverage_counts(rows)` sums them up.  The reproduction chapter (book/reproduction.ipynb) renders
the result.

Every equation gets one of four categories, from markers the chapters carry:

====================  ==========================================================================
category              marker
====================  ==========================================================================
``checked``           a code cell with a line ``# Check: Eq. (NN)``: it asserts the equation
                      against an independent route (finite chain, another quadrature, Fock-space
                      superoperators, a limit, a sum rule), so it fails if the equation is wrong
``consistency``       a code cell with a line ``# Consistency: Eq. (NN)``: it asserts an identity
                      that holds by construction, or compares two evaluations that share their
                      ingredients; it catches slips of implementation, not errors of the equation
``definition``        a markdown line ``% Definition: Eq. (NN)`` (a MyST comment: not rendered) or
                      a code line ``# Definition: Eq. (NN)``: the equation defines a symbol or states
                      an assumption, and there is nothing to check
``illustrated``       a code cell with a line ``# Illustration: Eq. (NN)``: it computes or draws
                      the equation on an example but asserts nothing against an independent route
====================  ==========================================================================

An equation with several markers takes the first category of that list (checked, consistency,
definition, illustrated); one with none is ``none``.  A prose comment is not a check: a ``# Check:`` or
``# Consistency:`` cell that contains no assertion (``assert``, ``np.testing.assert_*``,
``pytest.raises``) counts as an illustration and is listed in ``unasserted``.

The markers name equations as ``Eq. (NN)``, ``Eqs. (NN)-(MM)`` (a range in the paper's order, so
``(B11)-(C1)`` spans appendices) or lists ``Eqs. (NN), (MM)``; a letter suffix (``(24b)``) counts for
(24).  A primed number, ``(78')`` or ``(78′)``, is the book's generalisation of (78), never the paper's
equation: it is tracked separately (``generalisations``).

An equation is *labelled* in a notebook whose markdown carries ``$$ ... $$ (eq-NN)``, a ``{math}``
directive with ``:label: eq-NN`` or a target ``(eq-NN)=``; ``eq-24b`` labels (24), and ``eq-78p`` labels
the generalisation (78') and not (78).  The labels of the chapters beyond the paper (``eq-me-...``,
``eq-fcs-...``, ``eq-bose-...``) are ignored.  A figure is *drawn* where a code cell calls
``figN_...(`` (a function of nadlib/figures.py whose name does not end in ``data``; the explorer
notebook does not count) or a markdown figure carries ``:name: fig-N`` / ``(fig-N)=``; it is *checked*
where a ``# Check:`` line names ``Fig. N`` (or ``Figs. N-M``).

The only thing known in advance is the paper itself: the list of numbers and the section each belongs
to, from which the expected home chapter is found by file-name prefix (``ch3_*.ipynb`` for Sec. III,
``appB_*.ipynb`` for App. B).
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

__all__ = ["PAPER_EQUATIONS", "PAPER_FIGURES", "CATEGORIES", "MARKERS", "equation_section", "figure_section",
           "parse_check_line", "parse_marker_line", "scan_notebook", "scan_book", "coverage_counts",
           "book_order", "section_summary", "html_table", "check_cell_lengths"]

_APPENDIX_SIZES = dict(A=11, B=12, C=1, D=5, E=6, F=7)

#: The paper's equation numbers in print order ("1" to "83", then "A1" to "F7").
PAPER_EQUATIONS = [str(i) for i in range(1, 84)] + [f"{p}{i}" for p, n in _APPENDIX_SIZES.items()
                                                    for i in range(1, n + 1)]
#: The paper's figures.
PAPER_FIGURES = [str(i) for i in range(1, 10)]
#: The coverage categories, strongest first; an equation takes the first that applies.
CATEGORIES = ("checked", "consistency", "definition", "illustrated")
#: Marker word -> category.
MARKERS = {"Check": "checked", "Consistency": "consistency", "Definition": "definition",
           "Illustration": "illustrated"}
PRIME = "'"

_MAIN_SECTIONS = [(1, 9, "II"), (10, 46, "III"), (47, 54, "IV"), (55, 82, "V"), (83, 83, "VI")]
_FIGURE_SECTIONS = {"1": "II", "2": "III", "3": "III", "4": "IV", "5": "V", "6": "A", "7": "B", "8": "E",
                    "9": "F"}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}

_INDEX = {n: i for i, n in enumerate(PAPER_EQUATIONS)}

_LABEL = r"eq-([A-Fa-f]?\d+)([a-o]|p)?"                 # group 2: a letter suffix, or p for a prime
_LABEL_PATTERNS = [
    re.compile(r"\$\$\s*\(\s*" + _LABEL + r"\s*\)"),                   # $$ ... $$ (eq-NN)
    re.compile(r":label:\s*" + _LABEL + r"\b"),                         # {math} :label: eq-NN
    re.compile(r"^\s*\(" + _LABEL + r"\)=", re.M),                      # (eq-NN)= target
]
# figN_...( draws; a name ending in "data" (fig4_data, fig5_mu_scan_data) only computes
_FIG_CALL = re.compile(r"(?<![A-Za-z0-9])fig([1-9])_(?![A-Za-z0-9_]*data\s*\()[A-Za-z0-9_]*\s*\(")
_FIG_NAME = [re.compile(r":name:\s*fig-?([1-9])\b"), re.compile(r"^\s*\(fig-?([1-9])\)=", re.M)]
_CODE_MARKER = re.compile(r"^\s*#\s*(Check|Consistency|Definition|Illustration)\s*:(.*)$", re.M)
_MD_MARKER = re.compile(r"^\s*%\s*(Definition)\s*:(.*)$", re.M)
_ASSERTION = re.compile(r"\bassert\b|assert_[a-z_]+\s*\(|pytest\.raises\s*\(")
_FIG_REF = re.compile(r"Fig(?:ure)?s?\.?\s*\(?([1-9])\)?(?:\s*(?:-|–|—|to)\s*\(?([1-9])\)?)?")
_EQ_TOKEN = re.compile(r"\(\s*([A-Fa-f]?\d+)[a-z]?\s*(['′])?\s*\)")
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
    """Equations and figures named by the text after a marker such as ``# Check:``.

    ``"Eqs. (43)-(45)"`` -> ({"43", "44", "45"}, set()); ``"Eq. (B5) and Fig. 4"`` -> ({"B5"}, {"4"});
    ``"Eqs. (78), (78')"`` -> ({"78", "78'"}, set()).  Ranges follow the paper's order (both ends
    primed for a range of generalisations); unknown numbers are ignored.
    """
    figs = set()
    for m in _FIG_REF.finditer(text):
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        figs.update(str(k) for k in range(min(a, b), max(a, b) + 1))
    rest = _FIG_REF.sub(" ", text)
    tokens = [(m.start(), m.end(), _normal(m.group(1)), bool(m.group(2))) for m in _EQ_TOKEN.finditer(rest)]
    eqs = set()
    for k, (s, e, num, primed) in enumerate(tokens):
        if num in _INDEX:
            eqs.add(num + PRIME if primed else num)
        if k + 1 < len(tokens) and _RANGE_SEP.match(rest[e:tokens[k + 1][0]]):
            nxt, nxt_primed = tokens[k + 1][2], tokens[k + 1][3]
            if num in _INDEX and nxt in _INDEX and _INDEX[num] <= _INDEX[nxt] and primed == nxt_primed:
                eqs.update(n + PRIME if primed else n for n in PAPER_EQUATIONS[_INDEX[num]:_INDEX[nxt] + 1])
    return eqs, figs


def parse_marker_line(line, markdown=False):
    """(category, equations, figures) of one marker line, or None if the line is not a marker."""
    m = (_MD_MARKER if markdown else _CODE_MARKER).match(line)
    if m is None:
        return None
    eqs, figs = parse_check_line(m.group(2))
    return MARKERS[m.group(1)], eqs, figs


def _source(cell):
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _label_key(number, suffix):
    return _normal(number) + (PRIME if suffix == "p" else "")


def scan_notebook(path):
    """What one notebook labels, covers (by category) and draws.

    Returns
    -------
    dict with sets "labelled" (paper equations), "generalisations" (primed labels, "78'"), one set per
    category in CATEGORIES (equation numbers, primed ones included), "drawn" and "fig_checked" (figure
    numbers), and the lists "unasserted" and "check_cells" of (cell index, first line, number of lines)
    for the check and consistency cells (unasserted: those without an assertion).
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    out = dict(labelled=set(), generalisations=set(), drawn=set(), fig_checked=set(), unasserted=[],
               check_cells=[])
    for cat in CATEGORIES:
        out[cat] = set()
    for index, cell in enumerate(nb.get("cells", [])):
        src = _source(cell)
        kind = cell.get("cell_type")
        if kind == "markdown":
            for pat in _LABEL_PATTERNS:
                for number, suffix in pat.findall(src):
                    key = _label_key(number, suffix)
                    (out["generalisations"] if key.endswith(PRIME) else out["labelled"]).add(key)
            for pat in _FIG_NAME:
                out["drawn"].update(pat.findall(src))
            for word, text in _MD_MARKER.findall(src):
                out[MARKERS[word]].update(parse_check_line(text)[0])
        elif kind == "code":
            out["drawn"].update(_FIG_CALL.findall(src))
            asserted = bool(_ASSERTION.search(src))
            for word, text in _CODE_MARKER.findall(src):
                category = MARKERS[word]
                eqs, figs = parse_check_line(text)
                if category in ("checked", "consistency"):
                    first = f"# {word}:{text}".strip()
                    out["check_cells"].append((index, first, src.count("\n") + 1))
                    if not asserted:
                        out["unasserted"].append((index, first, src.count("\n") + 1))
                        category = "illustrated"
                out[category].update(eqs)
                if category == "checked":
                    out["fig_checked"].update(figs)
    known = set(PAPER_EQUATIONS) | {n + PRIME for n in PAPER_EQUATIONS}
    for key in ("labelled", "generalisations", *CATEGORIES):
        out[key] &= known
    out["labelled"] &= set(PAPER_EQUATIONS)
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


def _category(key, scans, stems):
    """(category, {category: stems}) of equation key ("32" or "78'") over the scanned notebooks."""
    found = {cat: [s for s in stems if key in scans[s][cat]] for cat in CATEGORIES}
    category = next((cat for cat in CATEGORIES if found[cat]), "none")
    return category, found


def scan_book(book_dir):
    """One row per paper equation and figure: where it is labelled/drawn and how it is covered.

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
    category : "checked", "consistency", "definition", "illustrated" or "none" (figures: "checked" if a
        check cell names the figure, "drawn" if it is only drawn, "none")
    covered_in : {category: stems of the notebooks with such a marker}
    checked_in : covered_in["checked"] (figures: the notebooks whose check cells name it)
    labelled, checked : bool (figures: labelled means drawn)
    status : "labelled", "duplicate label", "not labelled" (the home chapter exists) or "missing"
    generalisation : for equations, None or dict(number="78'", label="eq-78p", where, category, covered_in)
        for the book's generalised form
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
        generalisation = None
        if kind == "equation":
            section = equation_section(num)
            where = [s for s in stems if num in scans[s]["labelled"]]
            category, covered = _category(num, scans, stems)
            label = f"eq-{num}"
            primed = num + PRIME
            g_where = [s for s in stems if primed in scans[s]["generalisations"]]
            g_category, g_covered = _category(primed, scans, stems)
            if g_where or g_category != "none":
                generalisation = dict(number=primed, label=f"eq-{num}p", where=g_where, category=g_category,
                                      covered_in=g_covered)
        else:
            section = figure_section(num)
            where = [s for s in stems if num in scans[s]["drawn"] and s != "explorer"]
            fig_checked = [s for s in stems if num in scans[s]["fig_checked"]]
            covered = {cat: [] for cat in CATEGORIES}
            covered["checked"] = fig_checked
            category = "checked" if fig_checked else ("drawn" if where else "none")
            label = f"fig-{num}"
        prefix = _home_prefix(section)
        home = next((s for s in stems if s.startswith(prefix)), None)
        checked_in = covered["checked"]
        labelled = bool(where)
        if kind == "equation" and len(where) > 1:
            status = "duplicate label"
        elif labelled:
            status = "labelled"
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
                         category=category, covered_in=covered, checked_in=checked_in, labelled=labelled,
                         checked=bool(checked_in), status=status, generalisation=generalisation, link=link,
                         outside_home=bool(where) and kind == "equation" and where[0] != home))
    return rows


def coverage_counts(rows):
    """Totals of `scan_book` rows.

    Returns
    -------
    dict: {"equations": {"total", "labelled", "checked", "consistency", "definition", "illustrated",
    "none", "missing", "duplicates", "outside_home"}, "generalisations": {"total", "labelled",
    "checked", "consistency", "definition", "illustrated", "none"}, "figures": {"total", "drawn",
    "checked"}, "chapters_missing": sorted list of the sections whose home chapter does not exist}
    """
    eq = [r for r in rows if r["kind"] == "equation"]
    fg = [r for r in rows if r["kind"] == "figure"]
    gen = [r["generalisation"] for r in eq if r["generalisation"]]
    equations = dict(total=len(eq), labelled=sum(r["labelled"] for r in eq),
                     missing=sum(r["status"] == "missing" for r in eq),
                     duplicates=sum(r["status"] == "duplicate label" for r in eq),
                     outside_home=sum(r["outside_home"] for r in eq))
    generalisations = dict(total=len(gen), labelled=sum(bool(g["where"]) for g in gen))
    for cat in (*CATEGORIES, "none"):
        equations[cat] = sum(r["category"] == cat for r in eq)
        generalisations[cat] = sum(g["category"] == cat for g in gen)
    return dict(
        equations=equations, generalisations=generalisations,
        figures=dict(total=len(fg), drawn=sum(r["labelled"] for r in fg), checked=sum(r["checked"] for r in fg)),
        chapters_missing=sorted({r["section"] for r in rows if r["home"] is None},
                                key=lambda s: (s not in _ROMAN, _ROMAN.get(s, 0), s)),
    )


def section_summary(rows):
    """Per paper section: home chapter, number of equations, labelled, and the count of each category.

    List of dicts (keys section, home, total, labelled, checked, consistency, definition, illustrated,
    none) in paper order.
    """
    out = {}
    for r in rows:
        if r["kind"] != "equation":
            continue
        s = out.setdefault(r["section"], dict(section=r["section"], home=r["home"], total=0, labelled=0,
                                              **{cat: 0 for cat in (*CATEGORIES, "none")}))
        s["total"] += 1
        s["labelled"] += r["labelled"]
        s[r["category"]] += 1
    return list(out.values())


def check_cell_lengths(book_dir):
    """(notebook stem, cell index, first line, number of lines) of every check and consistency cell."""
    book_dir = Path(book_dir)
    return [(p.stem, *cell) for p in book_order(book_dir) for cell in scan_notebook(p)["check_cells"]]


_CATEGORY_COLOUR = {"checked": "#d9f2d9", "consistency": "#e3ecfa", "definition": "#eeeeee",
                    "illustrated": "#fff5cc", "none": "#f8d0d0", "drawn": "#fff5cc"}


def _chapter_links(stems, anchor=""):
    return ", ".join(f'<a href="{html.escape(s)}.html{anchor}">{html.escape(s)}</a>' for s in stems)


def _coverage_cell(covered):
    parts = [f"{cat}: {_chapter_links(stems)}" for cat, stems in covered.items() if stems]
    return "; ".join(parts)


def html_table(rows, kind="equation"):
    """An HTML table of the `scan_book` rows of one kind ("equation" or "figure"), with relative links."""
    if kind == "equation":
        head = ("Eq.", "Section", "Labelled in", "Category", "Where covered", "Book's generalisation")
    else:
        head = ("Fig.", "Section", "Drawn in", "Category", "Checked in", "")
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
        where = _chapter_links(r["where"], anchor) or html.escape(
            {"missing": "(no chapter yet)", "not labelled": f"not labelled (home: {r['home']})"}.get(r["status"], ""))
        if r["status"] == "duplicate label":
            where += " (duplicate label)"
        elif r["outside_home"]:
            where += " (outside home)"
        g = r.get("generalisation")
        if kind == "equation":
            gen = ""
            if g:
                link = (f'<a href="{html.escape(g["where"][0])}.html#equation-{g["label"]}">({g["number"]})</a>'
                        if g["where"] else f"({g['number']})")
                gen = f"{link} {g['category']}"
            cells = (name, sec, where, r["category"], _coverage_cell(r["covered_in"]), gen)
        else:
            cells = (name, sec, where, r["category"], _chapter_links(r["checked_in"]), "")
        colour = _CATEGORY_COLOUR.get(r["category"], "#ffffff")
        out.append(f'<tr style="background:{colour};color:#222">' + "".join(
            f'<td style="padding:1px 8px">{c}</td>' for c in cells) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)

"""The client-side explorers (book/_ext/static_explorer.py) without a browser: grid parsing, the cost
limit, frame computation and caching on a tiny grid, the generic <name>_data/<name>_figure contract (a toy
explorer), and a one-page Sphinx build that writes the sliders, the frames and the script into the output.

The browser test (tests/test_browser_static.py) moves the sliders in the real book.
"""
import importlib.util
import json
import re
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nadlib import figures  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "book" / "_ext"
_spec = importlib.util.spec_from_file_location("static_explorer", EXT / "static_explorer.py")
se = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(se)


def test_parse_values():
    v, scale = se.parse_values("lin 0 2 5")
    np.testing.assert_allclose(v, [0, 0.5, 1, 1.5, 2])
    assert scale == "lin"
    v, scale = se.parse_values("log 0.001 1 4")
    np.testing.assert_allclose(v, [1e-3, 1e-2, 1e-1, 1])
    assert scale == "log"
    v, scale = se.parse_values("0.01 0.1 1 3")
    assert scale == "log" and v.tolist() == [0.01, 0.1, 1, 3]
    assert se.parse_values("0 0.5 1")[1] == "lin"
    for bad in ("", "lin 0 1", "log 0 1 3", "lin 0 1 1", "1 0.5", "3"):
        with pytest.raises(ValueError):
            se.parse_values(bad)


def test_slider_lines_and_fixed():
    assert se.parse_slider_line("T: log 0.01 1 5 | temperature") == ("T", "log 0.01 1 5", "temperature")
    assert se.parse_slider_line("mu_L: 0 1") == ("mu_L", "0 1", "mu_L")
    with pytest.raises(ValueError):
        se.parse_slider_line("no colon here")
    assert se.parse_fixed("n=61, Omega=10.5, name=x") == {"n": 61, "Omega": 10.5, "name": "x"}
    with pytest.raises(ValueError):
        se.parse_fixed("n61")


def test_spec_starts_at_the_widget_default_and_refuses_unknown_or_large_grids():
    spec = se.make_spec("anm_map", [("T", "0.001 0.003 0.01 0.03 0.1", "T")], {"n": 11})
    assert spec["sliders"][0]["start"] == 2                      # ANM_MAP_DEFAULTS["T"] = 0.01
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) \['temperature'\]"):
        se.make_spec("anm_map", [("temperature", "0 1", "T")], {})
    with pytest.raises(ValueError, match=rf"400 frames requested, the limit is {se.MAX_FRAMES}"):
        se.make_spec("rates", [("mu_L", "lin 0 2 20", "a"), ("mu_R", "lin 0 2 20", "b")], {})
    with pytest.raises(ValueError, match="no explorer 'nothing'"):
        se.make_spec("nothing", [("x", "0 1", "x")], {})


def test_render_caches_and_reports_invalid_parameters(tmp_path):
    # h = 9.7 puts E_1 beyond Eq. (34) at Gamma = 0.2 Delta, Omega = 10: that frame is a message, not a figure
    spec = se.make_spec("transmission", [("h", "1 9.7", "h"), ("Gamma_ratio", "0.1 1", "G")], {"n": 201})
    m1 = se.render_explorer(spec, tmp_path)
    assert not m1["cached"] and len(m1["frames"]) == 4
    assert m1["frames"][:2] == ["f000.png", "f001.png"] and m1["frames"][2:] == [None, None]
    assert "Eq. (34)" in m1["readouts"][2] and m1["readouts"][0] != m1["readouts"][1]
    folder = tmp_path / m1["key"]
    assert (folder / "f000.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    m2 = se.render_explorer(spec, tmp_path)
    assert m2["cached"] and m2["frames"] == m1["frames"]
    assert se.cache_key(spec) != se.cache_key(dict(spec, dpi=spec["dpi"] + 1))
    assert not plt.get_fignums()


def test_any_data_figure_pair_is_an_explorer(tmp_path, monkeypatch):
    """A later chapter adds <name>_data/<name>_figure (and optionally <name>_readout) to nadlib.figures."""
    monkeypatch.setattr(figures, "toy_data", lambda a=1.0: dict(a=a), raising=False)
    monkeypatch.setattr(figures, "toy_figure", lambda d: plt.figure(figsize=(1, 1)), raising=False)
    spec = se.make_spec("toy", [("a", "1 2 3", "a")], {})
    m = se.render_explorer(spec, tmp_path)
    assert m["frames"] == ["f000.png", "f001.png", "f002.png"] and m["readouts"] == ["", "", ""]


@pytest.mark.slow
def test_sphinx_page_with_an_explorer(tmp_path):
    """A one-page Sphinx build: sliders, JSON, frames and the script land in the output of that page only."""
    from sphinx.application import Sphinx

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(f"import sys\nsys.path.insert(0, {str(EXT)!r})\nextensions = ['static_explorer']\n"
                                 "static_explorer_grids = {'anm_map': {'T': {'values': '0.01 0.3', 'label': 'T'},"
                                 " 'fixed': {'n': 21}}}\n")
    (src / "index.rst").write_text("Page\n====\n\n.. static-explorer:: anm_map\n   :caption: a map\n\n"
                                   ".. toctree::\n\n   other\n")
    (src / "other.rst").write_text("Other\n=====\n\nNo explorer here.\n")
    out = tmp_path / "out"
    app = Sphinx(str(src), str(src), str(out), str(tmp_path / "doctrees"), "html", status=None,
                 warningiserror=True)
    app.build()
    page = (out / "index.html").read_text()
    assert page.count('type="range"') == 1 and "static_explorer.js" in page
    assert "static_explorer.js" not in (out / "other.html").read_text()
    data = json.loads(re.search(r'<script type="application/json" class="se-data">(.*?)</script>', page,
                                re.S).group(1).replace("<\\/", "</"))
    assert len(data["frames"]) == 2 and data["sliders"][0]["text"] == ["0.01", "0.3"]
    for f in data["frames"]:
        assert (out / "_static" / data["base"].split("_static/")[1] / f).exists()
    assert (out / "_static" / "static_explorer.js").exists()
    assert not plt.get_fignums()
    sys.modules.pop("static_explorer", None)

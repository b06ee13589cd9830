"""The five explorers: nadlib.widgets builds them without a browser or kernel, with sliders that react;
their data, figure and readout functions live in nadlib.figures.

Moving a slider (setting `slider.value`) fires the observe callback, which recomputes data, figure and
readout; the readout text must change.  A few physics checks ride along on the explorers' data
functions: the Bloch flow of App. F from the Fock-space L_int against the closed-form angle, and the
weak-coupling peak height of T(w).
"""
import matplotlib

matplotlib.use("Agg")

import ipywidgets as widgets  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nadlib import figures as F  # noqa: E402
from nadlib import widgets as W  # noqa: E402

EXPLORERS = ["transmission_explorer", "dynamics_explorer", "anm_map_explorer", "rates_explorer",
             "bloch_explorer"]


def _move(slider):
    """A new value for a slider, inside its range and clearly different from the current one."""
    if isinstance(slider, widgets.FloatLogSlider):
        lo, hi = slider.min, slider.max
        x = np.log10(slider.value)
        new = x + 0.3 * (hi - lo) if x + 0.3 * (hi - lo) <= hi else x - 0.3 * (hi - lo)
        return 10.0 ** new
    lo, hi = slider.min, slider.max
    new = slider.value + 0.3 * (hi - lo)
    return new if new <= hi else slider.value - 0.3 * (hi - lo)


@pytest.fixture(scope="module")
def tab():
    """all_explorers() builds the five explorers once; the tests below reuse them."""
    t = W.all_explorers()
    yield t
    plt.close("all")


def test_all_explorers_tab(tab):
    assert isinstance(tab, widgets.Tab)
    assert len(tab.children) == 5
    assert tuple(tab.titles) == ("Transmission", "Dynamics", "ANM map", "Rates", "Bloch vector")


@pytest.mark.parametrize("k, name", list(enumerate(EXPLORERS)))
def test_explorer_constructs_and_reacts(tab, k, name):
    box = tab.children[k]
    assert isinstance(box, widgets.VBox)
    sliders = W.explorer_sliders(box)
    assert sliders, f"{name} has no slider"
    assert list(box.sliders.values()) == sliders
    assert all(not s.continuous_update for s in sliders)
    outputs = [c for c in box.children if isinstance(c, widgets.Output)]
    assert len(outputs) == 1
    before = box.readout.value
    assert before and "invalid" not in before
    sliders[0].value = _move(sliders[0])          # fires the observe callback
    after = box.readout.value
    assert after != before, f"{name}: readout did not change"
    assert "invalid" not in after
    assert not plt.get_fignums(), "explorer left a pyplot figure open"


@pytest.mark.parametrize("name", EXPLORERS)
def test_each_function_builds_its_explorer(name, monkeypatch):
    """Each public explorer function wraps the data, figure and readout functions of nadlib.figures
    (stubbed here: the real ones are exercised above) and passes them its defaults and slider values."""
    base = name.replace("_explorer", "")
    seen = {}
    monkeypatch.setattr(F, f"{base}_data", lambda **p: seen.setdefault("params", p))
    monkeypatch.setattr(F, f"{base}_figure", lambda data: plt.figure())
    monkeypatch.setattr(F, f"{base}_readout", lambda d: repr(sorted(d)))
    box = getattr(W, name)()
    assert isinstance(box, widgets.VBox) and W.explorer_sliders(box)
    assert set(seen["params"]) == set(F.EXPLORERS[base][0])      # every default reaches the data function
    assert box.readout.value == repr(sorted(F.EXPLORERS[base][0]))
    assert not plt.get_fignums()


@pytest.mark.parametrize("base", sorted(F.EXPLORERS))
def test_explorer_triples_are_plain_functions(base):
    """<name>_data(**params) -> dict, <name>_figure(data) -> Figure, <name>_readout(data) -> str; the
    defaults live in one dict, and an unknown parameter is refused with a ValueError naming it."""
    defaults, data_fn, figure_fn, readout_fn = F.EXPLORERS[base]
    assert getattr(F, f"{base.upper()}_DEFAULTS") is defaults
    assert (data_fn, figure_fn, readout_fn) == tuple(getattr(F, f"{base}_{k}") for k in ("data", "figure", "readout"))
    with pytest.raises(ValueError, match="no_such_parameter"):
        data_fn(no_such_parameter=1.0)
    with pytest.raises(ValueError, match="no_such_parameter"):
        getattr(W, f"{base}_explorer")(no_such_parameter=1.0)


def test_every_slider_changes_the_readout():
    box = W.bloch_explorer()
    for s in W.explorer_sliders(box):
        before = box.readout.value
        s.value = _move(s)
        assert box.readout.value != before, s.description


def test_invalid_parameters_are_reported_not_raised():
    # Gamma = 0.3 * Omega pushes E_1 too close to the band edge for Eq. (34) when h is large
    box = W.dynamics_explorer(h=9.0)
    box.sliders["Gamma_over_Omega"].value = 0.3
    assert "invalid parameters" in box.readout.value
    assert "(34)" in box.readout.value


def test_static_figure_is_the_widget_code():
    """The book's static figure is <name>_figure(<name>_data(...)), the code the widget calls."""
    fig = F.bloch_figure(F.bloch_data(Gamma=0.05))
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 2
    plt.close(fig)
    fig = F.fig9_bloch()                        # Fig. 9 is the bloch explorer's figure at its defaults
    assert [a.get_title() for a in fig.axes] == ["(a) side view, xz-plane", "(b) top view, xy-plane"]
    plt.close(fig)


@pytest.mark.parametrize("mu_L, mu_R, T, Gamma, delta",
                         [(1.0, 0.2, 0.05, 0.1, 0.0), (1.6, 0.1, 0.02, 0.3, 0.3),
                          (0.3, 1.4, 0.2, 0.02, -0.2)])
def test_bloch_flow_angle_and_growth(mu_L, mu_R, T, Gamma, delta):
    """App. F: the flow of L_int (Fock-space superoperator on the Gaussian NESS) is perpendicular to z,
    makes the angle arctan(2 Delta / Tr Gamma) with x, and never shortens v."""
    d = F.bloch_data(mu_L=mu_L, mu_R=mu_R, T=T, Gamma=Gamma, delta=delta)
    assert abs(d["u"][2]) < 1e-12 * max(1.0, d["norm_u"])
    np.testing.assert_allclose(d["phi_flow"], d["phi_formula"], rtol=1e-9, atol=1e-12)
    assert d["dv_dt"] >= -1e-15
    assert d["norm_v"] <= 1.0
    assert d["entropy_term"] >= -1e-15          # first term of (F3) is non-negative


def test_bloch_equilibrium_has_no_flow():
    d = F.bloch_data(mu_L=0.8, mu_R=0.8, T=0.05)
    assert d["norm_u"] < 1e-12
    assert np.isnan(d["phi_flow"])
    assert "&mdash;" in F.bloch_readout(d)


def test_transmission_weak_coupling_peak_height():
    """For Gamma << Delta the peaks of T reach g^2 / (2 pi Delta^2) (Eq. (46); the book's chapter on Sec. III)."""
    d = F.transmission_data(Gamma_ratio=0.02)
    assert len(d["peaks"]) == 2
    for _, height in d["peaks"]:
        np.testing.assert_allclose(height, d["weak_height"], rtol=2e-3)


def test_bose_anm_explorer_reacts_and_matches_nu_infinity():
    """The bosonic ANM explorer: every slider changes the readout; its maps (nadlib.figures.bose_anm_data)
    are nu_infinity with bosonic Baths (spot check of one grid point), zero on the equilibrium diagonal."""
    from nadlib import Baths, figures, nu_infinity
    box = W.bose_anm_explorer(n=21)
    for s in W.explorer_sliders(box):
        before = box.readout.value
        s.value = _move(s)
        assert box.readout.value != before, s.description
        assert "invalid" not in box.readout.value
    plt.close("all")
    d = figures.bose_anm_data(n=21)
    np.testing.assert_array_equal(np.diag(d["nu_T"]), 0.0)
    m = d["model"]
    b = Baths(d["temps"][3], d["temps"][15], -m.Omega - d["gap"], -m.Omega - d["gap"], statistics="bose")
    np.testing.assert_allclose(d["nu_T"][3, 15], nu_infinity(m, b) / m.Gamma, rtol=1e-12)
    fig = figures.bose_anm_figure(d)
    assert len(fig.axes) == 4                      # two maps and their colour bars
    plt.close(fig)

"""Shared fixtures and independent reference routines for the tests of nadlib's analytic modules.

Parameter sets are the paper's figure captions (Mitchison & Plenio 2018):

* Fig. 4: Gamma = 0.2, Omega = 100, delta = 0.1, g = 0.5;
  (a) h = 1, mu_L = 1, mu_R = 0, T_L = T_R = 0.1;  (b) h = 50, mu_L = mu_R = 49, T_L = 10, T_R = 0.01.
* Fig. 5: h = 1, delta = 0, g = 0.5, Gamma = 0.01, Omega = 10.
* Fig. 3: h = 1, g = delta = 0.5, Omega = 10, Gamma = 0.02, 0.2, 2 Delta.

The reference routines here never call nadlib's quadrature or propagator: they integrate with
scipy.integrate.quad on panels split at the model's features, so that a test comparing them with
nadlib compares two independent routes.

`report(name, value)` records a measured figure; all records are printed in the terminal summary
(`pytest -rA` not needed), so a plain test run shows the numbers the reproduction quotes.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate

import nadlib as nad

# The referee routines that the book's check cells and the tests share live in one place, book/_checks.py
# (tests import it as `_checks`); they share no numerics with nadlib.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book"))

# --------------------------------------------------------------------------- parameter sets

FIG4_COMMON = dict(delta=0.1, g=0.5, Gamma=0.2, Omega=100.0)
FIG4 = {
    "a": dict(model=dict(h=1.0, **FIG4_COMMON), baths=dict(T_L=0.1, T_R=0.1, mu_L=1.0, mu_R=0.0)),
    "b": dict(model=dict(h=50.0, **FIG4_COMMON), baths=dict(T_L=10.0, T_R=0.01, mu_L=49.0, mu_R=49.0)),
}
FIG4_T_END = 25.0            # Gamma t = 5, the horizontal range of Fig. 4
FIG5_MODEL = dict(h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0)
FIG3_BASE = dict(h=1.0, delta=0.5, g=0.5, Omega=10.0)
FIG3_DELTA = float(np.hypot(0.5, 0.5))

#: A valid initial correlation matrix with coherence (eigenvalues 0.2 and 0.7, inside [0, 1]).
C0_COHERENT = np.array([[0.6, 0.2 + 0.1j], [0.2 - 0.1j, 0.3]])


def fig4_model(panel):
    return nad.Model(**FIG4[panel]["model"])


def fig4_baths(panel):
    return nad.Baths(**FIG4[panel]["baths"])


def fig3_model(ratio):
    """Fig. 3 model with Gamma = ratio * Delta."""
    return nad.Model(Gamma=ratio * FIG3_DELTA, **FIG3_BASE)


@pytest.fixture(scope="session")
def fig5_model():
    return nad.Model(**FIG5_MODEL)


# --------------------------------------------------------------------------- finite chains

_CHAINS = {}


def finite_chain(m, b, t_max):
    """A FiniteChain with M chosen by FiniteChain from t_max, built once per session and reused
    (meant for small chains: Omega = 10, M of a few hundred)."""
    from nadlib.chain import FiniteChain
    key = (repr(m), repr(b), float(t_max))
    if key not in _CHAINS:
        _CHAINS[key] = FiniteChain(m, b, t_max=t_max)
    return _CHAINS[key]


#: time grid of the Fig. 4 chain comparisons: Gamma t = 0, 0.5, ..., 5 (chain runs cost ~1 s per time)
FIG4_TIMES = np.linspace(0.0, FIG4_T_END, 11)

_EXACT = {}


def fig4_exact(panel, C0=None):
    """Exact C(t) (Eqs. (29)-(30)) on FIG4_TIMES, cached: several test modules compare with it."""
    key = (panel, None if C0 is None else C0.tobytes())
    if key not in _EXACT:
        _EXACT[key] = nad.correlation_matrix(fig4_model(panel), fig4_baths(panel), FIG4_TIMES, C0=C0)
    return _EXACT[key]


#: a small-Omega model whose chain is cheap to run to steady state (Gamma t = 30 at t = 60)
SMALL = dict(model=dict(h=1.0, delta=0.5, g=0.5, Gamma=0.5, Omega=10.0),
             baths=dict(T_L=0.1, T_R=0.1, mu_L=1.5, mu_R=0.5))
SMALL_T_MAX = 60.0


@pytest.fixture(scope="session")
def small_case():
    """(Model, Baths, FiniteChain up to t = 60) for late-time (steady-state) chain comparisons."""
    m, b = nad.Model(**SMALL["model"]), nad.Baths(**SMALL["baths"])
    return m, b, finite_chain(m, b, SMALL_T_MAX)


@pytest.fixture(scope="module", params=["a", "b"], ids=["fig4a", "fig4b"])
def fig4_case(request):
    """(panel, Model, Baths, FiniteChain up to Gamma t = 5) for both panels of Fig. 4.

    Not cached across modules: these chains hold N^2 eigenvector arrays (N = 2M + 2, M in the
    thousands), released when pytest moves to the other panel or module.  The leads start in the
    semi-infinite grand-canonical state restricted to M sites: at T_R = 0.01 (panel (b)) a finite
    lead's own Gibbs state would need M ~ 23000 to resolve the Fermi step (see FiniteChain)."""
    from nadlib.chain import FiniteChain
    panel = request.param
    m, b = fig4_model(panel), fig4_baths(panel)
    return panel, m, b, FiniteChain(m, b, t_max=FIG4_T_END, leads="semi-infinite")


# --------------------------------------------------------------------------- measured figures

def pytest_configure(config):
    config._nadlib_measured = []


@pytest.fixture
def report(request):
    """report(name, value): record a measured figure for the terminal summary."""
    def _report(name, value):
        request.config._nadlib_measured.append((request.node.nodeid, name, value))
        print(f"[measured] {name} = {value}")
    return _report


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    rows = getattr(config, "_nadlib_measured", [])
    if not rows:
        return
    terminalreporter.section("nadlib measured figures")
    for nodeid, name, value in rows:
        if isinstance(value, float):
            value = f"{value:.3e}"
        terminalreporter.write_line(f"{name:55s} {value}   ({nodeid.split('::')[0]})")


# --------------------------------------------------------------------------- independent quadrature

def feature_points(m, extra=()):
    """Breakpoints inside the band: the peaks E'_j +- k Gamma_j and any extra points (e.g. mu)."""
    pts = [-m.Omega, m.Omega]
    for c, wd in zip(m.E_shifted, m.Gamma_j):
        pts += [c + s * wd for s in (-64, -16, -4, -1, 0, 1, 4, 16, 64)]
    pts += list(extra)
    pts = np.unique(np.clip(pts, -m.Omega, m.Omega))
    return pts


def quad_band(f, m, extra=(), lo=None, hi=None, epsabs=1e-14, epsrel=1e-13, panels=None):
    """int_lo^hi f(w) dw (real f) by scipy.integrate.quad on panels split at the model's features.

    `panels` (int) further splits [lo, hi] uniformly, for oscillatory integrands.
    """
    lo = -m.Omega if lo is None else lo
    hi = m.Omega if hi is None else hi
    pts = feature_points(m, extra)
    if panels:
        pts = np.concatenate([pts, np.linspace(lo, hi, panels + 1)])
    pts = np.unique(np.concatenate([[lo, hi], pts[(pts > lo) & (pts < hi)]]))
    total = 0.0
    for a, b in zip(pts[:-1], pts[1:]):
        val, _ = integrate.quad(f, a, b, epsabs=epsabs, epsrel=epsrel, limit=200)
        total += val
    return total


def phi_closed(m, w):
    """phi_j(w) of Eq. (35) written out here from (19), (35), (36) (not via Model.phi). Shape (2, ...)."""
    w = np.asarray(w, float)
    r = m.Gamma / m.Omega
    J = m.Gamma / (2 * np.pi) * np.sqrt(np.clip(1 - (w / m.Omega) ** 2, 0, None))
    out = []
    for E in m.E:
        Ep = (1 - r / 2) / (1 - r) * E
        Gj = np.sqrt(1 - r - (E / m.Omega) ** 2) / (1 - r) * m.Gamma
        out.append(J / (1 - r) / ((w - Ep) ** 2 + Gj ** 2 / 4))
    return np.array(out)


def G_direct(m, t, j):
    """G_j(t) = int dw exp(-i w t) phi_j(w), Eq. (24), by scipy quad of cos and sin on short panels."""
    t = float(t)
    n_pan = int(np.ceil(2 * m.Omega * t / np.pi)) + 8    # about a half period per panel
    re = quad_band(lambda w: phi_closed(m, w)[j] * np.cos(w * t), m, panels=n_pan)
    im = quad_band(lambda w: -phi_closed(m, w)[j] * np.sin(w * t), m, panels=n_pan)
    return re + 1j * im

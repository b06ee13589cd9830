"""Tests of the nadlib additions made for the appendix chapters (App. B, D; Figs. 6-9).

* `transport.second_response_function` (I_j of Eq. (B8)) against nested Gauss-Legendre time quadrature;
* `transport.transient_currents` (Eqs. (D2)-(D3), completed by the initial-state terms of erratum A25)
  against the brute-force chain, for an empty and for a coherent initial state, and at late times against
  the Landauer currents (43)-(44);
* the diagram functions of `figures` return Figures.
"""
import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nadlib as nad  # noqa: E402
from nadlib import figures  # noqa: E402
from nadlib.spectral import propagator  # noqa: E402
from nadlib.transport import second_response_function, transient_currents  # noqa: E402

from conftest import C0_COHERENT  # noqa: E402

MODEL = dict(h=1.0, delta=0.3, g=0.5, Gamma=0.5, Omega=10.0)
BATHS = dict(T_L=0.2, T_R=0.2, mu_L=1.5, mu_R=0.5)


def _gl(a, b, n):
    x, w = np.polynomial.legendre.leggauss(n)
    return a + (b - a) * (x + 1) / 2, (b - a) * w / 2


def test_second_response_function_eq_B8_vs_time_quadrature():
    """I_j(w, w', t) closed form against -i int_0^t e^{-iw(t-t')} K_j(w', t') dt' with K_j by quadrature too,
    including w = w' (the removable singularity)."""
    m = nad.Model(**MODEL)
    t_end = 3.0
    w = np.array([-6.0, 0.6, 1.15, 3.0])
    wp = np.array([0.8, 1.15, 1.15, 3.0])
    s, ws = _gl(0.0, t_end, 300)
    x, wx = np.polynomial.legendre.leggauss(80)
    inner_t = s[:, None] * (x + 1) / 2
    inner_w = s[:, None] * wx / 2
    G = propagator(m, inner_t)
    K = -1j * np.einsum("si,wsi,jsi->jws", inner_w,
                        np.exp(-1j * wp[:, None, None] * (s[:, None] - inner_t)[None]), G)
    I_quad = -1j * np.einsum("s,ws,jws->jw", ws, np.exp(-1j * np.outer(w, t_end - s)), K)
    I = second_response_function(m, w, wp, np.array([t_end]))[..., 0]
    np.testing.assert_allclose(np.diagonal(I, axis1=1, axis2=2), I_quad, atol=1e-10)
    # I_j(w, w', 0) = 0
    np.testing.assert_allclose(second_response_function(m, w, wp, np.array([0.0])), 0, atol=1e-12)


@pytest.mark.parametrize("C0", [None, C0_COHERENT])
def test_transient_currents_eq_D2_D3_vs_chain(C0):
    """(D2)-(D3) with the A25 initial-state terms reproduce the chain's boundary currents at all times."""
    m, b = nad.Model(**MODEL), nad.Baths(**BATHS)
    ts = np.array([0.3, 2.0, 6.0])
    J = transient_currents(m, b, ts, C0=C0)
    chain = nad.FiniteChain(m, b, t_max=ts.max())
    np.testing.assert_allclose(J.particle, chain.particle_current(ts, C0=C0), atol=1e-7)
    np.testing.assert_allclose(J.energy, chain.energy_current(ts, C0=C0), atol=1e-7)


def test_transient_currents_printed_form_misses_initial_terms_A25():
    """Without the initial-state terms (the printed (D2)-(D3)) the currents are wrong for C(0) != 0 and
    right for C(0) = 0."""
    m, b = nad.Model(**MODEL), nad.Baths(**BATHS)
    ts = np.array([0.3, 2.0])
    chain = nad.FiniteChain(m, b, t_max=ts.max())
    printed = transient_currents(m, b, ts, C0=C0_COHERENT, initial_term=False)
    assert np.abs(printed.particle - chain.particle_current(ts, C0=C0_COHERENT)).max() > 0.05
    empty = transient_currents(m, b, ts, initial_term=False)
    np.testing.assert_allclose(empty.particle, chain.particle_current(ts), atol=1e-7)


def test_transient_currents_tend_to_landauer():
    m, b = nad.Model(**MODEL), nad.Baths(**BATHS)
    J = transient_currents(m, b, np.array([60.0]))
    L = nad.currents(m, b)
    np.testing.assert_allclose([J.particle[0], J.energy[0]], [L.particle, L.energy], rtol=1e-6)
    assert J.particle.shape == (1,)


def test_transient_currents_shapes_and_validation():
    m, b = nad.Model(**MODEL), nad.Baths(**BATHS)
    J = transient_currents(m, b, np.array([[0.5, 1.0]]))
    assert J.particle.shape == (1, 2) and J.energy.shape == (1, 2)
    with pytest.raises(ValueError):
        transient_currents(m, b, np.array([-1.0]))
    with pytest.raises(ValueError):
        transient_currents(m, nad.Baths(T_L=[0.1, 0.2], T_R=0.1, mu_L=1.0, mu_R=0.0), np.array([1.0]))
    with pytest.raises(ValueError):
        transient_currents(m, b, np.array([1.0]), C0=np.array([[1.5, 0], [0, 0]]))


@pytest.mark.parametrize("name", ["fig6_network", "fig7_contours", "fig8_contour", "fig9_bloch"])
def test_appendix_diagrams_return_figures(name):
    fig = getattr(figures, name)()
    assert isinstance(fig, matplotlib.figure.Figure)
    matplotlib.pyplot.close(fig)


def test_fig9_data_geometry():
    """The flow u of Fig. 9 (L_int applied in Fock space to the NESS) makes the angle arctan(2 Delta / Tr Gamma)
    with v, has no z component and lengthens v."""
    d = figures.bloch_data()
    np.testing.assert_allclose(d["phi_flow"], d["phi_formula"], rtol=1e-10)
    assert abs(d["u"][2]) < 1e-14 and d["u"] @ d["v"] > 0 and np.linalg.norm(d["v"]) <= 1

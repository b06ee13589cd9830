"""Tests of nadlib.spectral: phi_j, vartheta_j, the Laplace-domain propagator and the exact G_j(t).

Independent routes: scipy.integrate.quad (ordinary, Cauchy-weighted) on panels split at the
model's features (conftest.quad_band), numerical Laplace integrals over time, the spectral sum rules
of a resonant level, and the brute-force finite chain (nadlib.chain) with empty leads.
"""
import numpy as np
import pytest
from scipy import integrate

import nadlib as nad
from nadlib.spectral import (laplace_propagator, propagator, propagator_derivative,
                             response_function)

from conftest import FIG4, FIG5_MODEL, G_direct, fig3_model, finite_chain, quad_band

MODELS = {
    "fig3_0.2": fig3_model(0.2),
    "fig3_2": fig3_model(2.0),
    "fig4a": nad.Model(**FIG4["a"]["model"]),
    "fig4b": nad.Model(**FIG4["b"]["model"]),
    "fig5": nad.Model(**FIG5_MODEL),
    "edge": nad.Model(h=8.0, delta=0.3, g=0.5, Gamma=0.5, Omega=10.0),   # E_1 near the band edge
    "negative": nad.Model(h=-2.0, delta=-0.4, g=0.9, Gamma=1.0, Omega=6.0),
}


# --------------------------------------------------------------------------- Eqs. (26), (27)

@pytest.mark.parametrize("name", list(MODELS))
def test_phi_normalised_eq26(name):
    """Eq. (26): int phi_j(w) dw = 1 (scipy quad), for parameter sets obeying Eq. (34)."""
    m = MODELS[name]
    for j in range(2):
        val = quad_band(lambda w: m.phi(w)[j], m)
        np.testing.assert_allclose(val, 1.0, rtol=1e-10)
    assert np.all(m.phi(np.array([-1.5, -1.0, 1.0, 2.0]) * m.Omega) == 0)


def test_phi_sum_rules_first_and_second_moment():
    """Moments of phi_j (Eq. (25)): int w phi_j = <d_j|H|d_j> = E_j and
    int w^2 phi_j = E_j^2 + sum_q |tau_q|^2 = E_j^2 + Gamma Omega / 4 (scipy quad)."""
    for name in ("fig3_2", "edge", "negative"):
        m = MODELS[name]
        for j in range(2):
            m1 = quad_band(lambda w: w * m.phi(w)[j], m)
            m2 = quad_band(lambda w: w * w * m.phi(w)[j], m)
            np.testing.assert_allclose(m1, m.E[j], rtol=1e-9, atol=1e-11)
            np.testing.assert_allclose(m2, m.E[j] ** 2 + m.Gamma * m.Omega / 4, rtol=1e-9)


def test_phi_tends_to_delta_function_eq27():
    """Eq. (27): int phi_j(w) g(w) dw -> g(E_j) as Gamma -> 0 for smooth g, with error O(Gamma)
    (log-log slope 1 over Gamma/Omega = 1e-3 ... 1e-5)."""
    gfun = lambda w: np.exp(-0.5 * (w - 1.0) ** 2) * np.cos(w)     # noqa: E731
    Omega, ratios = 10.0, np.array([1e-3, 1e-4, 1e-5])
    errs = []
    for r in ratios:
        m = nad.Model(h=1.0, delta=0.3, g=0.5, Gamma=r * Omega, Omega=Omega)
        errs.append([abs(quad_band(lambda w: m.phi(w)[j] * gfun(w), m) - gfun(m.E[j]))
                     for j in range(2)])
    errs = np.array(errs)
    Gammas = ratios * Omega
    assert np.all(errs < 2 * Gammas[:, None])
    slopes = np.diff(np.log(errs), axis=0) / np.diff(np.log(Gammas))[:, None]
    np.testing.assert_allclose(slopes, 1.0, atol=0.05)


# --------------------------------------------------------------------------- Eqs. (33), (37)

@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
@pytest.mark.parametrize("name", ["fig3_0.2", "fig3_2", "edge", "negative"])
def test_theta_is_hilbert_transform_inside_band_eq33_eq37(name):
    """Eq. (37) against the principal-value Hilbert transform (33) of phi_j, computed with scipy's
    Cauchy weight on the panel holding the pole and plain quad elsewhere."""
    m = MODELS[name]
    ws = np.concatenate([np.array([-0.999, -0.6, -0.05, 0.3, 0.8, 0.999]) * m.Omega,
                         m.E_shifted, m.E_shifted + 2 * m.Gamma_j, m.E - 0.3 * m.Gamma_j])
    for w in ws:
        for j in range(2):
            f = lambda x: m.phi(x)[j]                   # noqa: E731
            half = 0.25 * min(m.Gamma_j[j], m.Omega - abs(w))
            a, b = w - half, w + half
            # theta = P int phi(x)/(w - x) dx = -P int phi(x)/(x - w) dx
            pv, _ = integrate.quad(f, a, b, weight="cauchy", wvar=w, epsabs=1e-15, epsrel=1e-13)
            rest = (quad_band(lambda x: f(x) / (w - x), m, hi=a)
                    + quad_band(lambda x: f(x) / (w - x), m, lo=b))
            ref = -pv + rest
            np.testing.assert_allclose(m.theta(w)[j], ref, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", ["fig3_0.2", "edge", "negative"])
def test_theta_outside_band_eq33(name):
    """Eq. (33) outside the band, where phi_j = 0 and no principal value is needed:
    vartheta_j(w) = int phi_j(x)/(w - x) dx by scipy quad, against Model.theta (self-energy route)."""
    m = MODELS[name]
    for w in np.array([-3.0, -1.2, -1.001, 1.0005, 1.05, 2.5]) * m.Omega:
        for j in range(2):
            ref = quad_band(lambda x: m.phi(x)[j] / (w - x), m)
            np.testing.assert_allclose(m.theta(w)[j], ref, rtol=1e-10)


# --------------------------------------------------------------------------- App. B: Laplace domain

Z_POINTS = [0.5 + 0.3j, -0.5 + 0.3j, 2.0 - 4.0j, -2.0 - 4.0j, 0.3 + 12j, -0.3 + 12j, -0.3 - 12j,
            0.3 - 12j, 0.05 + 5j, -0.05 + 5j, -3.0 + 0j, 3.0 + 0j, 15.0 + 1j, -15.0 + 1j]


def _complex_quad(f, m, pts=()):
    re = quad_band(lambda w: f(w).real, m, extra=pts)
    im = quad_band(lambda w: f(w).imag, m, extra=pts)
    return re + 1j * im


@pytest.mark.parametrize("z", Z_POINTS)
def test_self_energy_closed_form_eq_B9_vs_integral_B6(z):
    """Eq. (B9) with the branch of A12 (sign of the root follows Re z) against the integral (B6)
    W(z) = int J_N(w)/(z + i w) dw, for Re z of both signs and near +-i*12, off the cut."""
    m = MODELS["fig3_2"]
    ref = _complex_quad(lambda w: m.spectral_density(w) / (z + 1j * w), m, pts=[-z.imag])
    np.testing.assert_allclose(m.self_energy(z), ref, rtol=1e-10, atol=1e-13)


def test_naive_root_in_B9_fails_for_negative_Re_z():
    """A12: the printed (Gamma/2Omega)(sqrt(z^2 + Omega^2) - z) with the principal root is wrong
    for Re z < 0 (check that the test above would catch that reading)."""
    m = MODELS["fig3_2"]
    z = -0.5 + 0.3j
    naive = m.Gamma / (2 * m.Omega) * (np.sqrt(z ** 2 + m.Omega ** 2) - z)
    ref = _complex_quad(lambda w: m.spectral_density(w) / (z + 1j * w), m)
    assert abs(naive - ref) > 0.1 * abs(ref)


@pytest.mark.parametrize("name", ["fig3_0.2", "negative"])
def test_laplace_propagator_B5_vs_stieltjes_B11(name):
    """Eq. (B5) (with (B9)) against (B11): G~_j(z) = int phi_j(w)/(z + i w) dw, Re z of both signs."""
    m = MODELS[name]
    for z in Z_POINTS[::2] + Z_POINTS[1::4]:
        z = z * m.Omega / 10
        got = laplace_propagator(m, z)
        for j in range(2):
            ref = _complex_quad(lambda w: m.phi(w)[j] / (z + 1j * w), m, pts=[-z.imag])
            np.testing.assert_allclose(got[j], ref, rtol=1e-10, atol=1e-13)


def test_boundary_value_B12_and_sign_of_exponent_A7():
    """Eq. (B12): lim_{eps->0} G~_j(eps - i w) = pi phi_j(w) + i vartheta_j(w); the time integral
    int_0^inf e^{-eps t} e^{+i w t} G_j(t) dt (computed here by Gauss-Legendre over t with the
    exact G_j) equals G~_j(eps - i w), while the printed e^{-i w t} gives G~_j(eps + i w), far from
    pi phi + i vartheta (typo A7)."""
    m = MODELS["fig3_0.2"]
    eps, t_end = 0.05, 800.0                                 # e^{-eps t_end} = e^{-40}
    x, wx = np.polynomial.legendre.leggauss(24)
    edges = np.linspace(0.0, t_end, 1601)
    a, b = edges[:-1, None], edges[1:, None]
    t = ((a + b) / 2 + (b - a) / 2 * x).ravel()
    wt = ((b - a) / 2 * wx).ravel() * np.exp(-eps * t)
    G = propagator(m, t)                                     # (2, Nt)
    for w in (m.E[0], m.E[1], 0.3 * m.Omega, -0.5 * m.Omega):
        plus = (G * np.exp(1j * w * t)) @ wt
        minus = (G * np.exp(-1j * w * t)) @ wt
        np.testing.assert_allclose(plus, laplace_propagator(m, eps - 1j * w), rtol=1e-9)
        np.testing.assert_allclose(minus, laplace_propagator(m, eps + 1j * w), rtol=1e-9)
        boundary = np.pi * m.phi(w) + 1j * m.theta(w)
        np.testing.assert_allclose(laplace_propagator(m, 1e-12 - 1j * w), boundary, rtol=1e-9)
        # the printed middle expression with e^{-iwt} does not converge to pi phi + i theta
        assert np.all(np.abs(minus - boundary) > 0.3 * np.abs(boundary))


# --------------------------------------------------------------------------- Eq. (24): exact G_j(t)

@pytest.mark.parametrize("name,times", [
    ("fig3_0.2", [0.0, 0.3, 2.0, 15.0, 100.0]),
    ("edge", [0.1, 1.0, 5.0, 30.0, 80.0]),
    ("negative", [0.5, 4.0, 40.0]),
    ("fig4a", [0.05, 3.0, 8.0]),
])
def test_exact_propagator_contour_vs_band_quadrature_eq24(name, times):
    """Exact G_j(t) (pole + discretised arc of App. E) against the band Fourier integral (24)
    done by scipy quad on half-period panels (itself accurate to ~1e-15, checked against mpmath);
    absolute error < 1e-10, including the t^{-3/2} tail.  Measured: ~1e-15 at the Fig. 4 sets,
    up to 5e-11 at early times for Gamma/Omega >= 0.05 with the 208-node arc rule."""
    m = MODELS[name]
    G = propagator(m, np.array(times))
    for j in range(2):
        ref = np.array([G_direct(m, t, j) for t in times])
        np.testing.assert_allclose(G[j], ref, rtol=0, atol=1e-10)


def test_propagator_initial_value_and_derivative_sum_rules():
    """G_j(0) = 1 (Eq. (26)), dG_j/dt(0) = -i E_j (first moment of phi_j), and
    propagator_derivative agrees with a central difference of propagator; G(-t) = G(t)^*."""
    for name in ("fig3_2", "edge", "fig4b"):
        m = MODELS[name]
        np.testing.assert_allclose(propagator(m, 0.0), [1.0, 1.0], atol=1e-12)
        np.testing.assert_allclose(propagator_derivative(m, 0.0), -1j * m.E, rtol=1e-9, atol=1e-9)
        t = np.array([0.7, 3.0, 11.0])
        h = 1e-5
        fd = (propagator(m, t + h) - propagator(m, t - h)) / (2 * h)
        np.testing.assert_allclose(propagator_derivative(m, t), fd, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(propagator(m, -t), propagator(m, t).conj(), atol=1e-15)


def test_response_function_B7_vs_time_quadrature():
    """Eq. (B7): K_j(w, t) = -i int_0^t e^{-i w (t - t')} G_j(t') dt' in closed form against
    Gauss-Legendre over t' of the exact propagator."""
    m = MODELS["edge"]
    w = np.array([-9.0, 0.0, 7.9, 8.3])
    t = np.array([0.4, 3.0, 17.0])
    K = response_function(m, w, t)                               # (2, Nw, Nt)
    x, wx = np.polynomial.legendre.leggauss(40)
    for it, tt in enumerate(t):
        edges = np.linspace(0, tt, int(np.ceil(tt * 4)) + 2)
        a, b = edges[:-1, None], edges[1:, None]
        s = ((a + b) / 2 + (b - a) / 2 * x).ravel()
        ws = ((b - a) / 2 * wx).ravel()
        G = propagator(m, s)
        for iw, ww in enumerate(w):
            ref = -1j * (G * np.exp(-1j * ww * (tt - s))) @ ws
            np.testing.assert_allclose(K[:, iw, it], ref, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("name,t_max", [("fig3_0.2", 60.0), ("edge", 100.0)])
def test_exact_propagator_vs_finite_chain_with_empty_leads(name, t_max, report):
    """Eq. (23)-(24): G_jk(t) = <0|d_j(t) d_k^dag|0> = delta_jk G_j(t) from the brute-force chain
    (empty leads: T = 0, mu far below the band) against the contour propagator, before the
    chain's recurrence time.  Absolute tolerance 1e-10 (measured ~1e-13)."""
    m = MODELS[name]
    b = nad.Baths(T_L=0.0, T_R=0.0, mu_L=-3 * m.Omega, mu_R=-3 * m.Omega)
    ch = finite_chain(m, b, t_max)
    t = np.linspace(0.0, t_max, 61)
    Gc = ch.propagator(t)                                         # (Nt, 2, 2)
    G = propagator(m, t)                                          # (2, Nt)
    err = max(np.abs(Gc[:, 0, 0] - G[0]).max(), np.abs(Gc[:, 1, 1] - G[1]).max())
    report(f"G_j(t) exact vs chain ({name}, M={ch.M}), max abs dev", float(err))
    np.testing.assert_allclose(Gc[:, 0, 0], G[0], atol=1e-10)
    np.testing.assert_allclose(Gc[:, 1, 1], G[1], atol=1e-10)
    np.testing.assert_allclose(Gc[:, 0, 1], 0, atol=1e-10)
    np.testing.assert_allclose(Gc[:, 1, 0], 0, atol=1e-10)
    # empty leads: C(t) = G^dag C0 G, so a coherent C0 probes the relative phase of G_1 and G_2
    C0 = np.array([[0.5, 0.5], [0.5, 0.5]])
    C = ch.correlation_matrix(t[::6], C0)
    np.testing.assert_allclose(C[:, 0, 1], 0.5 * G[0, ::6].conj() * G[1, ::6], atol=1e-10)

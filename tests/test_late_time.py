"""Late times and large inputs: bounded cost and memory for every input (issue 9, item 5).

The late-time route of `nadlib.exact.bath_correlations` (Omega t > quadrature.RESOLVED_MAX_OMEGA_T)
splits K_j(w, t) = P_j(w, t) - e^{-i w t} g_j(w), takes C(inf) from Eq. (32) and integrates the
single remaining factor e^{i w t} with Filon weights.  Independent routes used here:

* the closed-form route on the resolved band rule (`exact._direct`, the route used up to
  Omega t = 2500 and the only one before this change), at times where both are affordable;
* the brute-force finite chain (`nadlib.chain`), which shares no physics with either;
* Watson's lemma for the band-edge tails of G_j(t): Taylor coefficients of phi_j(+-Omega -+ x)/sqrt(x)
  at 30 digits (mpmath), written out here from Eqs. (19), (35), (36);
* the leading t^{-2} law of Z(t) - C(inf), derived by hand (see `tail_coefficient`), with the edge
  values of vartheta_j computed here by mpmath quadrature of Eq. (33);
* a fourth-order finite difference for dZ/dt of the late route;
* for the Filon weights, mpmath integrals of polynomials times e^{i kappa x}.

Nothing here asserts a wall time; the times are reported.
"""
import time
import warnings

import mpmath as mp
import numpy as np
import pytest

import nadlib as nad
from nadlib import chain, exact, epa, quadrature
from nadlib.quadrature import RESOLVED_MAX_OMEGA_T, band_rule, filon_weights, fourier_rule
from nadlib.spectral import propagator_derivative, response_function
from nadlib.transport import second_response_function, transient_currents

from conftest import C0_COHERENT, FIG5_MODEL, fig4_baths, fig4_model

FIG5_BATHS = dict(T_L=0.01, T_R=0.01, mu_L=1.0, mu_R=0.0)      # Fig. 5 at the point (mu_L, mu_R) = (1, 0)
LATE = [1e5, 1e6, 1e9]


def fig5():
    return nad.Model(**FIG5_MODEL), nad.Baths(**FIG5_BATHS)


CASES = {"fig4a": lambda: (fig4_model("a"), fig4_baths("a")),
         "fig4b": lambda: (fig4_model("b"), fig4_baths("b")),
         "fig5": fig5}


# --------------------------------------------------------------------------- Filon weights and the rule

@pytest.mark.parametrize("kappa", [0.0, 1e-6, 0.5, 3.0, 40.0, 1e3, 1e6, 1e10])
def test_filon_weights_integrate_polynomials_times_plane_wave(kappa):
    """int_{-1}^{1} p(x) e^{i kappa x} dx = sum_k W_k(kappa) p(x_k) for deg p < 16, kappa from 0 to 1e10
    (the closed form by repeated integration by parts at 40 digits).  Error below 1e-14 of int |p|
    and below 1e-11 of the value itself (~|p|/kappa at large kappa)."""
    mp.mp.dps = 40
    x, _ = quadrature.gauss_legendre(16)
    W = filon_weights(kappa)
    a = mp.mpf("0.3")
    k = mp.mpf(kappa)
    for deg in (0, 5, 11, 15):
        approx = np.sum(W * (x + 0.3) ** deg)
        if kappa < 1:
            exact_val = mp.quad(lambda s: (s + a) ** deg * mp.exp(1j * k * s), [-1, 1])
        else:
            exact_val = 0
            for end, sign in ((1, 1), (-1, -1)):
                exact_val += sign * mp.exp(1j * k * end) * mp.fsum(
                    (-1) ** r * mp.factorial(deg) / mp.factorial(deg - r) * (end + a) ** (deg - r)
                    / (1j * k) ** (r + 1) for r in range(deg + 1))
        err = abs(complex(exact_val) - approx)
        scale = float(mp.quad(lambda s: abs(s + a) ** deg, [-1, -a, 1]))
        assert err < 1e-14 * scale and err < 1e-11 * abs(complex(exact_val)) + 1e-300
    np.testing.assert_allclose(filon_weights(-kappa), W.conj(), rtol=0, atol=0)


@pytest.mark.parametrize("t", [3.0, 300.0, 3e4])
def test_fourier_rule_vs_resolved_band_rule(t, report):
    """int_{-Omega}^{0.5} J_N(w)/(w - z0) e^{i w t} dw (a square-root edge, a step at 0.5, a pole 1e-3
    below the axis near the other edge) with the t-independent Filon rule against `band_rule`, which
    resolves the oscillation with ~Omega t/10 panels.  Agreement to 1e-13 (the resolved rule's own
    round-off is ~1e-14 at t = 3e4)."""
    Om, z0 = 10.0, 9.9 - 0.001j

    def f(w):
        return np.sqrt(np.clip(1 - (w / Om) ** 2, 0, None)) / (w - z0) * (w < 0.5)
    r = fourier_rule(Om, peaks=[(1.0, 0.01)], steps=[(0.5, 0.0)], t_max=t, edge_scale=1e-6)
    val = r.fourier_weights(np.array([t]))[0] @ f(r.w)
    wb, wtb = band_rule(Om, peaks=[(1.0, 0.01)], steps=[(0.5, 0.0)], t_max=t)
    ref = np.sum(wtb * f(wb) * np.exp(1j * wb * t))
    report(f"fourier_rule vs band_rule at t = {t:g}: nodes {r.size} vs {wb.size}", abs(val - ref))
    assert abs(val - ref) < 1e-13
    assert abs(val) > 1e-7                 # a non-trivial value
    with pytest.raises(ValueError, match="t_max"):
        r.fourier_weights(np.array([2 * t]))


# --------------------------------------------------------------------------- G_j(t): Watson's lemma

def watson_tail(m, t, terms=10):
    """Band-edge tails of G_j(t) from Watson's lemma, shape (2,) complex, at 30 digits.

    Near w = +Omega, phi_j(Omega - x) = sqrt(x) H_j(x) with H_j analytic; then
    int_0 sqrt(x) H_j(x) e^{-i(Omega - x) t} dx ~ e^{-i Omega t} sum_k H_k Gamma(k + 3/2) (-i t)^{-(k+3/2)};
    likewise at -Omega with (i t).  phi_j is written out from Eqs. (19), (35), (36)."""
    mp.mp.dps = 30
    Om, Ga = mp.mpf(m.Omega), mp.mpf(m.Gamma)
    r = Ga / Om
    h, D = mp.mpf(m.h), mp.sqrt(mp.mpf(m.g) ** 2 + mp.mpf(m.delta) ** 2)
    t = mp.mpf(t)
    out = []
    for E in (h + D / 2, h - D / 2):
        Ep = (1 - r / 2) / (1 - r) * E
        Gj = mp.sqrt(1 - r - (E / Om) ** 2) / (1 - r) * Ga
        total = 0
        for sign in (1, -1):                      # edge at sign * Omega, x = distance from it
            def H(x, sign=sign):
                w = sign * (Om - x)
                return Ga / (2 * mp.pi) * mp.sqrt(2 / Om - x / Om ** 2) / (1 - r) / ((w - Ep) ** 2 + Gj ** 2 / 4)
            coeffs = mp.taylor(H, 0, terms)
            z = -1j * sign * t
            total += mp.exp(-1j * sign * Om * t) * mp.fsum(
                c * mp.gamma(k + mp.mpf(3) / 2) * z ** (-(k + mp.mpf(3) / 2)) for k, c in enumerate(coeffs))
        out.append(complex(total))
    return np.array(out)


@pytest.mark.parametrize("name", ["fig5", "fig4a"])
def test_propagator_late_times_vs_watson_lemma(name, report):
    """Eq. (24) at t = 1e5, 1e6, 1e9, where the pole term has decayed below 1e-100: the contour
    propagator (arc rule graded by `arc_levels`) equals the asymptotic series of the two band-edge
    tails, ~t^{-3/2}, to a relative 2e-15 Omega t.  That is the conditioning of G_j(t) itself: the
    phases Omega t of the nodes near the edges are rounded to ~1e-16 Omega t (measured 1.4e-10 at
    Omega t = 1e6; the tail is then ~1e-13, so the absolute error is ~1e-23)."""
    m, _ = CASES[name]()
    t = np.array(LATE)
    G = nad.propagator(m, t)
    ref = np.array([watson_tail(m, tt) for tt in t]).T
    rel = np.abs(G - ref) / np.abs(ref)
    report(f"late G_j(t) vs Watson's lemma ({name}), t = 1e5, 1e6, 1e9, relative",
           ", ".join(f"{x:.1e}" for x in rel.max(axis=0)))
    assert np.all(rel < 2e-15 * m.Omega * t + 1e-12)
    assert np.all(np.abs(G - ref) < 1e-20)
    dG = propagator_derivative(m, t)              # derivative of the same sum: finite, decaying
    assert np.all(np.isfinite(dG)) and np.all(np.abs(dG) < 1e-5)


# --------------------------------------------------------------------------- the two routes agree

MODERATE = {"fig4a": [5.0, 15.0, 25.0], "fig4b": [5.0, 15.0, 25.0], "fig5": [50.0, 250.0, 1000.0, 2000.0]}


@pytest.mark.parametrize("method", ["exact", "epa"])
@pytest.mark.parametrize("name", list(CASES))
def test_late_route_equals_direct_route_at_moderate_times(name, method, report):
    """Z(t) and dZ/dt of Eq. (30): the late-time route (Filon weights on a t-independent rule,
    C(inf) from Eq. (32)) against the closed-form route on the resolved rule, at Fig. 4's Gamma t = 1,
    3, 5 and at Fig. 5's t = 50 ... 2000, both methods.  Agreement to 1e-12 (measured <= 1e-13)."""
    m, b = CASES[name]()
    t = np.array(MODERATE[name])
    Zd, dZd = exact._direct(m, b, t, method, "shifted", True)
    Zl, dZl = exact._late(m, b, t, method, "shifted", True)
    dev, ddev = float(np.abs(Zd - Zl).max()), float(np.abs(dZd - dZl).max())
    report(f"late vs direct route {name} {method}: max |dZ|, max |d(dZ/dt)|", f"{dev:.1e}, {ddev:.1e}")
    assert dev < 1e-12 and ddev < 1e-12
    assert np.abs(Zd - Zd[-1]).max() > 1e-4           # the times probe a transient, not a constant


@pytest.mark.parametrize("method", ["exact", "epa"])
@pytest.mark.parametrize("name", ["fig4a", "fig5"])
def test_regime_switch_is_continuous(name, method):
    """At Omega t = RESOLVED_MAX_OMEGA_T the public functions switch route: C(t), D(t) and the
    generator's Lambda^+(t) on either side of the switch (t and the next float) agree to 1e-13."""
    m, b = CASES[name]()
    t_sw = RESOLVED_MAX_OMEGA_T / m.Omega
    t = np.array([t_sw, np.nextafter(t_sw, np.inf)])
    assert m.Omega * t[0] <= RESOLVED_MAX_OMEGA_T < m.Omega * t[1]
    C = nad.correlation_matrix(m, b, t, C0=C0_COHERENT, method=method)
    D = nad.double_occupancy(m, b, t, C0=C0_COHERENT, D0=0.1, method=method)
    np.testing.assert_allclose(C[1], C[0], rtol=0, atol=1e-13)
    np.testing.assert_allclose(D[1], D[0], rtol=0, atol=1e-13)
    gen = nad.tcl_generator(m, b, t, method=method, warn=False)
    np.testing.assert_allclose(gen.Lambda_plus[1], gen.Lambda_plus[0], rtol=0, atol=1e-13 * m.Gamma * 100)


def test_late_route_vs_finite_chain(small_case, report):
    """Eqs. (29)-(30) through the late-time route at t = 20, 40, 60 (Omega = 10, Gamma = 0.5, a biased
    pair of leads) against the finite chain of the session fixture: agreement to 1e-12."""
    m, b, ch = small_case
    t = np.array([20.0, 40.0, 60.0])
    Z, _ = exact._late(m, b, t, "exact", "shifted", False)
    dev = float(np.abs(Z - ch.correlation_matrix(t)).max())
    report("late route vs finite chain (Omega=10, Gamma=0.5), t = 20..60", dev)
    assert dev < 1e-12


def test_late_route_derivative_vs_finite_difference():
    """dZ/dt of the late route against the fourth-order central difference of its Z (h = 1e-3) at
    Fig. 5's t = 300 and 1000 (Omega t = 3e3, 1e4): agreement to 1e-12 (stencil error ~1e-15, round-off
    of Z ~ 1 over h ~1e-13), where |dZ/dt| is 1e-4 and 1e-7."""
    m, b = fig5()
    h = 1e-3
    for t0, size in ((300.0, 1e-5), (1000.0, 1e-8)):
        tt = t0 + h * np.array([-2, -1, 0, 1, 2])
        Z, dZ = exact.bath_correlations(m, b, tt, derivative=True)
        fd = (Z[0] - 8 * Z[1] + 8 * Z[3] - Z[4]) / (12 * h)
        np.testing.assert_allclose(dZ[2], fd, rtol=0, atol=1e-12)
        assert np.abs(dZ[2]).max() > size


# --------------------------------------------------------------------------- the t^{-2} tail

def theta_edge(m, j, sign):
    """vartheta_j(sign * Omega) = int phi_j(w') / (sign Omega - w') dw', Eq. (33) at the band edge
    (no principal value needed there), by mpmath in u (w' = -Omega cos u)."""
    mp.mp.dps = 20
    Om, Ga = mp.mpf(m.Omega), mp.mpf(m.Gamma)
    r = Ga / Om
    E = mp.mpf(m.E[j])
    Ep = (1 - r / 2) / (1 - r) * E
    Gj = mp.sqrt(1 - r - (E / Om) ** 2) / (1 - r) * Ga

    def f(u):
        # phi_j dw = Gamma Omega sin^2(u) / (2 pi (1 - r) ((w - E'_j)^2 + Gamma_j^2/4)) du, and
        # sin^2(u) / (+-Omega - w) = +-(1 -+ cos u) / Omega with w = -Omega cos u
        w = -Om * mp.cos(u)
        return Ga * sign * (1 - sign * mp.cos(u)) / (2 * mp.pi) / (1 - r) / ((w - Ep) ** 2 + Gj ** 2 / 4)
    pts = sorted({0, mp.pi} | {mp.acos(-x / Om) for x in (Ep - 5 * Gj, Ep, Ep + 5 * Gj) if abs(x) < Om})
    return float(mp.quad(f, pts))


def tail_coefficient(m, b):
    """Leading late-time term of Z(t) - C(inf): (Z - C(inf))_jk ~ coefficient_jk / t^2.

    Derivation.  Near the edges phi_j(+-(Omega - x)) = c_j^+- sqrt(x) + ..., J_N(+-(Omega - x)) =
    j sqrt(x) + ..., with j = (Gamma/2 pi) sqrt(2/Omega) and
    c_j^+- = j / [(1 - Gamma/Omega)((Omega -+ E'_j)^2 + Gamma_j^2/4)].  Watson's lemma gives the edge
    tails G_j(tau) ~ c_j^+- Gamma(3/2) e^{-+i Omega tau} e^{+-3 pi i/4} tau^{-3/2}.  With K = P - e^{-iwt} g,
    P_k(w, t) = i int_0^inf e^{i w s} G_k(t + s) ds, and the cross term X_jk = int e^{iwt} J F_jk g_j^* P_k
    comes from |w -+ Omega| ~ 1/t, where J ~ j sqrt(x), g_j^* ~ -vartheta_j(+-Omega), F ~ F(+-Omega):
    X_jk ~ -vartheta_j F_jk j i A_k int_0^inf ds (t+s)^{-3/2} int_0^inf dx sqrt(x) e^{-+ix(t+s)}
         = -i (pi/8) vartheta_j F_jk j c_k t^{-2},
    while int J F P^* P = O(t^{-5/2}).  Hence Z - C(inf) = -X - X^dag ~
    i (pi/8) t^{-2} sum_+- j F_jk(+-Omega) [vartheta_j c_k - vartheta_k c_j](+-Omega): purely imaginary,
    zero on the diagonal and zero when F(+-Omega) is diagonal.  Shape (2, 2) complex.
    """
    r = m.Gamma / m.Omega
    jj = m.Gamma / (2 * np.pi) * np.sqrt(2 / m.Omega)
    Ep = (1 - r / 2) / (1 - r) * m.E
    Gj = np.sqrt(1 - r - (m.E / m.Omega) ** 2) / (1 - r) * m.Gamma
    out = np.zeros((2, 2), complex)
    for sign in (1, -1):
        c = jj / ((1 - r) * ((sign * m.Omega - Ep) ** 2 + Gj ** 2 / 4))
        th = np.array([theta_edge(m, j, sign) for j in range(2)])
        f = np.array([nad.fermi(sign * m.Omega, b.mu_L, b.T_L), nad.fermi(sign * m.Omega, b.mu_R, b.T_R)])
        F = m.R @ np.diag(f) @ m.R.T
        out += 1j * np.pi / 8 * jj * F * (th[:, None] * c[None, :] - th[None, :] * c[:, None])
    return out


def test_tail_follows_t_minus_2_law_fig4b(report):
    """Fig. 4(b) (T_L = 10: the hot lead is partly filled at the top edge, so F(Omega) is not diagonal):
    t^2 (Z - C(inf)) computed directly by the late route tends to the hand-derived coefficient
    (`tail_coefficient`) at t = 1e5, 1e7, 1e9: its imaginary part to 1e-4 relative (1e-3 at 1e9), its
    real part (the next order, ~1/t, and round-off) below 1e-3 of it; the diagonal has no t^{-2} term.
    The tail there is 2e-25 ... 2e-33: the late route computes it without reference to C(inf) ~ 1, to a
    relative ~1e-4 (1e-3 at t = 1e9), limited by the rounding of the Filon panels' phases c t."""
    m, b = fig4_model("b"), fig4_baths("b")
    coef = tail_coefficient(m, b)[0, 1]
    assert abs(coef) > 1e-16 and coef.real == 0
    t = np.array([1e5, 1e7, 1e9])
    tail, _ = exact._tail(m, b, t, "exact", "shifted", False)
    scaled = tail * t[:, None, None] ** 2
    rel = np.abs(scaled[:, 0, 1].imag - coef.imag) / abs(coef)
    report("t^2 (Z - C(inf))_12 vs hand-derived coefficient, Fig. 4(b), t = 1e5, 1e7, 1e9",
           ", ".join(f"{x:.1e}" for x in rel))
    assert np.all(rel[:2] < 1e-4) and rel[2] < 1e-3
    assert np.all(np.abs(scaled[:, 0, 1].real) < 3e-3 * abs(coef))
    assert np.all(np.abs(np.diagonal(scaled, axis1=1, axis2=2)) < 0.05 * abs(coef))
    # Through the public function the tail is below the resolution of C(inf) ~ 1:
    C = nad.correlation_matrix(m, b, t)
    np.testing.assert_allclose(C, np.broadcast_to(nad.steady_state(m, b), C.shape), rtol=0, atol=1e-15)


@pytest.mark.parametrize("name", ["fig5", "fig4a"])
def test_public_late_times_agree_with_steady_state_plus_tail(name, report):
    """C(t) and D(t) of Eqs. (29)-(31) at t = 1e5, 1e6, 1e9 (Fig. 5 and Fig. 4(a)) return in bounded
    time and memory, and equal C(inf) (Eq. (32)) plus the tail; here F(+-Omega) is diagonal (both leads
    empty at the top edge and full at the bottom), so the t^{-2} coefficient vanishes and the tail is
    ~t^{-3} (below 1e-25 at t >= 1e5).  D(t) = det C(inf) likewise.  The initial coherence has decayed."""
    m, b = CASES[name]()
    assert np.abs(tail_coefficient(m, b)).max() < 1e-25
    Cinf = nad.steady_state(m, b)
    times = []
    for t in LATE:
        t0 = time.perf_counter()
        C = nad.correlation_matrix(m, b, [t], C0=C0_COHERENT)[0]
        times.append(time.perf_counter() - t0)
        np.testing.assert_allclose(C, Cinf, rtol=0, atol=1e-15)
        tail, _ = exact._tail(m, b, np.array([t]), "exact", "shifted", False)
        assert np.abs(tail).max() < 1e-25
        D = nad.double_occupancy(m, b, [t], C0=C0_COHERENT, D0=0.1)[0]
        np.testing.assert_allclose(D, np.linalg.det(Cinf).real, rtol=0, atol=1e-15)
    report(f"wall time of C(t) at t = 1e5, 1e6, 1e9 ({name}) [s]", ", ".join(f"{x:.3f}" for x in times))


def test_epa_at_late_times(report):
    """EPA (method="epa", Eq. (53)) at t = 1e6: C_EPA(t) equals the closed-form route at Gamma t = 60
    (t = 300, Omega t = 3e4, where the pole term e^{-Gamma t/2} ~ 1e-13 has decayed), to 1e-12; and the
    EPA gain rates Lambda^+(t) of Eq. (54) equal their limit (55) with the same pole.  Also the late
    Filon route of Eq. (54) against its closed form on the resolved rule at Omega t = 3e3 ... 3e4."""
    m, b = fig4_model("a"), fig4_baths("a")
    t0 = time.perf_counter()
    C = nad.correlation_matrix(m, b, [1e6], method="epa")[0]
    report("wall time of C_EPA(t = 1e6), Fig. 4(a) [s]", time.perf_counter() - t0)
    Zd, _ = exact._direct(m, b, np.array([300.0]), "epa", "shifted", False)
    np.testing.assert_allclose(C, Zd[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(nad.lambda_plus(m, b, [1e6])[0],
                               nad.asymptotic_rates(m, b, convention="shifted"), rtol=0, atol=1e-15)
    for convention in ("shifted", "golden"):
        w0 = m.pole(convention)
        t = np.array([30.0, 100.0, 300.0])
        Xd = epa._lambda_x_direct(m, b, w0, t)
        Xl = epa._lambda_x_late(m, b, w0, t, convention)
        Ld = Xd + Xd.conj().transpose(0, 2, 1)
        Ll = Xl + Xl.conj().transpose(0, 2, 1) + nad.asymptotic_rates(m, b, convention=convention)
        np.testing.assert_allclose(Ll, Ld, rtol=0, atol=1e-13)


def test_tcl_generator_at_late_times():
    """The exact generator (47) at t = 1e6 (Fig. 5) is finite, Hermitian and flagged by the late-time
    warning: beyond the plateau G^{-1} amplifies the t^{-3/2} edge tail (see `tcl_generator`)."""
    m, b = fig5()
    with pytest.warns(RuntimeWarning, match="late times"):
        gen = nad.tcl_generator(m, b, [1e6])
    for A in gen:
        assert np.all(np.isfinite(A))
        np.testing.assert_allclose(A, np.swapaxes(A, -1, -2).conj(), atol=1e-12 * np.abs(A).max())


@pytest.mark.slow
def test_array_of_5e4_times(report):
    """5e4 times log-spaced from t = 1 to 1e9 (Fig. 5) in one call: memory stays bounded (blocks of 2e6
    complex numbers; the time groups of each route get their own rule), every C(t) is a valid
    correlation matrix, and sample times equal separate single-time calls to 1e-14."""
    m, b = fig5()
    t = np.logspace(0, 9, 50_000)
    t0 = time.perf_counter()
    C = nad.correlation_matrix(m, b, t)
    report("C(t) at 5e4 times, t = 1 ... 1e9 (Fig. 5), wall time [s]", time.perf_counter() - t0)
    assert C.shape == (50_000, 2, 2)
    np.testing.assert_allclose(C, np.swapaxes(C, -1, -2).conj(), atol=1e-14)
    ev = np.linalg.eigvalsh(C)
    assert ev.min() > -1e-12 and ev.max() < 1 + 1e-12
    idx = [0, 12_345, 20_000, 33_333, 49_999]
    single = np.array([nad.correlation_matrix(m, b, [t[i]])[0] for i in idx])
    np.testing.assert_allclose(C[idx], single, rtol=0, atol=1e-14)


# --------------------------------------------------------------------------- refused up front

def test_finite_chain_oversize_refused_before_allocation():
    """FiniteChain with M = 1e9, or with t_max = 1e7 (M from the recurrence rule, both lead kinds),
    raises ValueError naming N, the memory and the limit N_max, without allocating and without
    first warning about the thermal margin."""
    m, b = fig5()
    cases = [dict(M=10 ** 9), dict(t_max=1e7), dict(t_max=1e7, leads="semi-infinite"),
             dict(M=FiniteChainLimit.M_over)]
    for kw in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with pytest.raises(ValueError, match=r"N = 2M \+ 2 = \d+ sites.*GiB.*N <= N_max = 20000"):
                nad.FiniteChain(m, b, **kw)


class FiniteChainLimit:
    M_over = (nad.FiniteChain.N_max - 2) // 2 + 1          # one site pair beyond the limit


def test_finite_chain_memory_estimate():
    """The estimate counts the N x N eigenvectors (8 N^2 bytes) and the lead states."""
    assert nad.FiniteChain.memory_estimate(100) == 8 * 202 ** 2 + 8 * 100 ** 2
    assert nad.FiniteChain.memory_estimate(100, "semi-infinite") == 8 * 202 ** 2 + 40 * 100 ** 2
    assert nad.FiniteChain.memory_estimate((nad.FiniteChain.N_max - 2) // 2) < 8 * 2 ** 30


def test_finite_chain_many_times_and_row_blocks(monkeypatch):
    """Chain methods on 5e4 times run in bounded blocks and equal the per-time results; with the block
    size forced small, lead_number and lead_energy (row blocks, overlapping by one row for the bonds)
    equal the full computation; full_correlation_matrix refuses an oversize chain."""
    m = nad.Model(h=1.0, delta=0.3, g=0.5, Gamma=0.5, Omega=10.0)
    b = nad.Baths(0.2, 0.2, 1.5, 0.5)
    ch = nad.FiniteChain(m, b, M=40)
    t = np.linspace(0.0, 7.0, 50_000)
    C = ch.correlation_matrix(t, C0_COHERENT)
    G = ch.propagator(t)
    idx = [0, 17_001, 49_999]
    np.testing.assert_allclose(C[idx], ch.correlation_matrix(t[idx], C0_COHERENT), atol=1e-13)
    np.testing.assert_allclose(G[idx], ch.propagator(t[idx]), atol=1e-13)
    ts = np.array([0.0, 1.3, 4.0])
    full = ch.full_correlation_matrix(ts)
    L = ch.lead_index[0]
    NL = np.einsum("nii->n", full[:, L][:, :, L]).real
    EL = -m.Omega * np.einsum("nii->n", full[:, L[:-1]][:, :, L[1:]]).real
    monkeypatch.setattr(chain, "_CHUNK_ELEMENTS", 7 * ch.N)          # 7 rows per block
    assert ch._row_block() == 7
    np.testing.assert_allclose(ch.lead_number(ts), NL, atol=1e-12)
    np.testing.assert_allclose(ch.lead_energy(ts), EL, atol=1e-12)
    monkeypatch.setattr(chain, "MAX_ELEMENTS", 8 * (ch.N ** 2 - 1))
    with pytest.raises(ValueError, match="full_correlation_matrix.*MAX_ELEMENTS"):
        ch.full_correlation_matrix(ts)


def test_transient_currents_oversize_refused():
    """transient_currents (Eqs. (D2)-(D3)) holds an Nw x Nw kernel per time, Nw ~ 1.6 Omega t: at
    Fig. 5's t = 1e4 (Omega t = 1e5) or for 1e5 early times the work exceeds MAX_KERNEL_WORK and is
    refused up front, naming the size and the limit."""
    m, b = fig5()
    for t in (np.array([1e4]), np.full(100_000, 1.0)):
        t0 = time.perf_counter()
        with pytest.raises(ValueError, match=r"kernel entries exceed the limit MAX_KERNEL_WORK"):
            transient_currents(m, b, t)
        assert time.perf_counter() - t0 < 60          # refused, not attempted (generous bound)


def test_response_functions_oversize_refused():
    """K_j(w, t) of (B7) and I_j(w, w', t) of (B8) for inputs whose output alone would exceed
    MAX_ELEMENTS (4 GiB) are refused before allocation."""
    m, _ = fig5()
    w = np.linspace(-9, 9, 100_000)
    with pytest.raises(ValueError, match="response_function.*MAX_ELEMENTS"):
        response_function(m, w, np.linspace(0, 1, 10_000))
    with pytest.raises(ValueError, match="second_response_function.*MAX_ELEMENTS"):
        second_response_function(m, w[:20_000], w[:20_000], np.array([1.0]))


def test_bath_correlations_output_size_refused(monkeypatch):
    """An output beyond MAX_ELEMENTS is refused by name before the work starts."""
    m, b = fig5()
    monkeypatch.setattr(exact, "check_size",
                        lambda caller, what, n, limit=None: nad.model.check_size(caller, what, n, limit=100))
    with pytest.raises(ValueError, match="bath_correlations.*Z\\(t\\)"):
        exact.bath_correlations(m, b, np.linspace(0, 1, 26))


def test_band_rule_oversize_refused():
    """The resolved band rule at Omega t_max = 1e10 would need 1.6e10 nodes: refused before allocation,
    pointing to the Filon rule."""
    with pytest.raises(ValueError, match=r"band_rule.*MAX_ELEMENTS.*fourier_rule"):
        band_rule(10.0, t_max=1e9)


def test_occupation_average_in_blocks(monkeypatch):
    """Steady states (Eq. (32)) on a Baths of 600 distinct (mu_L, T_L) pairs, with the block size forced
    down to a few pairs per block, equal the same points computed one at a time (memory is bounded for
    any number of pairs)."""
    m, _ = fig5()
    rng = np.random.default_rng(7)
    b = nad.Baths(rng.uniform(0.01, 0.1, 600), 0.05, rng.uniform(-2, 2, 600), 0.0)
    monkeypatch.setattr(quadrature, "_AVERAGE_BLOCK", 200_000)
    C = nad.steady_state(m, b)
    for i in (0, 17, 599):
        np.testing.assert_allclose(C[i], nad.steady_state(m, b[i]), rtol=0, atol=1e-15)


@pytest.mark.parametrize("t", [1e12, 1e20, 1e100, 1e299])
def test_extreme_times_are_finite_and_steady(t):
    """Up to Omega t = 1e300 every time-dependent function returns finite numbers (no overflow, no
    warning) and C(t) = C(inf), Lambda^+_EPA(t) = (55); the band-edge tail, ~(Omega t)^(-3/2), is far
    below round-off there."""
    m, b = fig5()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        G = nad.propagator(m, [t])
        C = nad.correlation_matrix(m, b, [t], C0=C0_COHERENT)[0]
        Ce = nad.correlation_matrix(m, b, [t], method="epa")[0]
        L = nad.lambda_plus(m, b, [t])[0]
    assert np.all(np.isfinite(G)) and np.abs(G).max() < 1e-20
    np.testing.assert_allclose(C, nad.steady_state(m, b), rtol=0, atol=1e-15)
    np.testing.assert_allclose(Ce, exact._epa_limit(m, b, "shifted"), rtol=0, atol=1e-15)
    np.testing.assert_allclose(L, nad.asymptotic_rates(m, b, convention="shifted"), rtol=0, atol=1e-17)


def test_phase_overflow_refused():
    """Omega t > MAX_PHASE = 1e300 would overflow the phases: refused by name, for the analytic
    functions and the chain alike."""
    m, b = fig5()
    t = [1e300]
    for f in (lambda: nad.propagator(m, t), lambda: nad.correlation_matrix(m, b, t),
              lambda: nad.lambda_plus(m, b, t), lambda: nad.tcl_generator(m, b, t),
              lambda: nad.FiniteChain(m, b, M=20).correlation_matrix(t)):
        with pytest.raises(ValueError, match=r"Omega \|t\| <= 1e\+300"):
            f()

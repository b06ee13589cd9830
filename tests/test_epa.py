"""Tests of nadlib.epa: the exponential-propagator approximation (Sec. IV B, V, App. E) and nu_inf.

Independent routes: the band-quadrature G_j(t) of conftest (scipy quad of Eq. (24)); an ODE
integration of Eq. (48) with scipy's solve_ivp; mpmath for u(tau) (E6) and for the rates (55);
limits (Gamma/Omega -> 0, tau -> inf, white noise).
"""
import functools

import mpmath as mp
import numpy as np
import pytest
from scipy import special
from scipy.integrate import solve_ivp

import nadlib as nad
from nadlib.epa import arc_error, error_bound, lambda_plus, u_envelope, u_envelope_bessel

from conftest import FIG4_TIMES, FIG5_MODEL, G_direct, fig4_baths, fig4_exact, fig4_model


@pytest.fixture(autouse=True)
def _mp_precision():
    """mpmath references at 30 digits, restoring the global precision afterwards."""
    with mp.workdps(30):
        yield


# --------------------------------------------------------------------------- Eq. (53), App. E

def test_epa_propagator_error_is_linear_in_Gamma_over_Omega_eq53():
    """Eq. (53): max_t |G_exact - G_EPA| over Gamma t in [0, 5] is O(Gamma/Omega): log-log slope 1
    over Gamma/Omega in {1e-3, 3e-3, 1e-2, 3e-2} (h = 1, g = delta = 0.5, Omega = 10)."""
    Omega, ratios = 10.0, np.array([1e-3, 3e-3, 1e-2, 3e-2])
    errs = []
    for r in ratios:
        m = nad.Model(h=1.0, delta=0.5, g=0.5, Gamma=r * Omega, Omega=Omega)
        t = np.linspace(0, 5 / m.Gamma, 801)
        errs.append(np.abs(nad.propagator(m, t) - nad.propagator(m, t, method="epa")).max(axis=1))
    errs = np.array(errs)                                         # (ratios, j)
    assert np.all(errs < 2 * ratios[:, None])
    for j in range(2):
        slope = np.polyfit(np.log(ratios), np.log(errs[:, j]), 1)[0]
        assert 0.9 < slope < 1.1, (errs[:, j], slope)


@pytest.mark.parametrize("params", [
    dict(h=1.0, delta=0.5, g=0.5, Gamma=0.3, Omega=10.0),
    dict(h=8.0, delta=0.3, g=0.5, Gamma=0.5, Omega=10.0),          # E_1 near the band edge
    dict(h=1.0, delta=0.1, g=0.5, Gamma=0.2, Omega=100.0),         # Fig. 4(a)
    dict(h=50.0, delta=0.1, g=0.5, Gamma=0.2, Omega=100.0),        # Fig. 4(b)
])
def test_arc_error_below_bound_E5(params):
    """Eq. (E5): |err_j(t)| = |G_j - p_j e^{-i E'_j t - Gamma_j t/2}| stays below the third-line
    bound (Gamma/Omega)/(1 - Gamma/Omega) Omega^2/[(Omega - E'_j)^2 + Gamma_j^2/4] u(Omega t) on a
    time grid, and the bound is not vacuous (within a factor 100 of the error at t = 0)."""
    m = nad.Model(**params)
    t = np.concatenate([[0.0], np.geomspace(1e-3, 200.0, 300) / m.Omega * 10])
    err = np.abs(arc_error(m, t))
    bound = error_bound(m, t)
    assert np.all(err <= bound), (t[np.argmax(err / bound)], (err / bound).max())
    assert np.all(bound[:, 0] < 100 * err[:, 0])


def test_arc_error_matches_band_quadrature_E1():
    """Eq. (E1) with the corrections A1 (exponent Gamma_j t / 2) and A2 (root over the whole
    fraction): G_j - p_j e^{-iE'_j t - Gamma_j t/2}, with G_j from the scipy band quadrature of (24),
    is small (< 1e-3 at t = 1, < 1e-6 at t = 50; Gamma = 0.3, Omega = 10) and equals arc_error;
    with the printed e^{-Gamma_j t} the deviation is O(0.1)."""
    m = nad.Model(h=1.0, delta=0.5, g=0.5, Gamma=0.3, Omega=10.0)
    p = nad.residue_weight(m)
    w0 = m.E_shifted - 0.5j * m.Gamma_j
    for t, small in ((1.0, 1e-3), (5.0, 1e-4), (50.0, 1e-6)):
        G = np.array([G_direct(m, t, j) for j in range(2)])
        dev = np.abs(G - p * np.exp(-1j * w0 * t))
        assert np.all(dev < small), (t, dev)
        np.testing.assert_allclose(arc_error(m, t), G - p * np.exp(-1j * w0 * t), atol=1e-10)
        printed = np.abs(G - p * np.exp(-1j * m.E_shifted * t - m.Gamma_j * t))   # (E1) as printed
        if t <= 5:
            assert np.all(printed > 0.05), (t, printed)


def test_residue_weight_tends_to_one_E2():
    """Eq. (E2) (A2 reading): p_j -> 1 as Gamma/Omega -> 0 with |p_j - 1| = O(Gamma/Omega), and
    p_j = 2 pi J_N(w0) / [(1 - Gamma/Omega) Gamma_j] (the residue of (35) at w0 = E'_j - i Gamma_j/2,
    with J_N continued by the principal root)."""
    ratios = np.array([3e-2, 3e-3, 3e-4])
    dev = []
    for r in ratios:
        m = nad.Model(h=2.0, delta=0.5, g=0.5, Gamma=r * 10.0, Omega=10.0)
        p = nad.residue_weight(m)
        w0 = m.E_shifted - 0.5j * m.Gamma_j
        JN = m.Gamma / (2 * np.pi) * np.sqrt(1 - (w0 / m.Omega) ** 2 + 0j)
        np.testing.assert_allclose(p, 2 * np.pi * JN / ((1 - r) * m.Gamma_j), rtol=1e-13)
        dev.append(np.abs(p - 1))
    dev = np.array(dev)
    assert np.all(dev < ratios[:, None])
    slopes = np.diff(np.log(dev), axis=0) / np.diff(np.log(ratios))[:, None]
    np.testing.assert_allclose(slopes, 1.0, atol=0.05)


def test_u_envelope_integral_vs_bessel_and_mpmath_E6():
    """Eq. (E6): the quadrature form of u(tau) equals the Bessel form to 1e-12 for tau <= 5, and
    both equal mpmath's (1/(sqrt 2 pi)) int_0^pi e^{-tau sin} sin^{1/2} to 1e-12."""
    tau = np.array([0.0, 1e-3, 0.1, 0.5, 1.0, 2.0, 3.3, 5.0])
    u_q, u_b = u_envelope(tau), u_envelope_bessel(tau)
    np.testing.assert_allclose(u_q, u_b, rtol=1e-12)
    for x, uq in zip(tau, u_q):
        ref = mp.quad(lambda th: mp.exp(-x * mp.sin(th)) * mp.sqrt(mp.sin(th)), [0, mp.pi / 2, mp.pi])
        np.testing.assert_allclose(uq, float(ref / (mp.sqrt(2) * mp.pi)), rtol=1e-12)


def test_u_envelope_limits_E6():
    """u(0) = sqrt(pi)/[Gamma(1/4) Gamma(5/4)] = 0.53935 (the paper's 'u(0) ~ 0.54'),
    tau^{3/2} u(tau) -> (2 pi)^{-1/2} (checked at tau = 1e6 to 1e-5), and u decreases monotonically."""
    u0 = np.sqrt(np.pi) / (special.gamma(0.25) * special.gamma(1.25))
    np.testing.assert_allclose(u_envelope(0.0), u0, rtol=1e-13)
    np.testing.assert_allclose(u_envelope(0.0), 0.53935, atol=5e-6)
    np.testing.assert_allclose(1e6 ** 1.5 * u_envelope(1e6), (2 * np.pi) ** -0.5, rtol=1e-5)
    u = u_envelope(np.geomspace(1e-4, 1e4, 200))
    assert np.all(u > 0) and np.all(np.diff(u) < 0)


# --------------------------------------------------------------------------- Eqs. (48), (54)

@pytest.mark.parametrize("panel", ["a", "b"])
def test_epa_dynamics_equals_ode_48_with_lambda_plus_54(panel):
    """EPA C(t) (method="epa": Eqs. (29)-(30) with the pole propagator (53)) equals the solution of
    the ODE (48) with H = diag(E'_j), Gamma = diag(Gamma_j) and Lambda^+(t) of Eq. (54), integrated
    here with solve_ivp (DOP853, rtol 1e-10) from C(0) = C0 (Fig. 4 parameters, Gamma t in [0, 1],
    which holds the non-Markovian build-up of Lambda^+ on the bath time 1/Omega)."""
    m, b = fig4_model(panel), fig4_baths(panel)
    C0 = np.array([[0.2, 0.05 - 0.1j], [0.05 + 0.1j, 0.7]])
    H = np.diag(m.E_shifted).astype(complex)
    Gam = np.diag(m.Gamma_j).astype(complex)

    def rhs(t, y):
        C = y.view(complex).reshape(2, 2)
        # evaluate (54) together with t_end so that every call uses the same band rule
        Lp = lambda_plus(m, b, np.array([t, t_end]))[0]
        dC = 1j * (H @ C - C @ H) - 0.5 * (Gam @ C + C @ Gam) + Lp
        return dC.ravel().view(float)

    t_end = 1.0 / m.Gamma
    t_eval = np.linspace(0, t_end, 11)
    sol = solve_ivp(rhs, (0, t_end), C0.ravel().view(float).copy(), method="DOP853",
                    t_eval=t_eval, rtol=1e-10, atol=1e-12)
    assert sol.success
    C_ode = sol.y.T.copy().view(complex).reshape(-1, 2, 2)
    C_epa = nad.correlation_matrix(m, b, t_eval, C0=C0, method="epa")
    np.testing.assert_allclose(C_epa, C_ode, rtol=0, atol=1e-8)


@pytest.mark.parametrize("panel", ["a", "b"])
def test_exact_vs_epa_dynamics_fig4(panel, report):
    """Fig. 4: the EPA curves (Eq. (48) with (36) and (54)) differ from the exact points by
    < 2e-3 over Gamma t in [0, 5] (equations.md: ~7e-4)."""
    m, b = fig4_model(panel), fig4_baths(panel)
    C = fig4_exact(panel)
    Ce = nad.correlation_matrix(m, b, FIG4_TIMES, method="epa")
    dev = float(np.abs(C - Ce).max())
    report(f"max |C_exact - C_EPA| Fig. 4({panel})", dev)
    assert dev < 2e-3
    assert dev > 1e-5          # the EPA is an approximation: a zero here would mean the same route


def test_lambda_plus_white_noise_limit():
    """Below Eq. (54): in the white-noise limit (Omega -> inf, F constant: here T = 1e6 so f = 1/2,
    Omega = 1e4) Lambda^+(t) -> Gamma F = Gamma/2 once t >> 1/Omega (bath correlation time)."""
    m = nad.Model(h=1.0, delta=0.3, g=0.5, Gamma=0.1, Omega=1e4)
    b = nad.Baths(1e6, 1e6, 0.0, 0.0)
    Lp = lambda_plus(m, b, np.array([0.1, 1.0]))
    np.testing.assert_allclose(Lp, np.broadcast_to(0.5 * m.Gamma * np.eye(2), Lp.shape),
                               atol=1e-4 * m.Gamma)


# --------------------------------------------------------------------------- Eq. (55), (82)

@functools.lru_cache(maxsize=None)
def _rates_mpmath_cached(params, baths, convention):
    """Eq. (55) at 20 digits: Lambda^+_jk = i int J_N F_jk [1/(E_j - w + i G_j/2) - 1/(E_k - w - i G_k/2)]."""
    params, baths = dict(params), dict(baths)
    with mp.workdps(20):
        h, delta, g, Gamma, Omega = (mp.mpf(params[k]) for k in ("h", "delta", "g", "Gamma", "Omega"))
        D = mp.sqrt(g ** 2 + delta ** 2)
        E = [h + D / 2, h - D / 2]
        r = Gamma / Omega
        if convention == "golden":
            Ej = E
            Gj = [Gamma * mp.sqrt(1 - (e / Omega) ** 2) for e in E]
        else:
            Ej = [(1 - r / 2) / (1 - r) * e for e in E]
            Gj = [mp.sqrt(1 - r - (e / Omega) ** 2) / (1 - r) * Gamma for e in E]
        a, c = mp.sqrt(D + delta), mp.sqrt(D - delta)
        R = [[a / mp.sqrt(2 * D), -c / mp.sqrt(2 * D)], [c / mp.sqrt(2 * D), a / mp.sqrt(2 * D)]]
        mus = [mp.mpf(baths["mu_L"]), mp.mpf(baths["mu_R"])]
        Ts = [mp.mpf(baths["T_L"]), mp.mpf(baths["T_R"])]

        def f(w, a_):
            return 1 / (mp.exp((w - mus[a_]) / Ts[a_]) + 1)

        pts = sorted(set([-Omega, Omega] + [e + s * G for e, G in zip(Ej, Gj) for s in (-8, -1, 0, 1, 8)]
                         + [m_ + s * T for m_, T in zip(mus, Ts) for s in (-8, 0, 8)]))
        pts = [p for p in pts if -Omega <= p <= Omega]
        out = np.zeros((2, 2), complex)
        for j, k in ((0, 0), (0, 1), (1, 1)):
            def integrand(w):
                J = Gamma / (2 * mp.pi) * mp.sqrt(1 - (w / Omega) ** 2)
                F = sum(R[j][a_] * R[k][a_] * f(w, a_) for a_ in range(2))
                return 1j * J * F * (1 / (Ej[j] - w + 1j * Gj[j] / 2) - 1 / (Ej[k] - w - 1j * Gj[k] / 2))
            out[j, k] = complex(mp.quad(integrand, pts))          # tanh-sinh
        out[1, 0] = out[0, 1].conjugate()          # Lambda^+ is Hermitian by construction of (55)
    return out


def _rates_mpmath(params, baths, convention):
    return _rates_mpmath_cached(tuple(sorted(params.items())), tuple(sorted(baths.items())), convention)


@pytest.mark.parametrize("baths,convention", [
    (dict(T_L=0.01, T_R=0.01, mu_L=1.0, mu_R=0.0), "golden"),
    (dict(T_L=0.05, T_R=0.2, mu_L=1.1, mu_R=0.8), "golden"),
    (dict(T_L=0.1, T_R=0.1, mu_L=1.0, mu_R=0.0), "shifted"),
])
def test_asymptotic_rates_against_mpmath_eq55(fig5_model, baths, convention):
    """Eq. (55) against mpmath quadrature (20 digits) at Fig. 5's parameters: relative 1e-9."""
    m = fig5_model
    Lp = nad.asymptotic_rates(m, nad.Baths(**baths), convention=convention)
    ref = _rates_mpmath(FIG5_MODEL, baths, convention)
    np.testing.assert_allclose(Lp, ref, rtol=1e-9, atol=1e-9 * np.abs(ref).max())


def test_nu_infinity_spot_values_fig5_eq82(fig5_model, report):
    """Eq. (82) at Fig. 5's parameters: nu_inf ~ 0.10 Gamma for T = 0.01, mu_L = 1, mu_R = 0
    (equations.md); exactly 0 in equilibrium and for T = 0.3 (mu_L = 1, mu_R = 0); and equal to the
    negative eigenvalue weight of the mpmath rates (55)."""
    m = fig5_model
    bd = dict(T_L=0.01, T_R=0.01, mu_L=1.0, mu_R=0.0)
    nu = float(nad.nu_infinity(m, nad.Baths(**bd)))
    report("nu_inf / Gamma at Fig. 5, T=0.01, mu_L=1, mu_R=0", nu / m.Gamma)
    np.testing.assert_allclose(nu / m.Gamma, 0.10, atol=0.01)
    Lp = _rates_mpmath(FIG5_MODEL, bd, "golden")
    Lm = np.diag(m.Gamma_golden) - Lp
    ev = np.concatenate([np.linalg.eigvalsh(Lp), np.linalg.eigvalsh(Lm)])
    np.testing.assert_allclose(nu, np.sum(np.maximum(0, -ev)), rtol=1e-8)
    assert nad.nu_infinity(m, nad.Baths(0.01, 0.01, 1.0, 1.0)) == 0.0
    assert nad.nu_infinity(m, nad.Baths(0.3, 0.3, 1.0, 0.0)) == 0.0

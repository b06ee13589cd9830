"""Tests of nadlib.anm: the non-Markovianity measure nu(t) of Eq. (82) and its asymptote nu_inf (Fig. 5).

Independent routes used here:

* numpy.linalg.eigvalsh of the rate matrices (instead of anm's closed-form 2 x 2 eigenvalues), and the
  canonical rates of fock.canonical_form (52);
* mpmath (30 digits, tanh-sinh quadrature) for the integral (55) behind nu_inf;
* a closed form of (55) in the wide-band limit at T = 0 (logarithms, derived below), against which the
  finite-Omega values must converge like 1/Omega;
* exact statements: nu_inf = 0 in equilibrium, point-by-point evaluation against the vectorised maps.

Fig. 5 parameters: h = 1, delta = 0, g = 0.5, Gamma = 0.01, Omega = 10, so E_2 = 0.75, E_1 = 1.25.
"""
import mpmath as mp
import numpy as np
import pytest

import nadlib as nad
from nadlib import anm, fock

from conftest import FIG5_MODEL

E2, E1 = 0.75, 1.25


@pytest.fixture(scope="module")
def m5():
    return nad.Model(**FIG5_MODEL)


def nu_of(m, T_L, T_R, mu_L, mu_R):
    return float(nad.nu_infinity(m, nad.Baths(T_L=T_L, T_R=T_R, mu_L=mu_L, mu_R=mu_R)))


def negative_weight_eigvalsh(Lp, Lm):
    lam = np.concatenate([np.linalg.eigvalsh(Lp), np.linalg.eigvalsh(Lm)], axis=-1)
    return np.sum(np.maximum(0.0, -lam), axis=-1)


# --------------------------------------------------------------------------- Eq. (82) mechanics

def test_hermitian_eigvals_2x2_matches_eigvalsh():
    """anm.hermitian_eigvals_2x2 (closed form) equals numpy.linalg.eigvalsh on 10^4 random Hermitian
    matrices spanning 12 decades of scale, plus diagonal, degenerate and nearly degenerate ones, to
    1e-14 times the matrix norm; ascending order."""
    rng = np.random.default_rng(82)
    n = 10_000
    X = rng.normal(size=(n, 2, 2)) + 1j * rng.normal(size=(n, 2, 2))
    A = 0.5 * (X + np.conj(np.swapaxes(X, -1, -2)))
    A *= 10.0 ** rng.uniform(-6, 6, n)[:, None, None]
    A[:100, 0, 1] = A[:100, 1, 0] = 0                                       # diagonal
    A[100:200] = np.eye(2) * rng.normal(size=(100, 1, 1))                  # degenerate
    A[200:300, 1, 1] = A[200:300, 0, 0] + 1e-9 * rng.normal(size=100)       # nearly degenerate
    A[200:300, 0, 1] *= 1e-9
    A[200:300, 1, 0] = np.conj(A[200:300, 0, 1])
    ev = anm.hermitian_eigvals_2x2(A)
    ref = np.linalg.eigvalsh(A)
    scale = np.linalg.norm(A, ord=2, axis=(-2, -1))
    assert np.all(np.abs(ev - ref) <= 1e-14 * scale[:, None] + 1e-300)
    assert np.all(ev[:, 0] <= ev[:, 1])


def test_nu_t_82_equals_eigvalsh_weight_of_tcl_rates(m5, report):
    """Eq. (82): anm.nu(t) equals sum max(0, -lambda) with lambda from numpy eigvalsh of Lambda^+-(t) of
    tcl_generator (47), and from fock.canonical_form (52), to 1e-16 (Fig. 5, T = 0.01, mu = (1, 0); times
    with nu = 0 and nu > 0).  On the plateau (Gamma t = 3 ... 7) nu(t) lies within Gamma * Gamma/Omega of
    nu_inf (which uses the EPA rates (55))."""
    b = nad.Baths(T_L=0.01, T_R=0.01, mu_L=1.0, mu_R=0.0)
    t = np.array([1.0, 10.0, 50.0, 300.0, 500.0, 700.0])
    nu_t = anm.nu(m5, b, t)
    gen = nad.tcl_generator(m5, b, t, warn=False)
    ref = negative_weight_eigvalsh(gen.Lambda_plus, gen.Lambda_minus)
    np.testing.assert_allclose(nu_t, ref, rtol=0, atol=1e-16)
    cf = fock.canonical_form(gen.Lambda_plus, gen.Lambda_minus)
    lam = np.concatenate([cf.rates_plus, cf.rates_minus], axis=-1)
    np.testing.assert_allclose(nu_t, np.maximum(0, -lam).sum(-1), rtol=0, atol=1e-16)
    assert nu_t[0] == 0 and np.all(nu_t[1:] > 0.05 * m5.Gamma)
    nu_inf = nu_of(m5, 0.01, 0.01, 1.0, 0.0)
    report("nu(t)/Gamma at Gamma t = 3, 5, 7; nu_inf/Gamma",
           ", ".join(f"{x:.5f}" for x in nu_t[3:] / m5.Gamma) + f"; {nu_inf / m5.Gamma:.5f}")
    assert np.all(np.abs(nu_t[3:] - nu_inf) < m5.Gamma * m5.Gamma / m5.Omega)


# --------------------------------------------------------------------------- Fig. 5 physics

@pytest.mark.parametrize("mu_L, mu_R", [(1.0, 0.0), (0.0, 1.0), (1.0, 2.0), (0.9, -1.0), (1.1, 1.5),
                                        (0.76, 0.0), (1.24, 2.0)])
def test_anm_when_one_mu_between_levels(m5, mu_L, mu_R):
    """Finding 7 / Fig. 5: at T = 0.01, nu_inf > 0.05 Gamma when exactly one chemical potential lies
    between E_2 = 0.75 and E_1 = 1.25 (and no more than the 0.4 Gamma quoted)."""
    inside = [E2 < mu < E1 for mu in (mu_L, mu_R)]
    assert sum(inside) == 1
    nu = nu_of(m5, 0.01, 0.01, mu_L, mu_R)
    assert 0.05 * m5.Gamma < nu < 0.4 * m5.Gamma


def test_anm_values_fig5(m5, report):
    """Fig. 5 at T = 0.01: nu_inf(1, 0) = 0.1022 Gamma (~0.10 Gamma, the value the reproduction quotes),
    the mirror point (0, 1) gives the same (delta = 0 symmetry L <-> R, to 1e-15), and points with both mu
    outside [E_2, E_1] give less than half of it."""
    v = nu_of(m5, 0.01, 0.01, 1.0, 0.0)
    report("nu_inf/Gamma at (mu_L, mu_R) = (1, 0), T = 0.01", v / m5.Gamma)
    np.testing.assert_allclose(v / m5.Gamma, 0.1022, atol=5e-4)
    np.testing.assert_allclose(nu_of(m5, 0.01, 0.01, 0.0, 1.0), v, rtol=0, atol=1e-15)
    for mu_L, mu_R in [(2.0, 0.0), (0.0, -0.5), (2.0, 1.6), (0.5, 0.0)]:
        assert nu_of(m5, 0.01, 0.01, mu_L, mu_R) < 0.5 * v


def test_anm_fades_as_temperature_approaches_Delta(m5, report):
    """Finding 7: the maximum of nu_inf over the mu_L x mu_R map ([-1, 3]^2, 51 x 51) decreases with T:
    T = 0.01, 0.05, 0.1, 0.5 (Delta = 0.5) give ~0.35, ~0.13, ~0.08 Gamma and 0."""
    mu = np.linspace(-1.0, 3.0, 51)
    maxima = np.array([anm.nu_map_mu(m5, mu, mu, T).max() for T in (0.01, 0.05, 0.1, 0.5)]) / m5.Gamma
    report("max nu_inf/Gamma over the mu map at T = .01, .05, .1, .5", ", ".join(f"{x:.3f}" for x in maxima))
    assert np.all(np.diff(maxima[:3]) < 0) and maxima[3] <= maxima[2]
    assert 0.1 < maxima[0] < 0.4
    np.testing.assert_allclose(maxima[1:3], [0.13, 0.08], atol=0.01)
    assert maxima[3] < 0.01


def test_anm_under_purely_thermal_driving(m5, report):
    """Fig. 5(c) setting: mu_L = mu_R = 0.75 = E_2, T_L != T_R gives nu_inf > 0 (e.g. T = (0.01, 0.2):
    0.054 Gamma); with mu_L = mu_R = h the map vanishes identically (finding 7), on a 7 x 7 T grid."""
    v1 = nu_of(m5, 0.01, 0.2, E2, E2)
    v2 = nu_of(m5, 0.5, 0.01, E2, E2)
    report("nu_inf/Gamma at mu = 0.75, T = (0.01, 0.2) and (0.5, 0.01)", f"{v1 / m5.Gamma:.4f}, {v2 / m5.Gamma:.4f}")
    assert v1 > 0.03 * m5.Gamma and v2 > 0.01 * m5.Gamma
    T = np.array([0.0, 0.005, 0.01, 0.05, 0.1, 0.3, 1.0])
    assert anm.nu_map_T(m5, T, T, E2).max() > 0.05 * m5.Gamma
    assert np.all(anm.nu_map_T(m5, T, T, m5.h) == 0.0)


def _rates_wide_band_T0(m, mu_L, mu_R):
    """Eq. (55) for Omega -> inf (J = Gamma/2pi, Gamma_j = Gamma) and T = 0, in closed form:
    int_{-inf}^{mu} dw [1/(E_j - w + i Gamma/2) - 1/(E_k - w - i Gamma/2)]
        = ln(E_k - mu - i Gamma/2) - ln(E_j - mu + i Gamma/2),
    principal logarithms taken separately (each argument stays in one half plane along the path)."""
    G, E, R = m.Gamma, m.E, m.R
    L = np.zeros((2, 2), complex)
    for a, mu in enumerate((mu_L, mu_R)):
        for j in range(2):
            for k in range(2):
                L[j, k] += R[j, a] * R[k, a] * 1j * G / (2 * np.pi) * (
                    np.log(E[k] - mu - 0.5j * G) - np.log(E[j] - mu + 0.5j * G))
    return L, G * np.eye(2) - L


def test_anm_survives_wide_band_limit(report):
    """ANM is not a band-edge effect: at T = 0.01, mu = (1, 0), nu_inf for Omega = 1e2, 1e3, 1e4 converges
    (successive differences shrink by > 5x) to a positive limit (> 0.1 Gamma).  At T = 0 the limit is
    the closed form of (55) above (Omega = inf): nadlib's Lambda^+ approaches it with an error that falls
    by > 5x per decade of Omega (< 1e-6 Gamma at Omega = 1e4), and nu_inf to 1e-6 Gamma."""
    nus, nus0, errs = [], [], []
    for Omega in (1e2, 1e3, 1e4):
        m = nad.Model(**dict(FIG5_MODEL, Omega=Omega))
        nus.append(nu_of(m, 0.01, 0.01, 1.0, 0.0))
        b0 = nad.Baths(T_L=0.0, T_R=0.0, mu_L=1.0, mu_R=0.0)
        nus0.append(float(nad.nu_infinity(m, b0)))
        Lp_inf, Lm_inf = _rates_wide_band_T0(m, 1.0, 0.0)
        errs.append(np.abs(nad.asymptotic_rates(m, b0) - Lp_inf).max() / m.Gamma)
    nus, errs = np.array(nus), np.array(errs)
    nu_closed = negative_weight_eigvalsh(Lp_inf, Lm_inf)
    report("nu_inf/Gamma at Omega = 1e2, 1e3, 1e4 (T = 0.01)", ", ".join(f"{x:.7f}" for x in nus / 0.01))
    report("nu_inf/Gamma wide-band closed form (T = 0)", nu_closed / 0.01)
    d = np.abs(np.diff(nus))
    assert d[1] < d[0] / 5
    assert nus[-1] > 0.1 * 0.01
    assert np.all(errs[1:] < errs[:-1] / 5) and errs[-1] < 1e-6
    assert abs(nus0[-1] - nu_closed) < 1e-6 * 0.01
    assert nu_closed > 0.1 * 0.01


def test_nu_inf_vanishes_in_equilibrium(m5):
    """nu_inf = 0 whenever the baths are equal (T_L = T_R, mu_L = mu_R): then F = f 1 and
    0 <= Lambda^+ <= diag(Gamma_j).  Checked on a 21 x 5 grid of (mu, T), T = 0 included, to 1e-15 Gamma."""
    mu = np.linspace(-1.0, 3.0, 21)
    T = np.array([0.0, 0.01, 0.1, 1.0, 10.0])
    MU, TT = np.meshgrid(mu, T, indexing="ij")
    nu = nad.nu_infinity(m5, nad.Baths(T_L=TT, T_R=TT, mu_L=MU, mu_R=MU))
    assert nu.shape == MU.shape
    assert np.all(nu <= 1e-15 * m5.Gamma)


def test_nu_map_mu_equals_pointwise(m5):
    """The vectorised map (anm.nu_map_mu, 51 x 51) equals nu_infinity with scalar Baths at 20 random grid
    points to rel 1e-12 (abs 1e-12 Gamma where nu = 0)."""
    mu = np.linspace(-1.0, 3.0, 51)
    M = anm.nu_map_mu(m5, mu, mu, 0.05)
    rng = np.random.default_rng(5)
    idx = rng.integers(0, 51, size=(20, 2))
    idx[0] = np.unravel_index(np.argmax(M), M.shape)
    for i, k in idx:
        v = nu_of(m5, 0.05, 0.05, mu[i], mu[k])
        assert abs(M[i, k] - v) <= 1e-12 * max(abs(v), m5.Gamma)
    assert M.max() > 0.1 * m5.Gamma


def _rates_mpmath(m, T, mu):
    """Eq. (55) with mpmath (dps = 30): Lambda^+_jk = i int J_N F_jk [1/(E_j - w + i G_j/2) - 1/(E_k - w - i G_k/2)],
    G_j = Gamma sqrt(1 - E_j^2/Omega^2), F = R diag(f_L, f_R) R^T; tanh-sinh on panels split at the band
    edges, the Fermi steps and the Lorentzian peaks."""
    with mp.workdps(30):
        return _rates_mpmath_body(m, T, mu)


def _rates_mpmath_body(m, T, mu):
    Om, Gam = mp.mpf(m.Omega), mp.mpf(m.Gamma)
    g, dl = mp.mpf(m.g), mp.mpf(m.delta)
    Dl = mp.sqrt(g ** 2 + dl ** 2)
    E = [mp.mpf(m.h) + Dl / 2, mp.mpf(m.h) - Dl / 2]
    Gj = [Gam * mp.sqrt(1 - (e / Om) ** 2) for e in E]
    R = mp.matrix([[mp.sqrt(Dl + dl), -mp.sqrt(Dl - dl)], [mp.sqrt(Dl - dl), mp.sqrt(Dl + dl)]]) / mp.sqrt(2 * Dl)

    def J(w):
        return Gam / (2 * mp.pi) * mp.sqrt(1 - (w / Om) ** 2)

    out = [[mp.mpc(0), mp.mpc(0)], [mp.mpc(0), mp.mpc(0)]]
    for a in range(2):
        Ta, ma = mp.mpf(T[a]), mp.mpf(mu[a])

        def f(w, Ta=Ta, ma=ma):
            return 1 / (mp.exp((w - ma) / Ta) + 1)

        pts = {-Om, Om}
        pts |= {ma + k * Ta for k in (-40, -10, -3, 0, 3, 10, 40)}
        pts |= {e + s * gg for e, gg in zip(E, Gj) for s in (-100, -10, -1, 0, 1, 10, 100)}
        pts = sorted(p for p in pts if -Om <= p <= Om)
        for j in range(2):
            for k in range(j, 2):
                def kern(w, j=j, k=k):
                    return 1j * J(w) * f(w) * (1 / (E[j] - w + 1j * Gj[j] / 2) - 1 / (E[k] - w - 1j * Gj[k] / 2))
                out[j][k] += R[j, a] * R[k, a] * mp.quad(kern, pts)
    out[1][0] = mp.conj(out[0][1])
    return np.array([[complex(out[i][k]) for k in range(2)] for i in range(2)])


@pytest.mark.parametrize("T, mu", [((0.01, 0.01), (1.0, 0.0)), ((0.05, 0.05), (1.1, 0.6)),
                                   ((0.01, 0.2), (0.75, 0.75))])
def test_asymptotic_rates_55_vs_mpmath(m5, T, mu, report):
    """Eq. (55) (nadlib.asymptotic_rates, golden convention) against a 30-digit mpmath evaluation of the
    same integral, rel 1e-9 (relative to the largest element); nu_inf from both agrees to 1e-9 Gamma."""
    ref = _rates_mpmath(m5, T, mu)
    b = nad.Baths(T_L=T[0], T_R=T[1], mu_L=mu[0], mu_R=mu[1])
    got = nad.asymptotic_rates(m5, b)
    err = np.abs(got - ref).max() / np.abs(ref).max()
    report(f"Eq. (55) vs mpmath at T={T}, mu={mu}, rel", err)
    assert err < 1e-9
    ref_m = np.diag(m5.Gamma_golden) - ref
    assert abs(nad.nu_infinity(m5, b) - negative_weight_eigvalsh(ref, ref_m)) < 1e-9 * m5.Gamma

"""Tests of nadlib.counting (Levitov-Lesovik statistics) and FiniteChain's counting statistics.

Independent routes used here:

* the Landauer currents (43)-(44) of nadlib.transport, on their own per-bath quadrature;
* scipy.integrate.quad of the logarithm of the generating function itself, at complex counting
  fields on a circle around 0, turned into cumulants by the Cauchy integral (a discrete Fourier
  transform): no moment-to-cumulant recursion and no nadlib quadrature;
* the equilibrium (Johnson-Nyquist) and zero-temperature (shot-noise) limits, written with
  -df/dw = 1/(4 T cosh^2) and with the Bernoulli cumulants of T(w) over the bias window;
* the fluctuation theorem kappa(lambda) = kappa(-lambda + i A) and its consequence kappa(i A) = 0
  summed from the cumulants;
* for the chain: a many-body (Jordan-Wigner, 2^8 states) simulation of the two-time measurement,
  and the linear growth of the exact finite-time cumulants with the Levitov-Lesovik slopes.
"""
import math
import warnings

import numpy as np
import pytest
from scipy import integrate

import nadlib as nad
from nadlib import counting
from nadlib.chain import FiniteChain
from nadlib.quadrature import bath_pair_average

from _checks import cauchy_cumulants, kappa_quad, many_body_counting
from conftest import FIG5_MODEL, phi_closed

# A generic model (levels inside the band, Gamma/Delta ~ 0.3) and reservoirs out of equilibrium in
# both temperature and chemical potential.
M_GEN = nad.Model(h=1.0, delta=0.3, g=0.5, Gamma=0.2, Omega=10.0)
B_GEN = nad.Baths(T_L=0.05, T_R=0.2, mu_L=1.1, mu_R=0.4)


def T_prob(m, w):
    """Transmission probability 2 pi calT = pi^2 g^2 phi_1 phi_2 from the conftest phi (Eq. (35))."""
    ph = phi_closed(m, w)
    return np.pi ** 2 * m.g ** 2 * ph[0] * ph[1]


# --------------------------------------------------------------------------- first cumulant = Landauer

@pytest.mark.parametrize("T", [0.0, 0.01, 0.1])
def test_k1_equals_landauer_currents_eq43_eq44_on_fig5_grid(T, report):
    """k_1 = J^P_L of Eq. (43) and k^E_1 = J^E_L of Eq. (44) to 1e-12 relative (of the largest
    current on the grid) over a 21 x 21 mu_L x mu_R grid at Fig. 5's model: the two-bath rule
    (per point) against the per-bath rule of transport.currents."""
    m = nad.Model(**FIG5_MODEL)
    mu = np.linspace(-0.5, 2.5, 21)
    b = nad.Baths(T, T, mu[:, None], mu[None, :])
    J = nad.currents(m, b)
    k = nad.cumulants(m, b, order=1)[..., 0]
    kE = nad.energy_cumulants(m, b, order=1)[..., 0]
    err = np.abs(k - J.particle).max() / np.abs(J.particle).max()
    errE = np.abs(kE - J.energy).max() / np.abs(J.energy).max()
    report(f"max |k_1 - J^P_L| / max|J^P| (T={T})", float(err))
    assert err < 1e-12 and errE < 1e-12


def test_k1_equals_currents_pointwise_generic_baths():
    """k_1 = J^P_L to rtol 1e-12 at each point of a grid mixing temperatures (0 to 0.5) and biases."""
    m = M_GEN
    b = nad.Baths(np.array([0.0, 0.05, 0.5])[:, None], np.array([0.0, 0.2, 0.02])[None, :], 1.1, 0.4)
    np.testing.assert_allclose(nad.cumulants(m, b, 2)[..., 0], nad.currents(m, b).particle, rtol=1e-12)
    np.testing.assert_allclose(nad.energy_cumulants(m, b, 2)[..., 0], nad.currents(m, b).energy,
                               rtol=1e-12)


# --------------------------------------------------------------------------- closed form vs Cauchy

@pytest.mark.parametrize("b", [B_GEN, nad.Baths(0.0, 0.0, 1.3, 0.6), nad.Baths(0.3, 0.3, 0.9, 0.9)],
                         ids=["generic", "T=0", "equilibrium"])
def test_cumulants_closed_form_vs_cauchy_integral_of_kappa(b):
    """k_1..k_4 from the moment-to-cumulant recursion equal (-i d/dlambda)^n kappa(0) obtained
    from scipy-quad values of kappa on the circle |lambda| = 0.2 (24 points): rtol 1e-8 of max |k|."""
    k = nad.cumulants(M_GEN, b, order=4)
    ref = cauchy_cumulants(lambda lam: kappa_quad(M_GEN, b, lam), 4, r=0.2)
    np.testing.assert_allclose(k, ref, atol=1e-8 * np.abs(ref).max())
    # and the function kappa itself at a few real and complex fields
    lam = np.array([0.4, -1.1, 0.3 + 0.2j])
    np.testing.assert_allclose(nad.counting.cgf(M_GEN, b, lam),
                               [kappa_quad(M_GEN, b, x) for x in lam], rtol=1e-10, atol=1e-15)


def test_energy_cumulants_vs_cauchy_integral_of_joint_kappa():
    """k^E_1..k^E_3: the w^n-weighted closed form against the Cauchy integral in lambda_E of the
    quad-evaluated joint kappa(0, lambda_E) (radius 0.02, so |lambda_E w| <= 0.2): rtol 1e-6."""
    kE = nad.energy_cumulants(M_GEN, B_GEN, order=3)
    ref = cauchy_cumulants(lambda x: kappa_quad(M_GEN, B_GEN, 0.0, x), 3, r=0.02)
    np.testing.assert_allclose(kE, ref, rtol=1e-6)


# --------------------------------------------------------------------------- known limits

@pytest.mark.parametrize("mu,T", [(0.75, 0.01), (1.0, 0.05), (0.2, 0.3)])
def test_johnson_nyquist_k2_equals_2TG_at_equilibrium(mu, T):
    """Equilibrium: k_1 = 0 exactly, and k_2 = 2 T G with G = int dw/2pi T(w) (-df/dw),
    -df/dw = 1/(4 T cosh^2((w - mu)/2T)) by scipy quad: rtol 1e-10.  Odd cumulants vanish."""
    m = M_GEN
    k = nad.cumulants(m, nad.Baths(T, T, mu, mu), order=4)
    dfdw = lambda w: 1 / (4 * T * math.cosh((w - mu) / (2 * T)) ** 2)
    pts = np.unique(np.clip([mu - 40 * T, mu - 5 * T, mu, mu + 5 * T, mu + 40 * T, *m.E], -10, 10))
    G = sum(integrate.quad(lambda w: T_prob(m, w) * dfdw(w) / (2 * np.pi), a, c, epsabs=1e-15,
                           epsrel=1e-12, limit=200)[0] for a, c in zip(pts[:-1], pts[1:]))
    assert k[0] == 0.0 and abs(k[2]) < 1e-17
    np.testing.assert_allclose(k[1], 2 * T * G, rtol=1e-10)
    np.testing.assert_allclose(nad.noise(m, nad.Baths(T, T, mu, mu)), k[1], rtol=1e-14)


@pytest.mark.parametrize("muL,muR", [(1.3, 0.6), (0.2, 1.2)])
def test_zero_temperature_shot_noise_bernoulli(muL, muR):
    """T = 0: each energy in the bias window transmits with probability T(w) (a Bernoulli law);
    k_2 = int T(1 - T), k_3 = +-int T(1 - T)(1 - 2T) dw/2pi over the window (quad): rtol 1e-10.
    The sign of k_3 follows the direction of the bias."""
    m = M_GEN
    k = nad.cumulants(m, nad.Baths(0.0, 0.0, muL, muR), order=3)
    lo, hi = sorted((muL, muR))
    pts = np.unique([lo, hi, *[e for e in m.E if lo < e < hi]])
    q = lambda f: sum(integrate.quad(f, a, c, epsabs=1e-15, epsrel=1e-12, limit=200)[0]
                      for a, c in zip(pts[:-1], pts[1:])) / (2 * np.pi)
    s = np.sign(muL - muR)
    k1 = s * q(lambda w: T_prob(m, w))
    k2 = q(lambda w: T_prob(m, w) * (1 - T_prob(m, w)))
    k3 = s * q(lambda w: T_prob(m, w) * (1 - T_prob(m, w)) * (1 - 2 * T_prob(m, w)))
    np.testing.assert_allclose(k, [k1, k2, k3], rtol=1e-10)
    assert 0 < nad.fano_factor(m, nad.Baths(0.0, 0.0, muL, muR)) < 1       # sub-Poissonian


def test_poisson_limit_of_weak_transmission():
    """g -> 0: T(w) << 1, the transfers are rare and independent: k_2/k_1 -> 1 and k_3/k_1 -> 1
    at T = 0, with deviations of the order of the largest T(w) in the window."""
    m = nad.Model(h=1.0, delta=0.5, g=0.01, Gamma=0.2, Omega=10.0)
    b = nad.Baths(0.0, 0.0, 1.2, 0.2)
    k = nad.cumulants(m, b, order=3)
    Tmax = (2 * np.pi * nad.transmission(m, np.linspace(0.2, 1.2, 2001))).max()
    assert Tmax < 2e-3
    np.testing.assert_allclose(k[1:] / k[0], 1.0, atol=4 * Tmax)


@pytest.mark.parametrize("lam", [0.3, -1.2, 0.5 + 0.1j])
def test_fluctuation_theorem_equal_temperatures(lam):
    """Equal temperatures: kappa(lambda) = kappa(-lambda + i A), A = (mu_L - mu_R)/T; rtol 1e-12."""
    m, T = M_GEN, 0.1
    b = nad.Baths(T, T, 1.0, 0.8)
    A = (1.0 - 0.8) / T
    np.testing.assert_allclose(counting.cgf(m, b, -lam + 1j * A), counting.cgf(m, b, lam), rtol=1e-12)


def test_fluctuation_theorem_joint_particle_energy_unequal_temperatures():
    """T_L != T_R: kappa(l, l_E) = kappa(-l + i A_N, -l_E + i A_E) with A_N = mu_L/T_L - mu_R/T_R,
    A_E = 1/T_R - 1/T_L (Gallavotti-Cohen for the joint particle and energy transfer); rtol 1e-12."""
    m = M_GEN
    b = nad.Baths(0.4, 0.25, 1.0, 0.9)
    AN, AE = 1.0 / 0.4 - 0.9 / 0.25, 1 / 0.25 - 1 / 0.4
    l, lE = np.array([0.2, -0.5]), np.array([0.05, 0.02])
    np.testing.assert_allclose(counting.cgf(m, b, -l + 1j * AN, -lE + 1j * AE), counting.cgf(m, b, l, lE),
                               rtol=1e-12)


def test_fluctuation_theorem_resums_the_cumulants():
    """kappa(i A) = 0 (normalisation of the reversed process): sum_{n<=16} k_n (-A)^n / n! = 0,
    summed from the closed-form cumulants, to 1e-10 of k_1 A; the cumulants are not symmetric
    themselves (k_3 != 0)."""
    m, T = M_GEN, 0.05
    b = nad.Baths(T, T, 1.0, 0.98)
    A = 0.02 / T
    k = nad.cumulants(m, b, order=16)
    s = sum(k[n - 1] * (-A) ** n / math.factorial(n) for n in range(1, 17))
    assert abs(s) < 1e-10 * k[0] * A and abs(k[2]) > 1e-3 * k[0]


# --------------------------------------------------------------------------- bosons

def test_bosonic_counting_statistics():
    """Bosons (mu < -Omega): k_1 = int calT (n_L - n_R) (quad) to rtol 1e-10; at equilibrium
    k_2 = 2 T int dw/2pi T(w) (-dn/dw) (bunching: -dn/dw = n(1 + n)/T); the cumulants from the
    sign-flipped recursion equal the Cauchy integral of the quad-evaluated -ln(1 - ...)."""
    m = M_GEN
    b = nad.Baths(0.5, 1.5, -10.5, -11.0, statistics="bose")
    n = lambda w, mu, T: 1 / math.expm1((w - mu) / T)
    k = nad.cumulants(m, b, order=3)
    J = integrate.quad(lambda w: T_prob(m, w) / (2 * np.pi) * (n(w, -10.5, 0.5) - n(w, -11.0, 1.5)),
                       -10, 10, points=list(m.E), epsabs=1e-15, epsrel=1e-12, limit=400)[0]
    np.testing.assert_allclose(k[0], J, rtol=1e-10)
    ref = cauchy_cumulants(lambda lam: kappa_quad(m, b, lam), 3, r=0.1)
    np.testing.assert_allclose(k, ref, rtol=1e-7)
    be = nad.Baths(0.8, 0.8, -10.3, -10.3, statistics="bose")
    G = integrate.quad(lambda w: T_prob(m, w) / (2 * np.pi) * n(w, -10.3, 0.8) * (1 + n(w, -10.3, 0.8)) / 0.8,
                       -10, 10, points=list(m.E), epsabs=1e-15, epsrel=1e-12, limit=400)[0]
    np.testing.assert_allclose(nad.noise(m, be), 2 * 0.8 * G, rtol=1e-10)
    with pytest.raises(ValueError, match="mu_alpha < -Omega"):
        nad.cumulants(m, nad.Baths(0.5, 0.5, -5.0, -11.0, statistics="bose"))


# --------------------------------------------------------------------------- vectorisation, rules

def test_grid_equals_loop_and_band_rule():
    """A Baths grid gives the same numbers as a loop of scalar calls (1e-12: the grid's shared
    antiderivative table has more breakpoints, so the rounding differs), and the window
    decomposition of bath_pair_average equals the plain per-point band rule (GL-16) to 1e-13."""
    m = nad.Model(**FIG5_MODEL)
    mu = np.array([0.0, 0.74, 1.0, 1.3])
    T = np.array([0.0, 0.01, 0.2])
    b = nad.Baths(T[:, None, None], 0.05, mu[None, :, None], mu[None, None, :])
    grid = nad.cumulants(m, b, order=3)
    loop = np.array([[[nad.cumulants(m, nad.Baths(t, 0.05, x, y), 3) for y in mu] for x in mu] for t in T])
    np.testing.assert_allclose(grid, loop, rtol=1e-12, atol=1e-18)

    def kernel(w, nL, nR):
        return counting.elementary_cumulants(*counting.transfer_probabilities(m, w, nL, nR), 3)
    ref = bath_pair_average(kernel, m, b, windows=False)
    got = bath_pair_average(kernel, m, b)
    np.testing.assert_allclose(np.moveaxis(got, 0, -1), np.moveaxis(ref, 0, -1),
                               atol=1e-13 * np.abs(ref).max())


def test_fano_factor_conventions():
    """F = k_2/|k_1|; +inf (or the given value) where k_1 = 0, including T = 0, mu_L = mu_R."""
    m = M_GEN
    b = nad.Baths(np.array([0.1, 0.1, 0.0]), np.array([0.1, 0.1, 0.0]),
                  np.array([1.0, 0.5, 0.7]), np.array([0.5, 0.5, 0.7]))
    F = nad.fano_factor(m, b)
    k = nad.cumulants(m, b, 2)
    np.testing.assert_allclose(F[0], k[0, 1] / k[0, 0], rtol=1e-15)
    assert F[1] == np.inf and F[2] == np.inf
    assert nad.fano_factor(m, b, at_zero_current=-1.0)[2] == -1.0
    FE = nad.fano_factor(m, b, quantity="energy")
    kE = nad.energy_cumulants(m, b, 2)
    np.testing.assert_allclose(FE[0], kE[0, 1] / abs(kE[0, 0]), rtol=1e-15)


def test_validation():
    m = M_GEN
    for order in (0, 17, 2.5, True, "3", float("nan"), None):
        with pytest.raises(ValueError, match="order"):
            nad.cumulants(m, B_GEN, order=order)
    with pytest.raises(ValueError, match="quantity"):
        nad.fano_factor(m, B_GEN, quantity="charge")
    with pytest.raises(ValueError, match="finite"):
        counting.cgf(m, B_GEN, np.nan)
    with pytest.raises(ValueError, match="overflows"):
        counting.cgf(m, B_GEN, 1000j)
    with pytest.raises(ValueError, match="overflows"):
        counting.cgf(m, B_GEN, 0.0, 100j)
    big = nad.Baths(0.1, 0.1, np.zeros((1000, 1000)), 0.0)
    with pytest.raises(ValueError, match="MAX_WORK"):
        nad.cumulants(m, big, order=4)
    with pytest.raises(ValueError, match="Baths"):
        nad.noise(m, "not baths")


# --------------------------------------------------------------------------- the finite chain

@pytest.mark.parametrize("leads,baths", [("finite", nad.Baths(0.4, 0.2, 1.0, -0.5)),
                                         ("semi-infinite", nad.Baths(0.0, 0.3, 0.5, -0.2))])
def test_chain_counting_vs_many_body_two_time_measurement(leads, baths, report):
    """Klich's determinant reduced to the 2M x 2M matrix, and its trace-log series: chi(0.7) and
    the cumulants 1-4 of Delta N_L and Delta N_R against the many-body two-time measurement
    (M = 3, 2^8 states, coherent initial system state), to 1e-13."""
    m = nad.Model(h=0.3, delta=0.4, g=0.7, Gamma=0.8, Omega=3.0)
    ch = FiniteChain(m, baths, M=3, leads=leads)
    C0 = np.array([[0.6, 0.2 - 0.1j], [0.2 + 0.1j, 0.3]])
    t = np.array([0.0, 0.7, 1.9, 3.3])
    worst = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)             # t beyond 2M/Omega is fine here
        for alpha in (0, 1):
            ref, chi_ref = many_body_counting(ch, t, alpha, C0, lam=0.7)
            got = ch.counting_cumulants(t, order=4, alpha=alpha, C0=C0)
            worst = max(worst, np.abs(got - ref).max())
            # chi(lambda) = det[1 + diag(a 1, b 1) T] at a finite field
            a, bb = np.exp(0.7j) - 1, np.exp(-0.7j) - 1
            Tm = ch.counting_matrix(t, alpha=alpha, C0=C0)
            chi = np.linalg.det(np.eye(2 * ch.M) + np.repeat([a, bb], ch.M)[:, None] * Tm)
            worst = max(worst, np.abs(chi - chi_ref).max())
    report(f"chain counting vs many-body ({leads})", float(worst))
    assert worst < 1e-13
    np.testing.assert_allclose(ch.counting_cumulants(0.0, 3), 0.0, atol=1e-15)


CHAIN_MODEL = dict(h=0.3, delta=0.4, g=0.8, Gamma=1.0, Omega=4.0)
# (name, Baths, tolerances on the relative slope error of k_1, k_2, k_3)
CHAIN_SETS = [
    ("bias T=0.3", dict(T_L=0.3, T_R=0.3, mu_L=1.0, mu_R=-0.5), (1e-7, 1e-6, 1e-5)),
    ("thermal gradient", dict(T_L=0.8, T_R=0.1, mu_L=0.3, mu_R=0.0), (1e-7, 1e-5, 1e-3)),
    ("Johnson-Nyquist", dict(T_L=0.4, T_R=0.4, mu_L=0.2, mu_R=0.2), (None, 1e-6, None)),
]


def _slopes(t, c, log=False):
    cols = [np.ones_like(t), t] + ([np.log(t)] if log else [])
    return np.linalg.lstsq(np.stack(cols, 1), c, rcond=None)[0][1]


@pytest.mark.slow
@pytest.mark.parametrize("name,baths,tol", CHAIN_SETS, ids=[s[0] for s in CHAIN_SETS])
def test_chain_cumulants_grow_with_levitov_lesovik_slopes(name, baths, tol, report):
    """<<Delta N_L^n>>(t) of the finite chain (semi-infinite lead states, M = 226, exact until
    t = M/Omega = 56) grow linearly over t in [20, 40] with the slopes k_1..k_3 of
    `nad.cumulants`; relative errors below the stated tolerances (transients decay like
    exp(-Gamma t/2)).  Counting lead R instead gives (-1)^n k_n (particle conservation)."""
    m, b = nad.Model(**CHAIN_MODEL), nad.Baths(**baths)
    ch = FiniteChain(m, b, t_max=40.0, leads="semi-infinite")
    t = np.linspace(20.0, 40.0, 6)
    k = nad.cumulants(m, b, order=3)
    slope = _slopes(t, ch.counting_cumulants(t, order=3, strict=True))
    for n in range(3):
        if tol[n] is None:                                          # equilibrium odd cumulants vanish
            assert abs(k[n]) < 1e-17 and abs(slope[n]) < 1e-8
            continue
        rel = abs(slope[n] - k[n]) / abs(k[n])
        report(f"chain slope k_{n + 1} rel. error ({name}, M={ch.M})", float(rel))
        assert rel < tol[n]
    slope_R = _slopes(t, ch.counting_cumulants(t, order=2, alpha=1, strict=True))
    np.testing.assert_allclose(slope_R, [-k[0], k[1]], rtol=1e-5, atol=1e-8)


@pytest.mark.slow
def test_chain_shot_noise_at_zero_temperature(report):
    """T = 0 (shot noise): the exact cumulants carry slowly decaying Fermi-edge corrections
    (~ln t) in k_2 and k_3, whose slopes are fitted with a + k t + c ln t over t in [20, 40]
    (M = 226; k_1 by a straight line): k_1 to 1e-6, k_2 to 3e-3, k_3 to 1e-2 relative; doubling t_max (and M) reduces the k_2 error about
    fivefold (measured in the book)."""
    m, b = nad.Model(**CHAIN_MODEL), nad.Baths(0.0, 0.0, 1.0, -0.5)
    ch = FiniteChain(m, b, t_max=40.0, leads="semi-infinite")
    t = np.linspace(20.0, 40.0, 11)
    k = nad.cumulants(m, b, order=3)
    c = ch.counting_cumulants(t, order=3, strict=True)
    slope = np.concatenate([_slopes(t, c[:, :1]), _slopes(t, c[:, 1:], log=True)])
    rel = np.abs(slope - k) / np.abs(k)
    for n in range(3):
        report(f"chain slope k_{n + 1} rel. error (T=0 shot noise, M={ch.M})", float(rel[n]))
    assert rel[0] < 1e-6 and rel[1] < 3e-3 and rel[2] < 1e-2


def test_chain_counting_validation():
    m = nad.Model(**CHAIN_MODEL)
    ch = FiniteChain(m, nad.Baths(0.3, 0.3, 1.0, -0.5), M=20)
    with pytest.raises(ValueError, match="order"):
        ch.counting_cumulants(1.0, order=0)
    with pytest.raises(ValueError, match="order"):
        ch.counting_cumulants(1.0, order=9)
    with pytest.raises(ValueError, match="alpha"):
        ch.counting_cumulants(1.0, alpha=2)
    with pytest.raises(ValueError, match="recurrence"):
        ch.counting_cumulants(11.0, strict=True)
    ch.COUNTING_MEMORY = 10_000
    with pytest.raises(ValueError, match="COUNTING_MEMORY"):
        ch.counting_cumulants(1.0)
    with pytest.raises(ValueError, match="COUNTING_MEMORY"):
        ch.counting_matrix(np.linspace(0, 1, 3))


def test_fluctuations_explorer_reacts():
    """The fluctuations explorer builds, its sliders do not update continuously, and moving a slider
    changes the readout; its data are those of nad.cumulants (Fano factor k_2/|k_1|)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from nadlib import widgets as W
    box = W.fluctuations_explorer(n=21)
    sliders = W.explorer_sliders(box)
    assert sliders and all(not s.continuous_update for s in sliders)
    before = box.readout.value
    box.sliders["g"].value = 0.9
    assert box.readout.value != before and "invalid" not in box.readout.value
    from nadlib import figures
    d = figures.fluctuations_data(n=5)
    k = nad.cumulants(d["model"], nad.Baths(0.01, 0.01, d["mu"][:, None], d["mu"][None, :]), 2)
    off = ~np.eye(5, dtype=bool)
    np.testing.assert_allclose(d["fano"][off], k[..., 1][off] / np.abs(k[..., 0][off]), rtol=1e-14)
    assert np.all(np.isinf(np.diag(d["fano"])))
    plt.close("all")

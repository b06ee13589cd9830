"""Tests of nadlib.model: Model, Baths, the Newns density and the Fermi function (Sec. III A).

Independent routes: numpy's eigensolver for Eqs. (10) and (16); the finite-M sum (18) for the
continuum density (19); the Dyson form phi = J / [(w - E - Lambda)^2 + (pi J)^2] with a numerically
computed principal-value shift Lambda(w) for Eqs. (35)-(36); the Gamma/Omega -> 0 limit for (36);
mpmath for the Fermi function.
"""
import warnings

import mpmath as mp
import numpy as np
import pytest
from scipy import integrate

import nadlib as nad
from nadlib.model import fermi, spectral_density

RNG_SEEDS = range(8)


@pytest.fixture(autouse=True)
def _mp_precision():
    """mpmath references at 30 digits, restoring the global precision afterwards."""
    with mp.workdps(30):
        yield


def random_model(rng):
    """Random parameters obeying Eq. (34): levels well inside the band."""
    Omega = rng.uniform(5, 50)
    h = rng.uniform(-0.4, 0.4) * Omega
    g = rng.uniform(0.05, 2.0)
    delta = rng.uniform(-2.0, 2.0)
    Gamma = rng.uniform(1e-3, 0.1) * Omega
    return nad.Model(h=h, delta=delta, g=g, Gamma=Gamma, Omega=Omega)


# --------------------------------------------------------------------------- Eqs. (10), (16)

@pytest.mark.parametrize("seed", RNG_SEEDS)
def test_rotation_diagonalises_hS_eq10_eq16(seed):
    """Eq. (16): R h_S R^T = diag(E_1, E_2) with h_S the 2x2 matrix of Eq. (10) built here,
    E_1 = h + Delta/2 the upper level; R real orthogonal with det R = 1."""
    m = random_model(np.random.default_rng(seed))
    hS = np.array([[m.h + m.delta / 2, -m.g / 2], [-m.g / 2, m.h - m.delta / 2]])   # Eq. (10)
    R = m.R
    np.testing.assert_allclose(R @ R.T, np.eye(2), atol=1e-14)
    np.testing.assert_allclose(np.linalg.det(R), 1.0, atol=1e-14)
    np.testing.assert_allclose(R @ hS @ R.T, np.diag(m.E), atol=1e-13 * max(1, abs(m.h)))
    # the eigenvalues from numpy, sorted descending (E_1 is the upper level)
    np.testing.assert_allclose(m.E, np.linalg.eigvalsh(hS)[::-1], rtol=0, atol=1e-13 * max(1, abs(m.h)))
    np.testing.assert_allclose(m.Delta, np.hypot(m.g, m.delta), rtol=1e-15)
    np.testing.assert_allclose(m.h_S, hS, atol=0)


def test_rotation_derived_identities_eq16():
    """Eq. (16) identities: R_11 R_21 = g/(2 Delta) and R_11^2 = (Delta + delta)/(2 Delta)."""
    m = nad.Model(h=1.0, delta=0.3, g=0.5, Gamma=0.1, Omega=10.0)
    R, D = m.R, m.Delta
    np.testing.assert_allclose(R[0, 0] * R[1, 0], m.g / (2 * D), rtol=1e-14)
    np.testing.assert_allclose(R[0, 0] ** 2, (D + m.delta) / (2 * D), rtol=1e-14)
    np.testing.assert_allclose(R[0, 1] ** 2, (D - m.delta) / (2 * D), rtol=1e-14)


# --------------------------------------------------------------------------- Eq. (19)

def test_newns_density_is_continuum_limit_of_finite_chain_eq18_eq19():
    """Eq. (18) -> (19): sum_q |tau_q|^2 g(w_q) over the M modes of the chain, with
    tau_q = sqrt(Gamma Omega / (2M + 2)) sin q and w_q = -Omega cos q, tends to int J_N g (A11)."""
    Gamma, Omega, M = 0.3, 10.0, 4000
    q = np.pi * np.arange(1, M + 1) / (M + 1)
    tau2 = Gamma * Omega / (2 * M + 2) * np.sin(q) ** 2
    wq = -Omega * np.cos(q)
    for gfun in (lambda w: np.ones_like(w), lambda w: np.exp(-((w - 1.0) / 3.0) ** 2),
                 lambda w: w ** 2):
        discrete = np.sum(tau2 * gfun(wq))
        continuum, _ = integrate.quad(lambda w: spectral_density(w, Gamma, Omega) * gfun(w),
                                      -Omega, Omega, epsabs=1e-14, epsrel=1e-13, limit=200)
        np.testing.assert_allclose(discrete, continuum, rtol=1e-9)
    # total weight Gamma Omega / 4, and zero outside the band
    np.testing.assert_allclose(np.sum(tau2), Gamma * Omega / 4, rtol=1e-12)
    assert np.all(spectral_density(np.array([-20.0, -10.0, 10.0, 10.5]), Gamma, Omega) == 0)
    np.testing.assert_allclose(spectral_density(0.0, Gamma, Omega), Gamma / (2 * np.pi), rtol=1e-15)


# --------------------------------------------------------------------------- Eqs. (35), (36)

@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
@pytest.mark.parametrize("params", [
    dict(h=1.0, delta=0.5, g=0.5, Gamma=0.5, Omega=10.0),
    dict(h=5.0, delta=0.1, g=0.5, Gamma=2.0, Omega=10.0),
    dict(h=-3.0, delta=1.0, g=0.8, Gamma=4.0, Omega=10.0),
])
def test_phi_is_dyson_form_with_numerical_level_shift_eq35_eq36(params):
    """Eqs. (35)-(36) against the resonant-level Dyson form
    phi_j(w) = J(w) / [(w - E_j - Lambda(w))^2 + (pi J(w))^2], where the level shift
    Lambda(w) = P int J(w')/(w - w') dw' is computed here by scipy's Cauchy-weight quadrature."""
    m = nad.Model(**params)
    J = lambda x: spectral_density(x, m.Gamma, m.Omega)     # noqa: E731
    ws = np.array([-0.9, -0.3, 0.0, 0.07, 0.2, 0.55, 0.97]) * m.Omega
    ws = np.concatenate([ws, m.E])
    for w in ws:
        # P int J(w')/(w - w') dw' = -P int J(w')/(w' - w) dw'
        pv, _ = integrate.quad(J, -m.Omega, m.Omega, weight="cauchy", wvar=w, epsabs=1e-14,
                               epsrel=1e-13, limit=400)
        shift = -pv
        dyson = J(w) / ((w - m.E - shift) ** 2 + (np.pi * J(w)) ** 2)
        np.testing.assert_allclose(m.phi(w), dyson, rtol=1e-9)


def test_pole_parameters_are_zeros_of_dyson_denominator_eq36():
    """Eq. (36): w0_j = E'_j - i Gamma_j / 2 is a zero of the continued Dyson denominator
    w - E_j - (Gamma/2Omega)(w - i sqrt(Omega^2 - w^2)) (found here by mpmath.findroot)."""
    m = nad.Model(h=2.0, delta=0.5, g=0.7, Gamma=0.8, Omega=10.0)
    G, O = mp.mpf(m.Gamma), mp.mpf(m.Omega)
    for j, E in enumerate(m.E):
        E = mp.mpf(E)
        f = lambda w: w - E - G / (2 * O) * (w - 1j * mp.sqrt(O ** 2 - w ** 2))   # noqa: E731
        root = mp.findroot(f, mp.mpc(E, -G / 2))
        np.testing.assert_allclose(float(root.real), m.E_shifted[j], rtol=1e-14)
        np.testing.assert_allclose(float(-2 * root.imag), m.Gamma_j[j], rtol=1e-13)


@pytest.mark.parametrize("which", ["E_shifted", "Gamma_j"])
def test_pole_tends_to_bare_level_and_golden_rule_as_O_Gamma_over_Omega_eq36(which):
    """Eq. (36): E'_j -> E_j and Gamma_j -> Gamma sqrt(1 - E_j^2/Omega^2) = 2 pi J_N(E_j) as
    Gamma/Omega -> 0, with relative deviations of order Gamma/Omega (linear: a 10x smaller
    ratio gives a 10x smaller deviation)."""
    h, delta, g, Omega = 3.0, 0.4, 0.6, 10.0
    ratios = np.array([1e-2, 1e-3, 1e-4, 1e-5])
    dev = []
    for r in ratios:
        m = nad.Model(h=h, delta=delta, g=g, Gamma=r * Omega, Omega=Omega)
        if which == "E_shifted":
            dev.append(np.abs(m.E_shifted / m.E - 1))
        else:
            golden = m.Gamma * np.sqrt(1 - m.E ** 2 / Omega ** 2)
            np.testing.assert_allclose(golden, m.Gamma_golden, rtol=1e-14)
            dev.append(np.abs(m.Gamma_j / golden - 1))
    dev = np.array(dev)                                  # (ratios, j)
    assert np.all(dev < 2 * ratios[:, None])             # O(Gamma/Omega)
    slopes = np.diff(np.log(dev), axis=0) / np.diff(np.log(ratios))[:, None]
    np.testing.assert_allclose(slopes, 1.0, atol=0.02)   # linear in Gamma/Omega


# --------------------------------------------------------------------------- Fermi function

def test_fermi_zero_temperature_is_a_step():
    """f(w) = Theta(mu - w) at T = 0, with 1/2 at w = mu (Baths docstring, Eq. (20))."""
    w = np.array([-1e3, -1.0, -1e-12, 0.0, 1e-12, 1.0, 1e3]) + 0.3
    f = fermi(w, 0.3, 0.0)
    np.testing.assert_array_equal(f, [1, 1, 1, 0.5, 0, 0, 0])
    b = nad.Baths(T_L=0.0, T_R=0.0, mu_L=0.3, mu_R=-2.0)
    np.testing.assert_array_equal(b.occupation(np.array([0.0, 1.0])), [[1.0, 0.0], [0.0, 0.0]])


def test_fermi_no_warnings_at_extreme_arguments():
    """Fermi function of the lead states (20) with huge |w - mu|/T, T = 0 and tiny T raises no
    overflow/divide warning and stays in [0, 1]."""
    w = np.array([-1e308, -1e300, -1e3, -1.0, 0.0, 1.0, 1e3, 1e300, 1e308])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for T in (0.0, 5e-324, 1e-300, 1e-12, 1.0, 1e300):
            f = fermi(w, 0.0, T)
            assert np.all((f >= 0) & (f <= 1)) and np.all(np.isfinite(f))
            if T <= 1.0:
                np.testing.assert_array_equal(f[:3], 1.0)
                np.testing.assert_array_equal(f[-3:], 0.0)
        b = nad.Baths(T_L=1e-300, T_R=0.0, mu_L=1e10, mu_R=-1e10)
        F = b.F(nad.Model(h=1, delta=0.1, g=0.5, Gamma=0.1, Omega=10), w)
        assert np.all(np.isfinite(F))


def test_fermi_against_mpmath():
    """Fermi function of Eq. (20), f(w) = 1/(exp((w - mu)/T) + 1), against mpmath at 30 digits:
    absolute 1e-15 everywhere and
    relative 1e-12 in the bulk |w - mu| < 6 T.  (The tanh form used by nadlib keeps only absolute
    precision ~1e-16 in the upper tail: relative error ~1e-6 where f ~ 1e-10, harmless for the
    band integrals, whose kernels are bounded.)"""
    mu, T = 0.7, 0.05
    w = np.linspace(-2.0, 3.0, 401)
    ref = np.array([float(1 / (mp.exp((mp.mpf(x) - mp.mpf(mu)) / mp.mpf(T)) + 1)) for x in w])
    f = fermi(w, mu, T)
    np.testing.assert_allclose(f, ref, rtol=0, atol=1e-15)
    bulk = np.abs(w - mu) < 6 * T
    np.testing.assert_allclose(f[bulk], ref[bulk], rtol=1e-12)


def test_baths_F_matrix_in_eigenbasis():
    """F(w) = R diag(f_L, f_R) R^T: F_12 = F_21 = g/(2 Delta) (f_L - f_R), trace f_L + f_R
    (identity under Eq. (16), derived in equations.md)."""
    m = nad.Model(h=1.0, delta=0.3, g=0.5, Gamma=0.1, Omega=10.0)
    b = nad.Baths(T_L=0.1, T_R=0.3, mu_L=1.2, mu_R=0.4)
    w = np.linspace(-2, 3, 11)
    F = b.F(m, w)
    fL, fR = fermi(w, 1.2, 0.1), fermi(w, 0.4, 0.3)
    np.testing.assert_allclose(F[:, 0, 1], m.g / (2 * m.Delta) * (fL - fR), atol=1e-15)
    np.testing.assert_allclose(F[:, 1, 0], F[:, 0, 1], atol=1e-15)
    np.testing.assert_allclose(np.trace(F, axis1=1, axis2=2), fL + fR, atol=1e-15)

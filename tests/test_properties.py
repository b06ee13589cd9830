"""Property-based tests of the physics over random valid parameters (hypothesis, derandomised).

Parameters are drawn so that Eq. (34) holds and Gamma < Omega; temperatures
include T = 0 and chemical potentials range beyond the band.  Every invariant is
checked by a route independent of the code that computes the quantity.
"""
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import nadlib as nad
from nadlib.dissipator import steady_state_epa

SETTINGS = dict(derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def models(draw, Omega=None):
    """A random valid Model: Gamma < Omega and Eq. (34) for both levels."""
    Om = draw(st.sampled_from([5.0, 10.0, 40.0])) if Omega is None else Omega
    Gamma = Om * draw(st.floats(1e-4, 0.2))
    g = draw(st.floats(0.01, 2.0))
    delta = draw(st.floats(-1.0, 1.0))
    Delta = np.hypot(g, delta)
    # largest |E_j| allowed by (34), with a margin so the pole stays inside the band
    Emax = 0.95 * np.sqrt(Om ** 2 - Gamma * Om)
    hmax = Emax - Delta / 2
    if hmax <= 0:
        g, delta, Delta = 0.1, 0.0, 0.1
        hmax = Emax - Delta / 2
    h = draw(st.floats(-hmax, hmax))
    return nad.Model(h=h, delta=delta, g=g, Gamma=Gamma, Omega=Om)


temperatures = st.one_of(st.just(0.0), st.floats(1e-3, 5.0), st.just(1e4))


@st.composite
def baths(draw, Omega=10.0):
    mu = st.floats(-1.5 * Omega, 1.5 * Omega)
    return nad.Baths(draw(temperatures), draw(temperatures), draw(mu), draw(mu))


def _assert_density_bounds(C, tol=1e-10):
    np.testing.assert_allclose(C, np.swapaxes(C, -1, -2).conj(), atol=1e-13)
    ev = np.linalg.eigvalsh(C)
    assert ev.min() >= -tol and ev.max() <= 1 + tol, ev


@settings(max_examples=500, **SETTINGS)
@given(m=models(), data=st.data())
def test_steady_state_hermitian_and_bounded(m, data):
    """Eq. (32): C(inf) is Hermitian with 0 <= C <= 1 (Pauli), for any valid parameters."""
    b = data.draw(baths(m.Omega))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        C = nad.steady_state(m, b)
    assert np.all(np.isfinite(C))
    _assert_density_bounds(C)


@settings(max_examples=60, **SETTINGS)
@given(m=models(Omega=10.0), b=baths(10.0))
def test_dynamics_hermitian_and_bounded(m, b):
    """Eqs. (29)-(30): C(t) stays a valid correlation matrix from a random valid C(0)."""
    rng = np.random.default_rng(abs(hash((m.h, m.g))) % 2 ** 32)
    A = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
    U = np.linalg.qr(A)[0]
    C0 = U @ np.diag(rng.uniform(0, 1, 2)) @ U.conj().T
    t = np.linspace(0, 3 / m.Gamma, 7)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        C = nad.correlation_matrix(m, b, t, C0=C0)
    _assert_density_bounds(C, tol=1e-9)


@settings(max_examples=500, **SETTINGS)
@given(m=models(), data=st.data())
def test_current_conservation(m, data):
    """J^P_L = J^P_S = -J^P_R (Sec. III D).

    J^P_S = g Im C12(inf) comes from the steady state (32); J^P_R is the Landauer
    current out of the right bath, computed as the left current of the mirrored
    model (delta -> -delta, baths swapped).
    """
    b = data.draw(baths(m.Omega))
    J = nad.currents(m, b)
    JS = m.g * nad.steady_state(m, b)[0, 1].imag
    mirror = nad.Model(m.h, -m.delta, m.g, m.Gamma, m.Omega)
    JR = nad.currents(mirror, nad.Baths(b.T_R, b.T_L, b.mu_R, b.mu_L))
    scale = m.Gamma
    np.testing.assert_allclose(JS, J.particle, atol=1e-10 * scale)
    np.testing.assert_allclose(JR.particle, -J.particle, atol=1e-12 * scale)
    np.testing.assert_allclose(JR.energy, -J.energy, atol=1e-12 * scale * m.Omega)


@settings(max_examples=500, **SETTINGS)
@given(m=models(), T=st.tuples(st.floats(1e-2, 5.0), st.floats(1e-2, 5.0)),
       mu=st.tuples(st.floats(-8, 8), st.floats(-8, 8)))
def test_second_law(m, T, mu):
    """Eq. (2): -sum_alpha beta_alpha J^Q_alpha >= 0 for the Landauer currents."""
    b = nad.Baths(T[0], T[1], mu[0], mu[1])
    sigma = nad.entropy_production(m, b)
    assert sigma >= -1e-12 * m.Gamma


@settings(max_examples=500, **SETTINGS)
@given(m=models(), T=temperatures, mu=st.floats(-15, 15))
def test_equilibrium(m, T, mu):
    """Equal baths: zero currents, diagonal C(inf) equal to Eq. (38), nu_inf = 0."""
    b = nad.Baths(T, T, mu, mu)
    J = nad.currents(m, b)
    assert J.particle == 0 and J.energy == 0
    C = nad.steady_state(m, b)
    np.testing.assert_allclose(C[0, 1], 0, atol=1e-12)
    np.testing.assert_allclose(np.diag(C).real, nad.equilibrium_populations(m, T, mu), atol=1e-10)
    assert nad.nu_infinity(m, b) == 0.0


@settings(max_examples=500, **SETTINGS)
@given(m=models(), data=st.data())
def test_asymptotic_rates_structure(m, data):
    """Eq. (55): Lambda^+ Hermitian; its diagonal (gain) and that of Lambda^- (loss) are >= 0.

    Full positivity is NOT a property: negative eigenvalues are exactly the
    asymptotic non-Markovianity nu_inf of Eq. (82), so the test checks that
    nu_inf equals the negative eigenvalue weight from numpy's eigvalsh.
    """
    b = data.draw(baths(m.Omega))
    Lp, Lm = nad.asymptotic_rates(m, b, both=True)
    np.testing.assert_allclose(Lp, Lp.conj().T, atol=1e-15)
    G = m.Gamma_golden
    assert np.all(np.diag(Lp).real >= -1e-13 * G) and np.all(np.diag(Lm).real >= -1e-13 * G)
    ev = np.concatenate([np.linalg.eigvalsh(Lp), np.linalg.eigvalsh(Lm)])
    nu = nad.nu_infinity(m, b)
    assert nu >= 0
    np.testing.assert_allclose(nu, np.sum(np.maximum(0, -ev)), atol=1e-14 * G.max())


@settings(max_examples=40, **SETTINGS)
@given(h=st.floats(-2, 2), g=st.floats(0.1, 1.0), delta=st.floats(-0.5, 0.5),
       T=st.floats(0.05, 1.0), mu=st.tuples(st.floats(-3, 3), st.floats(-3, 3)))
def test_epa_steady_state_converges_linearly(h, g, delta, T, mu):
    """EPA vs exact C(inf): the difference shrinks linearly as Gamma/Omega -> 0 (App. E)."""
    b = nad.Baths(T, T * 1.5, *mu)
    errs = []
    for Om in (50.0, 100.0, 200.0, 400.0):
        m = nad.Model(h, delta, g, 0.5, Om)
        errs.append(np.abs(nad.steady_state(m, b) - steady_state_epa(m, b)).max())
    errs = np.array(errs)
    slope = np.polyfit(np.log([50, 100, 200, 400]), np.log(errs), 1)[0]
    assert -1.3 < slope < -0.7, (errs, slope)


@settings(max_examples=8, **SETTINGS)
@given(m=models(Omega=10.0), T=st.tuples(st.floats(0.05, 1.0), st.floats(0.05, 1.0)),
       mu=st.tuples(st.floats(-3, 3), st.floats(-3, 3)))
def test_finite_chain_agrees(m, T, mu):
    """Exact C(t) against the brute-force chain for random parameters (Eqs. (29)-(30))."""
    b = nad.Baths(T[0], T[1], mu[0], mu[1])
    t = np.linspace(0, 6, 5)
    chain = nad.FiniteChain(m, b, t_max=6.0)
    np.testing.assert_allclose(nad.correlation_matrix(m, b, t), chain.correlation_matrix(t), atol=2e-6)


# --- edges -------------------------------------------------------------------------------

@pytest.mark.parametrize("T", [0.0, 1e-12, 1e6])
@pytest.mark.parametrize("mu", [-10.0, 10.0, -1e3, 1e3, 1.0])
def test_extreme_temperatures_and_potentials(T, mu):
    """T = 0 and T -> inf; mu at a band edge and far outside: finite, valid, no warnings."""
    m = nad.Model(1.0, 0.2, 0.5, 0.1, 10.0)
    b = nad.Baths(T, 0.3, mu, 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        C = nad.steady_state(m, b)
        J = nad.currents(m, b)
        nu = nad.nu_infinity(m, b)
        Ct = nad.correlation_matrix(m, b, [0.0, 5.0, 50.0])
    assert np.all(np.isfinite(C)) and np.isfinite(J.particle) and np.isfinite(nu)
    _assert_density_bounds(C)
    _assert_density_bounds(Ct, tol=1e-9)


def test_infinite_temperature_limit():
    """T -> inf: f = 1/2 everywhere, so C(inf) = diag(int phi_j / 2) = 1/2 (Eq. (26))."""
    m = nad.Model(1.0, 0.2, 0.5, 0.1, 10.0)
    C = nad.steady_state(m, nad.Baths(1e9, 1e9, 0.3, -0.4))
    np.testing.assert_allclose(C, 0.5 * np.eye(2), atol=1e-8)


def test_weak_coupling_limit():
    """Gamma -> 0: C(inf) -> the Fermi occupations f(E_j) of the bare levels for equal baths (Eqs. (1), (27))."""
    for Gamma in (1e-4, 1e-6, 1e-8):
        m = nad.Model(1.0, 0.2, 0.5, Gamma, 10.0)
        C = nad.steady_state(m, nad.Baths(0.2, 0.2, 1.1, 1.1))
        np.testing.assert_allclose(np.diag(C).real, nad.fermi(m.E, 1.1, 0.2), atol=30 * Gamma)


def test_degenerate_levels():
    """Delta -> 0: Delta = 0 is a clear error; Delta = 1e-9 is handled and finite."""
    with pytest.raises(ValueError, match="Delta"):
        nad.Model(1.0, 0.0, 0.0, 0.1, 10.0)
    m = nad.Model(1.0, 0.0, 1e-9, 0.1, 10.0)
    C = nad.steady_state(m, nad.Baths(0.1, 0.1, 2.0, 0.0))
    assert np.all(np.isfinite(C))


def test_band_edge_boundary_of_eq34():
    """Eq. (34): a clear error just outside, an accurate normalisation (26) just inside."""
    Om, Gamma = 10.0, 0.1
    Ecrit = np.sqrt(Om ** 2 - Gamma * Om)
    with pytest.raises(ValueError, match=r"Eq\. \(34\)"):
        nad.Model(Ecrit + 1e-6, 0.0, 1e-3, Gamma, Om)
    m = nad.Model(Ecrit - 0.05, 0.0, 1e-3, Gamma, Om)
    from nadlib.quadrature import band_rule
    w, wts = band_rule(Om, peaks=[(m.E_shifted[j], m.Gamma_j[j]) for j in range(2)])
    np.testing.assert_allclose(m.phi(w) @ wts, 1.0, atol=1e-10)


def test_large_arrays():
    """Large arrays of times and frequencies: shapes, finiteness, no warnings."""
    m = nad.Model(1.0, 0.2, 0.5, 0.1, 10.0)
    w = np.linspace(-12, 12, 200001)
    t = np.linspace(0, 100, 50001)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        phi, th = m.phi(w), m.theta(w)
        G = nad.propagator(m, t)
        T = nad.transmission(m, w)
    assert phi.shape == th.shape == (2, w.size) and G.shape == (2, t.size) and T.shape == w.shape
    assert np.all(np.isfinite(th)) and np.all(np.isfinite(G))

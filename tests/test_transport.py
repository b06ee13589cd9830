"""Tests of nadlib.transport: transmission, Landauer currents and their independent routes.

The steady particle current has four analytic expressions in the paper, each a different integral:
Landauer (43) with (45), g Im C_12(inf) from (32), (D1), and the boundary form (D4); the energy
current has (44) and (D5).  The finite chain's boundary currents (40)-(41) at late time are a fifth,
numerical route.  The second law (2) is a property every pair of baths must satisfy.
"""
import numpy as np
import pytest

import nadlib as nad

from conftest import FIG3_DELTA, FIG4, fig3_model

CASES = {
    "fig3_0.02": (fig3_model(0.02), nad.Baths(0.05, 0.05, 1.4, 0.5)),
    "fig3_2": (fig3_model(2.0), nad.Baths(0.3, 0.1, 0.2, 1.6)),
    "fig4a": (nad.Model(**FIG4["a"]["model"]), nad.Baths(**FIG4["a"]["baths"])),
    "fig4b": (nad.Model(**FIG4["b"]["model"]), nad.Baths(**FIG4["b"]["baths"])),
    "T0": (nad.Model(h=-1.0, delta=-0.3, g=0.8, Gamma=0.4, Omega=5.0), nad.Baths(0.0, 0.0, -0.5, -1.5)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_landauer_particle_current_four_routes_eq43_D1_D4(name):
    """Eq. (43) (Landauer with (45)) = g Im C_12(inf) from (32) = (D1) = (D4): four different
    integrands for the same steady particle current; relative 1e-9."""
    m, b = CASES[name]
    J = nad.currents(m, b)
    scale = abs(J.particle)
    assert scale > 1e-8                                   # a genuinely biased case
    np.testing.assert_allclose(m.g * nad.steady_state(m, b)[0, 1].imag, J.particle, rtol=1e-9)
    np.testing.assert_allclose(nad.current_from_coherence(m, b), J.particle, rtol=1e-9)
    np.testing.assert_allclose(nad.boundary_currents(m, b).particle, J.particle, rtol=1e-9)


@pytest.mark.parametrize("name", list(CASES))
def test_landauer_energy_current_eq44_vs_D5(name):
    """Eq. (44) = (D5): the energy current from the transmission and from the Heisenberg boundary
    form; relative 1e-9."""
    m, b = CASES[name]
    J = nad.currents(m, b)
    np.testing.assert_allclose(nad.boundary_currents(m, b).energy, J.energy,
                               rtol=1e-9, atol=1e-12 * m.Gamma * m.Omega)


def test_currents_vs_finite_chain_boundary_currents_eq40_eq41(small_case, report):
    """Eqs. (43)-(44) against the finite chain's boundary currents (40)-(41) at t = 60 (Gamma t = 30,
    before the recurrence time), Omega = 10: J^P_L, J^E_L, and J^P_R = -J^P_L, J^E_R = -J^E_L.
    The finite-time transient there is ~1e-11 (it is 2e-5 at Gamma t = 10), tolerance 1e-9."""
    m, b, ch = small_case
    J = nad.currents(m, b)
    t = np.array([60.0])
    JP, JE = ch.particle_current(t)[0], ch.energy_current(t)[0]
    JPR, JER = ch.particle_current(t, alpha=1)[0], ch.energy_current(t, alpha=1)[0]
    report("|J^P_chain(t=60) - J^P_Landauer| (Omega=10)", float(abs(JP - J.particle)))
    report("|J^E_chain(t=60) - J^E_Landauer| (Omega=10)", float(abs(JE - J.energy)))
    np.testing.assert_allclose(JP, J.particle, rtol=0, atol=1e-9)
    np.testing.assert_allclose(JE, J.energy, rtol=0, atol=1e-9)
    np.testing.assert_allclose(JPR, -J.particle, rtol=0, atol=1e-9)
    np.testing.assert_allclose(JER, -J.energy, rtol=0, atol=1e-9)
    assert abs(J.particle) > 1e-2 and abs(J.energy) > 1e-2


def test_weak_coupling_transmission_eq46_vs_eq45():
    """Eq. (46) approximates (45) for Gamma << Delta: at Gamma = 0.02 Delta (Fig. 3) the largest
    deviation near the peaks is ~1% of the peak height; it grows ~linearly in Gamma/Delta and (46)
    fails at Gamma = 2 Delta."""
    x = np.linspace(0.04, 0.18, 20001)
    devs = {}
    for r in (0.02, 0.2, 2.0):
        m = fig3_model(r)
        w = x * m.Omega
        T, Tw = nad.transmission(m, w), nad.transmission_weak(m, w)
        devs[r] = np.abs(T - Tw).max() / T.max()
    assert 0.005 < devs[0.02] < 0.02, devs
    assert 5 < devs[0.2] / devs[0.02] < 15, devs
    assert devs[2.0] > 0.5, devs


def test_fig3_peak_heights_and_broad_curve():
    """Fig. 3 (h = 1, g = delta = 0.5, Omega = 10): for Gamma = 0.02 Delta both peaks reach
    g^2/(2 pi Delta^2) = 0.0796 at w ~ E'_j; for Gamma = 2 Delta a single maximum ~0.051 near
    w/Omega ~ 0.108, and T ~ 0.024, 0.021 at the window edges w/Omega = 0.04, 0.18 (equations.md)."""
    m = fig3_model(0.02)
    peak = m.g ** 2 / (2 * np.pi * FIG3_DELTA ** 2)
    np.testing.assert_allclose(peak, 0.0796, atol=5e-5)
    for j in range(2):
        w = m.E_shifted[j] + np.linspace(-2, 2, 4001) * m.Gamma_j[j]
        T = nad.transmission(m, w)
        np.testing.assert_allclose(T.max(), peak, rtol=1e-4)
        assert abs(w[np.argmax(T)] - m.E_shifted[j]) < 0.1 * m.Gamma_j[j]
    m = fig3_model(2.0)
    x = np.linspace(0.04, 0.18, 14001)
    T = nad.transmission(m, x * m.Omega)
    np.testing.assert_allclose(T.max(), 0.051, atol=5e-4)
    np.testing.assert_allclose(x[np.argmax(T)], 0.108, atol=5e-4)
    np.testing.assert_allclose([T[0], T[-1]], [0.024, 0.021], atol=5e-4)
    # one maximum only: T increases then decreases
    d = np.sign(np.diff(T))
    assert np.count_nonzero(np.diff(d) != 0) == 1


@pytest.mark.parametrize("seed", range(20))
def test_second_law_entropy_production_nonnegative_eq2(seed):
    """Eq. (2): -sum_alpha beta_alpha J^Q_alpha >= 0 for random models and baths; zero (to rounding)
    when the baths are equal."""
    rng = np.random.default_rng(100 + seed)
    Omega = rng.choice([5.0, 10.0, 40.0])
    m = nad.Model(h=rng.uniform(-0.5, 0.5) * Omega, delta=rng.uniform(-1, 1), g=rng.uniform(0.05, 2),
                  Gamma=rng.uniform(1e-3, 0.1) * Omega, Omega=Omega)
    T = rng.uniform(0.01, 3.0, 2)
    mu = rng.uniform(-0.6, 0.6, 2) * Omega
    b = nad.Baths(T[0], T[1], mu[0], mu[1])
    sigma = nad.entropy_production(m, b)
    J = nad.currents(m, b)
    # independent restatement of (2) from the currents: J^Q_L = J^E - mu_L J^P, J^Q_R = -(J^E - mu_R J^P)
    sigma_ref = -((J.energy - mu[0] * J.particle) / T[0] - (J.energy - mu[1] * J.particle) / T[1])
    np.testing.assert_allclose(sigma, sigma_ref, rtol=1e-12, atol=1e-15)
    assert sigma >= -1e-12 * m.Gamma
    eq = nad.Baths(T[0], T[0], mu[0], mu[0])
    assert nad.currents(m, eq).particle == 0
    np.testing.assert_allclose(nad.entropy_production(m, eq), 0, atol=1e-15)


def test_particle_current_flows_down_the_bias_eq43():
    """Eq. (43): with equal temperatures the particle current runs from the higher chemical potential
    (T(w) >= 0 and f_L - f_R >= 0), and reverses sign when the baths are swapped."""
    m = fig3_model(0.2)
    for T in (0.0, 0.05, 1.0):
        J = nad.currents(m, nad.Baths(T, T, 1.6, 0.4)).particle
        Jrev = nad.currents(m, nad.Baths(T, T, 0.4, 1.6)).particle
        assert J > 0
        np.testing.assert_allclose(Jrev, -J, rtol=1e-12)

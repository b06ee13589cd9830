"""Tests of nadlib.markov: the local, global, Redfield, unified and asymptotic master equations.

Every formula is checked against a route that shares no code with it: the binding definitions of
the local and global equations built directly from D[c_alpha] and D[d_j] in Fock space; the
Born-Markov (Redfield) equation built from its textbook eigen-operator form in the many-body
eigenbasis of H_S with scipy's principal values; the paper's Eqs. (51), (55)-(58) as implemented
by nadlib.dissipator; the scalar exact steady state for the model-grid path; Choi matrices for
complete positivity.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.linalg import expm

import nadlib as nad
from nadlib import fock
from nadlib import markov as mk

from _checks import born_markov_reservoir, pv_quad


FIG5 = dict(h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0)
POINTS = [
    (dict(h=1.0, delta=0.3, g=0.5, Gamma=0.01, Omega=10.0), dict(T_L=0.05, T_R=0.2, mu_L=1.0, mu_R=0.2)),
    (dict(FIG5), dict(T_L=0.01, T_R=0.01, mu_L=1.0, mu_R=0.2)),
    (dict(h=-2.0, delta=-0.7, g=0.1, Gamma=0.2, Omega=10.0), dict(T_L=0.3, T_R=0.0, mu_L=-1.5, mu_R=-2.6)),
    (dict(h=0.5, delta=0.0, g=0.02, Gamma=0.05, Omega=5.0), dict(T_L=0.2, T_R=0.05, mu_L=0.4, mu_R=0.7)),
]


def _point(i):
    mp, bp = POINTS[i]
    return nad.Model(**mp), nad.Baths(**bp)


def _gamma(m, w):
    return 2 * np.pi * m.spectral_density(w)


# --------------------------------------------------------------------------- binding definitions

@pytest.mark.parametrize("i", range(len(POINTS)))
def test_local_is_the_binding_definition(i):
    """local: H_S of Eq. (10) and gamma(h_a)[(1 - f_a(h_a)) D[c_a] + f_a(h_a) D[c_a^dag]], built here
    from the site operators of Eq. (10) alone."""
    m, b = _point(i)
    c = fock.mode_operators(m.R.T)
    H = (m.h_L * c[0].T @ c[0] + m.h_R * c[1].T @ c[1] - m.g / 2 * (c[0].T @ c[1] + c[1].T @ c[0]))
    L = fock.commutator_super(H)
    for a, h in enumerate((m.h_L, m.h_R)):
        f = nad.fermi(h, float(b.mu[a]), float(b.T[a]))
        L = L + _gamma(m, h) * ((1 - f) * fock.lindblad_dissipator(c[a])
                                + f * fock.lindblad_dissipator(c[a].T))
    np.testing.assert_allclose(nad.lindblad_generator(m, b, "local"), L, atol=1e-15)


@pytest.mark.parametrize("i", range(len(POINTS)))
def test_global_is_the_binding_definition(i):
    """global: diag(E_j) and gamma(E_j) R_ja^2 [(1 - f_a(E_j)) D[d_j] + f_a(E_j) D[d_j^dag]]."""
    m, b = _point(i)
    d = fock.annihilators()
    L = fock.commutator_super(m.E[0] * d[0].T @ d[0] + m.E[1] * d[1].T @ d[1])
    for a in range(2):
        for j in range(2):
            f = nad.fermi(m.E[j], float(b.mu[a]), float(b.T[a]))
            r = _gamma(m, m.E[j]) * m.R[j, a] ** 2
            L = L + r * ((1 - f) * fock.lindblad_dissipator(d[j]) + f * fock.lindblad_dissipator(d[j].T))
    np.testing.assert_allclose(nad.lindblad_generator(m, b, "global"), L, atol=1e-15)


@pytest.mark.parametrize("i", range(len(POINTS)))
def test_asymptotic_is_the_papers_51_with_55(i):
    """asymptotic: -i[H_S, .] + (51) with (55); its reservoir parts are L_L, L_R of (57) and L_int of (65)."""
    m, b = _point(i)
    np.testing.assert_allclose(nad.lindblad_generator(m, b, "asymptotic"),
                               nad.dissipator.asymptotic_generator(m, b), atol=1e-15)
    dec = nad.decompose(m, b)
    for part, ref in (("L", dec.L_L), ("R", dec.L_R), ("int", dec.L_int)):
        np.testing.assert_allclose(nad.lindblad_generator(m, b, "asymptotic", part=part), ref, atol=1e-15)


# --------------------------------------------------------------------------- Redfield

@pytest.mark.parametrize("lamb", [True, False])
@pytest.mark.parametrize("i", range(len(POINTS)))
def test_redfield_is_born_markov(i, lamb):
    """Each reservoir's part (its Hamiltonian part included) equals the textbook Born-Markov generator."""
    m, b = _point(i)
    for a in range(2):
        ref = born_markov_reservoir(m, float(b.mu[a]), float(b.T[a]), a, lamb)
        got = nad.lindblad_generator(m, b, "redfield", lamb_shift=lamb, part="LR"[a])
        np.testing.assert_allclose(got, ref, atol=1e-12 * m.Gamma)
    total = nad.lindblad_generator(m, b, "redfield", lamb_shift=lamb)
    parts = sum(nad.lindblad_generator(m, b, "redfield", lamb_shift=lamb, part=p) for p in "LR")
    H = fock.hamiltonian_from_matrix(np.diag(m.E))
    np.testing.assert_allclose(total, parts + fock.commutator_super(H), atol=1e-16)


def test_redfield_gain_is_the_gamma_to_zero_limit_of_55(report):
    """|Lambda^+_(55) - Lambda^+_Redfield| / Gamma -> 0 linearly in Gamma (both scale as Gamma)."""
    b = nad.Baths(0.05, 0.2, 1.0, 0.2)
    Gs = np.array([0.04, 0.02, 0.01, 0.005, 0.0025])
    dev = []
    for G in Gs:
        m = nad.Model(**dict(FIG5, Gamma=G))
        red = nad.master_equation(m, b, "redfield")
        dev.append(np.abs(red.Lambda_plus.sum(axis=0) - nad.asymptotic_rates(m, b)).max() / G)
    power = np.polyfit(np.log(Gs), np.log(dev), 1)[0]
    assert 0.9 < power < 1.1 and dev[-1] < 2e-3
    report("markov: |Lambda+_(55) - Lambda+_Redfield|/Gamma ~ Gamma^p, p", power)


@pytest.mark.parametrize("i", range(len(POINTS)))
def test_redfield_sum_rules(i):
    """Lambda^+ + Lambda^- = diag(2 pi J_N(E_j)); sum_alpha H_alpha = diag(Delta_j) (or 0 without PV parts)."""
    m, b = _point(i)
    for lamb in (True, False):
        me = nad.master_equation(m, b, "redfield", lamb_shift=lamb)
        np.testing.assert_allclose((me.Lambda_plus + me.Lambda_minus).sum(axis=0),
                                   np.diag(m.Gamma_golden), atol=1e-16)
        Delta = m.Gamma * m.E / (2 * m.Omega) if lamb else np.zeros(2)
        np.testing.assert_allclose(me.H_lamb.sum(axis=0), np.diag(Delta), atol=1e-16)


def test_level_shift_is_the_hilbert_transform_of_J_N():
    """Delta_j = P int J_N / (E_j - w): scipy's Cauchy weight, and the self-energy (B9) on the band."""
    for p in (FIG5, dict(h=-3.0, delta=1.0, g=2.0, Gamma=0.5, Omega=10.0)):
        m = nad.Model(**p)
        pv = [-quad(m.spectral_density, -m.Omega, m.Omega, weight="cauchy", wvar=E, limit=400, epsabs=1e-15)[0]
              for E in m.E]
        np.testing.assert_allclose(mk.level_shift(m), pv, rtol=1e-11)
        np.testing.assert_allclose(mk.level_shift(m), m.self_energy(-1j * m.E + 1e-12).imag, rtol=1e-9)


@pytest.mark.parametrize("mu,T", [(1.0, 0.05), (0.2, 0.0), (1.3, 0.0), (0.76, 0.001), (3.0, 1.0),
                                  (-9.5, 0.3), (0.0, 5.0)])
def test_fermi_principal_values_against_scipy(mu, T, report):
    worst = 0.0
    for p in (FIG5, dict(h=1.0, delta=0.3, g=0.5, Gamma=0.2, Omega=10.0),
              dict(h=-2.0, delta=1.0, g=0.1, Gamma=0.05, Omega=10.0)):
        m = nad.Model(**p)
        S = mk.fermi_principal_values(m, nad.Baths(T, T, mu, mu))[0]
        ref = np.array([pv_quad(m, mu, T, E) for E in m.E])
        worst = max(worst, np.abs(S - ref).max() / m.Gamma)
    assert worst < 1e-11
    report(f"markov: Fermi principal values vs scipy (mu={mu}, T={T}), rel. to Gamma", worst)


def test_fermi_principal_value_divergence_is_refused():
    m = nad.Model(**FIG5)
    b = nad.Baths(0.0, 0.1, float(m.E[1]), 0.2)
    with pytest.raises(ValueError, match="diverges"):
        nad.master_equation(m, b, "redfield")
    nad.master_equation(m, b, "redfield", lamb_shift=False)          # no principal values: fine


# --------------------------------------------------------------------------- unified

@pytest.mark.parametrize("i", range(len(POINTS)))
def test_unified_is_geometric_mean_gkls(i):
    """Rank one per reservoir and direction; diagonal = global's rates; CP; H_alpha = Redfield's PV part."""
    m, b = _point(i)
    uni, glo = nad.master_equation(m, b, "unified"), nad.master_equation(m, b, "global")
    red = nad.master_equation(m, b, "redfield")
    for M, G in ((uni.Lambda_plus, glo.Lambda_plus), (uni.Lambda_minus, glo.Lambda_minus)):
        np.testing.assert_allclose(np.linalg.det(M), 0.0, atol=1e-14 * m.Gamma ** 2)
        np.testing.assert_allclose(np.diagonal(M, axis1=-2, axis2=-1), np.diagonal(G, axis1=-2, axis2=-1),
                                   atol=1e-17)
        # geometric mean of the diagonal, with the sign R_1a R_2a
        np.testing.assert_allclose(M[:, 0, 1], np.sign(m.R[0] * m.R[1]) * np.sqrt(
            (M[:, 0, 0] * M[:, 1, 1]).real), atol=1e-17)
    np.testing.assert_allclose(uni.H_lamb, red.H_lamb.real, atol=1e-17)
    assert mk.is_completely_positive(m, b, "unified")


def test_unified_approaches_local_at_zero_detuning():
    """At delta = 0 the unified rates approach the local ones as the splitting closes (linearly in g)."""
    b = nad.Baths(0.05, 0.2, 1.0, 0.2)
    gs = np.array([0.04, 0.02, 0.01, 0.005])
    dev = [np.abs(nad.lindblad_generator(nad.Model(1.0, 0.0, g, 0.01, 10.0), b, "unified", lamb_shift=False)
                  - nad.lindblad_generator(nad.Model(1.0, 0.0, g, 0.01, 10.0), b, "local")).max() for g in gs]
    power = np.polyfit(np.log(gs), np.log(dev), 1)[0]
    assert 0.9 < power < 1.1


# --------------------------------------------------------------------------- steady states and currents

@pytest.mark.parametrize("kind", mk.KINDS)
@pytest.mark.parametrize("i", range(len(POINTS)))
def test_steady_state_two_ways(i, kind):
    """Lyapunov closed form = kernel of the 16 x 16 generator; the kernel state is Gaussian (D = det C)."""
    m, b = _point(i)
    C = nad.lindblad_steady_state(m, b, kind)
    rho = fock.steady_density_matrix(nad.lindblad_generator(m, b, kind))
    np.testing.assert_allclose(fock.correlation_from_rho(rho), C, atol=1e-13)
    np.testing.assert_allclose(nad.lindblad_steady_state(m, b, kind, method="kernel"), C, atol=1e-13)
    np.testing.assert_allclose(fock.double_occupancy_from_rho(rho), np.linalg.det(C), atol=1e-13)
    # the Lyapunov equation itself
    H, Lp, Lm = mk._totals(nad.master_equation(m, b, kind))
    Gam = Lp + Lm
    np.testing.assert_allclose(1j * (H @ C - C @ H) - 0.5 * (Gam @ C + C @ Gam) + Lp, 0.0, atol=1e-13 * m.Gamma)


def test_sylvester_closed_form_against_linear_solve():
    rng = np.random.default_rng(7)
    A = rng.normal(size=(50, 2, 2)) + 1j * rng.normal(size=(50, 2, 2)) + 3 * np.eye(2)
    B = rng.normal(size=(50, 2, 2)) + 1j * rng.normal(size=(50, 2, 2)) + 3 * np.eye(2)
    Q = rng.normal(size=(50, 2, 2)) + 1j * rng.normal(size=(50, 2, 2))
    X = mk._sylvester_2x2(A, B, Q)
    eye = np.eye(2)
    # vec in row-major order: vec(AX) = (A kron 1) x, vec(XB) = (1 kron B^T) x
    M = np.stack([np.kron(a, eye) + np.kron(eye, bb.T) for a, bb in zip(A, B)])
    Xs = np.linalg.solve(M, Q.reshape(50, 4, 1)).reshape(50, 2, 2)
    np.testing.assert_allclose(X, Xs, atol=1e-12)


@pytest.mark.parametrize("kind", mk.KINDS)
def test_vectorised_over_baths_grid(kind):
    m = nad.Model(**FIG5)
    mu = np.linspace(0.0, 2.0, 7)
    b = nad.Baths(0.02, np.array([0.0, 0.1])[:, None, None], mu[None, :, None], mu[None, None, :])
    C = nad.lindblad_steady_state(m, b, kind)
    J = nad.lindblad_currents(m, b, kind)
    assert C.shape == b.shape + (2, 2) and J.particle.shape == b.shape
    for idx in [(0, 1, 5), (1, 6, 0), (1, 3, 3), (0, 2, 4)]:
        bi = b[idx]
        np.testing.assert_allclose(C[idx], nad.lindblad_steady_state(m, bi, kind), atol=1e-15)
        Ji = nad.lindblad_currents(m, bi, kind)
        np.testing.assert_allclose([J.particle[idx], J.energy[idx]], [Ji.particle, Ji.energy], atol=1e-18)


@pytest.mark.parametrize("kind", mk.KINDS)
@pytest.mark.parametrize("i", range(len(POINTS)))
def test_currents_two_ways_and_conservation(i, kind):
    """Tr[N_S L_L rho], Tr[H_S L_L rho] from the superoperators = single-particle closed form; L + R = 0."""
    m, b = _point(i)
    for res in "LR":
        J1 = nad.lindblad_currents(m, b, kind, reservoir=res)
        J2 = nad.lindblad_currents(m, b, kind, reservoir=res, method="kernel")
        np.testing.assert_allclose([J1.particle, J1.energy], [J2.particle, J2.energy], atol=1e-13 * m.Gamma)
    JL = nad.lindblad_currents(m, b, kind, reservoir="L")
    JR = nad.lindblad_currents(m, b, kind, reservoir="R")
    np.testing.assert_allclose([JL.particle + JR.particle, JL.energy + JR.energy], 0.0, atol=1e-13 * m.Gamma)


def test_global_current_is_the_weak_coupling_landauer_limit():
    """Global: J^P_L = sum_j gamma(E_j) R_j1^2 R_j2^2 [f_L(E_j) - f_R(E_j)] (Eq. (46) with phi_j -> delta)."""
    for i in range(len(POINTS)):
        m, b = _point(i)
        f = np.array([[nad.fermi(E, float(b.mu[a]), float(b.T[a])) for E in m.E] for a in range(2)])
        w = _gamma(m, m.E) * m.R[:, 0] ** 2 * m.R[:, 1] ** 2
        J = nad.lindblad_currents(m, b, "global")
        np.testing.assert_allclose(J.particle, np.sum(w * (f[0] - f[1])), rtol=1e-12)
        np.testing.assert_allclose(J.energy, np.sum(m.E * w * (f[0] - f[1])), rtol=1e-12, atol=1e-20)


def test_global_is_landauer_as_gamma_to_zero():
    """The global current's relative error against Landauer vanishes as Gamma -> 0 (Fig. 5 model)."""
    b = nad.Baths(0.05, 0.05, 1.0, 0.2)
    em = mk.error_map(nad.Model(**FIG5), b, kinds=("global",), Gamma=[0.02, 0.01, 0.005])
    err = em.particle["global"]
    assert np.all(np.diff(err) < 0) and err[-1] < 2e-4


# --------------------------------------------------------------------------- model grids

def test_exact_reference_over_models_matches_scalar(report):
    rng = np.random.default_rng(3)
    models = []
    while len(models) < 40:
        try:
            models.append(nad.Model(rng.uniform(-3, 3), rng.uniform(-1, 1), rng.uniform(0, 2),
                                    10 ** rng.uniform(-3, 0.3), 10.0))
        except ValueError:
            pass
    models.append(nad.Model(8.75, 0.0, 0.5, 0.5, 10.0))           # near the threshold of Eq. (34)
    arr = np.empty(len(models), object)
    arr[:] = models
    worst = 0.0
    for b in (nad.Baths(0.05, 0.2, 1.0, 0.2), nad.Baths(0.0, 0.0, 1.1, -0.7), nad.Baths(1.0, 0.01, 0.5, 3.0)):
        ref = mk.exact_reference(arr, b)
        for i, m in enumerate(models):
            J = nad.currents(m, b)
            worst = max(worst, np.abs(nad.steady_state(m, b) - ref.C[i]).max(),
                        abs(J.particle - ref.particle[i]) / m.Gamma, abs(J.energy - ref.energy[i]) / m.Gamma)
    assert worst < 2e-12
    report("markov: exact C(inf), Landauer over model arrays vs scalar (max abs)", worst)


@pytest.mark.parametrize("kind", mk.KINDS)
def test_master_equation_over_models_matches_scalar(kind):
    grid = mk.model_grid(nad.Model(**FIG5), g=[0.05, 0.5, 1.5], Gamma=[0.002, 0.03, 0.4])
    b = nad.Baths(np.array([0.0, 0.05]), 0.2, 1.1, 0.2)
    me = nad.master_equation(grid[:, :, None], b, kind)
    assert me.Lambda_plus.shape == (3, 3, 2, 2, 2, 2)
    for i in range(3):
        for j in range(3):
            for k in range(2):
                one = nad.master_equation(grid[i, j], b[k], kind)
                for f in one._fields:
                    np.testing.assert_allclose(getattr(me, f)[i, j, k], getattr(one, f),
                                               atol=1e-15 * grid[i, j].Gamma * 100)


def test_error_map_matches_pointwise():
    m, b = nad.Model(**FIG5), nad.Baths(0.05, 0.05, 1.0, 0.2)
    em = mk.error_map(m, b, g=[0.1, 0.5], T=[0.02, 0.1, 0.3])
    assert em.trace_distance["local"].shape == (2, 3)
    for i, g in enumerate([0.1, 0.5]):
        for j, T in enumerate([0.02, 0.1, 0.3]):
            mi, bi = nad.Model(**dict(FIG5, g=g)), nad.Baths(T, T, 1.0, 0.2)
            C0 = nad.steady_state(mi, bi)
            J0 = nad.currents(mi, bi)
            for k in mk.KINDS:
                C = nad.lindblad_steady_state(mi, bi, k)
                J = nad.lindblad_currents(mi, bi, k)
                np.testing.assert_allclose(em.C_max[k][i, j], np.abs(C - C0).max(), rtol=1e-8, atol=1e-14)
                np.testing.assert_allclose(em.particle[k][i, j], abs(J.particle / J0.particle - 1), rtol=1e-8)
                np.testing.assert_allclose(em.energy[k][i, j], abs(J.energy / J0.energy - 1), rtol=1e-8)
    em2 = mk.error_map(m, b, bias=[0.0, 0.4], Gamma=[0.01, 0.02])
    assert np.all(em2.particle["global"][0] == 0.0)            # no bias, no current: 0, not NaN
    assert np.all(np.isinf(em2.particle["local"][0]) | (em2.particle["local"][0] == 0))


# --------------------------------------------------------------------------- comparisons and thermodynamics

def test_gaussian_trace_distance_closed_form():
    rng = np.random.default_rng(11)
    for _ in range(30):
        Cs = []
        for _ in range(2):
            X = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
            V = np.linalg.qr(X)[0]
            Cs.append((V * rng.uniform(0, 1, 2)) @ V.conj().T)
        r1, r2 = fock.gaussian_state(Cs[0]), fock.gaussian_state(Cs[1])
        ref = 0.5 * np.abs(np.linalg.eigvalsh(r1 - r2)).sum()
        np.testing.assert_allclose(mk.gaussian_trace_distance(*Cs), ref, atol=1e-14)


def _generator_is_ccp(L):
    """Conditional complete positivity of a generator: its Choi matrix is PSD on the complement of
    the maximally entangled vector (Lindblad-GKS theorem)."""
    J = fock.choi_matrix(L)
    omega = np.zeros(16)
    omega[[0, 5, 10, 15]] = 0.5
    P = np.eye(16) - np.outer(omega, omega)
    return np.linalg.eigvalsh(P @ J @ P).min()


@pytest.mark.parametrize("kind", mk.KINDS)
@pytest.mark.parametrize("i", range(len(POINTS)))
def test_cp_verdict_agrees_with_choi(i, kind):
    m, b = _point(i)
    L = nad.lindblad_generator(m, b, kind)
    lam = mk.canonical_rates(m, b, kind)
    choi_min = _generator_is_ccp(L)
    scale = np.abs(lam).max()
    assert (choi_min >= -1e-12 * scale) == bool(mk.is_completely_positive(m, b, kind))
    if kind in ("local", "global", "unified"):
        assert mk.is_completely_positive(m, b, kind)


def test_redfield_not_cp_at_fig5_and_its_map_breaks_positivity():
    m, b = nad.Model(**FIG5), nad.Baths(0.01, 0.01, 1.0, 0.2)
    assert not mk.is_completely_positive(m, b, "redfield")
    lam = mk.canonical_rates(m, b, "redfield")
    assert lam.min() < -0.1 * m.Gamma
    L = nad.lindblad_generator(m, b, "redfield")
    t = 0.1 / m.Gamma
    assert np.linalg.eigvalsh(fock.choi_matrix(expm(L * t))).min() < -1e-6
    # the asymptotic rates (55) share the negative rate in the limit Gamma -> 0 (nu_inf of Eq. (82))
    lamA = [mk.canonical_rates(nad.Model(**dict(FIG5, Gamma=G)), b, "asymptotic").min() / G for G in (0.01, 0.0025)]
    assert abs(lamA[1] - lam.min() / m.Gamma) < abs(lamA[0] - lam.min() / m.Gamma) < 0.01


def test_entropy_production():
    m = nad.Model(**FIG5)
    ds = np.linspace(-1.5, 1.5, 13)
    grid = mk.model_grid(m, delta=ds)[:, None]
    b = nad.Baths(0.1, np.geomspace(0.01, 1.0, 9)[None, :], 0.5, 0.5)
    exact = mk.entropy_production(grid, b, "exact")
    assert exact.min() > -1e-15
    assert mk.entropy_production(grid, b, "global").min() > -1e-15
    local = mk.entropy_production(grid, b, "local")
    assert local.min() < -1e-3 and (local < 0).any()
    # single model: the same as the Landauer entropy production of nadlib.transport
    bb = nad.Baths(0.05, 0.2, 1.0, 0.2)
    np.testing.assert_allclose(mk.entropy_production(m, bb, "exact"), nad.entropy_production(m, bb), rtol=1e-13)
    with pytest.raises(ValueError, match="T_alpha > 0"):
        mk.entropy_production(m, nad.Baths(0.0, 0.1, 1.0, 0.2), "local")


def test_heat_engine():
    m = nad.Model(**FIG5)
    V = np.linspace(0.0, 0.6, 121)[1:]
    out = mk.heat_engine(m, 0.2, 0.05, 0.6, V)
    ex = out["exact"]
    i = int(np.argmax(ex.power))
    b = nad.Baths(0.2, 0.05, 0.6 - V[i] / 2, 0.6 + V[i] / 2)
    J = nad.currents(m, b)
    np.testing.assert_allclose(ex.P_max, V[i] * J.particle, rtol=1e-13)
    np.testing.assert_allclose(ex.eta_at_P_max, V[i] * J.particle / (J.energy - b.mu_L * J.particle), rtol=1e-13)
    assert out["carnot"] == pytest.approx(0.75) and out["curzon_ahlborn"] == pytest.approx(0.5)
    for k in ("exact",) + mk.KINDS:
        assert np.all(out[k].efficiency <= out["carnot"] + 1e-12)
        assert np.all(out[k].efficiency >= 0)
    # at g = 0.5 >> Gamma the local equation overstates the maximum power
    assert out["local"].P_max > 1.5 * ex.P_max
    assert abs(out["global"].P_max / ex.P_max - 1) < 0.05


# --------------------------------------------------------------------------- bad input

def test_bad_input():
    m = nad.Model(**FIG5)
    b = nad.Baths(0.05, 0.05, 1.0, 0.2)
    with pytest.raises(ValueError, match="kind must be one of"):
        nad.master_equation(m, b, "secular")
    with pytest.raises(ValueError, match="fermionic"):
        nad.lindblad_steady_state(m, nad.Baths(1.0, 1.0, -11.0, -12.0, statistics="bose"), "global")
    grid_b = nad.Baths(0.05, 0.05, np.array([1.0, 1.2]), 0.2)
    with pytest.raises(ValueError, match="scalar Baths"):
        nad.lindblad_generator(m, grid_b, "local")
    with pytest.raises(ValueError, match="method='lyapunov'"):
        nad.lindblad_steady_state(m, grid_b, "local", method="kernel")
    with pytest.raises(ValueError, match="method must be"):
        nad.lindblad_steady_state(m, b, "local", method="svd")
    with pytest.raises(ValueError, match="reservoir must be"):
        nad.lindblad_currents(m, b, "local", reservoir="X")
    with pytest.raises(ValueError, match="Omega"):
        mk.exact_reference(np.array([m, nad.Model(1.0, 0.0, 0.5, 0.01, 20.0)], dtype=object), b)
    with pytest.raises(ValueError, match="array of Models"):
        nad.master_equation(np.array([1.0, 2.0]), b, "local")
    with pytest.raises(ValueError, match="broadcast"):
        nad.master_equation(mk.model_grid(m, g=[0.1, 0.2, 0.3]), grid_b, "local")
    with pytest.raises(ValueError, match="unknown axis"):
        mk.error_map(m, b, Omega=[5.0, 10.0])
    with pytest.raises(ValueError, match="one or two axes"):
        mk.error_map(m, b)
    with pytest.raises(ValueError, match="Eq. \\(34\\)"):
        mk.model_grid(m, Gamma=[0.01, 9.99])
    with pytest.raises(ValueError, match="T_hot > T_cold"):
        mk.heat_engine(m, 0.05, 0.2, 0.6, [0.1])
    with pytest.raises(ValueError, match="limit"):
        nad.master_equation(m, nad.Baths(np.zeros((2100, 2100)), 0.05, 1.0, 0.2), "global")


def test_to_qutip_without_qutip(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, "qutip", None)
    with pytest.raises(ImportError, match="optional dependency"):
        nad.to_qutip(np.eye(16))


def test_master_equations_explorer_reacts():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from nadlib import widgets as W
    box = W.master_equations_explorer(n=9)
    before = box.readout.value
    assert "within 1 %" in before and "invalid" not in before
    box.sliders["x"].value = "T"
    assert box.readout.value != before and "invalid" not in box.readout.value
    box.sliders["y"].value = "T"
    assert "invalid parameters" in box.readout.value and "different" in box.readout.value
    box.sliders["y"].value = "bias"
    box.sliders["kinds"].value = ("local",)
    assert "global" not in box.readout.value
    from nadlib import figures as F
    d = F.master_equations_data(x="delta", y="Gamma", quantity="energy", kinds=("global",), n=5)
    assert d["maps"]["global"].shape == (5, 5)
    plt.close("all")

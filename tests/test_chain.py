"""Tests of nadlib.chain.FiniteChain, the brute-force 2 + 2M site reference (Sec. III A).

Every test names the equation or limit it checks and states its tolerance.  The independent
routes used here are: closed forms of the isolated chain (Eqs. (12)-(13), (15), (19)); a dense
matrix exponential of the single-particle Hamiltonian; a many-body Fock-space simulation of a
short chain (Jordan-Wigner, 2^8 states), which checks D(t) for non-Gaussian initial states and
the Gibbs state (39) without any Wick argument; finite differences of conserved quantities for
the currents (40)-(42); and the pole term of the exact propagator (Eqs. (36), (53), A1-A2).
"""
import time
import warnings

import numpy as np
import pytest
from scipy import integrate
from scipy.linalg import expm

import nadlib as nad
from nadlib.chain import FiniteChain

# A generic, fast parameter set: both levels well inside the band, leads out of equilibrium.
M_GEN = nad.Model(h=1.0, delta=0.3, g=0.5, Gamma=0.5, Omega=10.0)
B_GEN = nad.Baths(T_L=0.5, T_R=0.3, mu_L=1.5, mu_R=-0.5)
C0_COH = np.array([[0.6, 0.2 - 0.1j], [0.2 + 0.1j, 0.5]])     # eigenvalues 0.31, 0.79


@pytest.fixture(scope="module")
def chain():
    """Generic chain valid up to t_max = 20 (M chosen by the recurrence and thermal rules)."""
    return FiniteChain(M_GEN, B_GEN, t_max=20.0)


def _stencil(f, t, h):
    """Fourth-order centred derivative f'(t) from f at t +- h, t +- 2h (f vectorised over t)."""
    ts = np.stack([t - 2 * h, t - h, t + h, t + 2 * h])
    fs = f(ts)
    return (fs[0] - 8 * fs[1] + 8 * fs[2] - fs[3]) / (12 * h)


# --------------------------------------------------------------------------- 1. Hamiltonian

def test_hamiltonian_eq10_14_16(chain):
    """Eqs. (10), (11), (14), (16): system block R h_S R^T = diag(E_1, E_2) to 1e-14; lead hopping
    -Omega/2, contact +sqrt(Gamma Omega)/2 (A11), zero lead on-site energies, exactly."""
    m, M = M_GEN, chain.M
    h = chain.hamiltonian
    s = chain.sys_index
    np.testing.assert_allclose(h[np.ix_(s, s)], m.h_S, atol=0)
    np.testing.assert_allclose(m.R @ h[np.ix_(s, s)] @ m.R.T, np.diag(m.E), atol=1e-14)
    for alpha in (0, 1):
        A = chain.lead_index[alpha]
        assert h[s[alpha], A[0]] == np.sqrt(m.Gamma * m.Omega) / 2          # Eq. (14)
        np.testing.assert_array_equal(h[A[:-1], A[1:]], -m.Omega / 2)      # Eq. (11)
        np.testing.assert_array_equal(h[A, A], 0.0)
        # the system site couples to A_1 only
        assert np.count_nonzero(h[s[alpha], A]) == 1
    assert chain.N == 2 * M + 2 and np.allclose(h, h.T)


# --------------------------------------------------------------------------- 2. isolated chain

def test_isolated_chain_spectrum_eq12_13_15(chain):
    """Eqs. (12)-(13): eigenvalues -Omega cos(pi k/(M+1)) to 1e-12 Omega; end-site weights
    |<A_1|q>|^2 = 2 sin^2 q/(M+1) to 1e-13; |tau_q|^2 = Gamma Omega sin^2 q/(2M+2) (Eq. (15))."""
    M, Om = chain.M, M_GEN.Omega
    q = np.pi * np.arange(1, M + 1) / (M + 1)
    np.testing.assert_allclose(chain.chain_energies, -Om * np.cos(q), atol=1e-12 * Om)
    np.testing.assert_allclose(chain.chain_vectors[0] ** 2, 2 * np.sin(q) ** 2 / (M + 1), atol=1e-13)
    np.testing.assert_allclose(chain.tunnel_couplings ** 2,
                               M_GEN.Gamma * Om * np.sin(q) ** 2 / (2 * M + 2), rtol=1e-10, atol=1e-16)


# --------------------------------------------------------------------------- 3. spectral density

def _cumulative_newns(x, Gamma, Omega):
    """int_{-Omega}^x J_N(w) dw for the Newns density (19), in closed form."""
    u = np.clip(x / Omega, -1, 1)
    return Gamma * Omega / (2 * np.pi) * ((u * np.sqrt(1 - u * u) + np.arcsin(u)) / 2 + np.pi / 4)


def test_spectral_density_eq18_to_19():
    """Eq. (18) -> (19): the staircase sum_{w_q <= x} |tau_q|^2 against int_{-Omega}^x J_N.

    Total weight Gamma*Omega/4 to 1e-13.  Halfway between levels the staircase matches the
    continuum to 1e-2 of the largest step Gamma*Omega/(2M+2) (measured 8e-4 of it at M = 400);
    at each level, counted in, it overshoots by half that level's own step |tau_q|^2 (to 1e-2 of
    the largest step).  A factor 2 in the
    contact hopping (the other reading of (14), A11) would fail both by O(1).
    """
    m = M_GEN
    ch = FiniteChain(m, B_GEN, M=400)
    w, tau2 = ch.chain_energies, ch.tunnel_couplings ** 2
    step = m.Gamma * m.Omega / (2 * ch.M + 2)
    stair = np.cumsum(tau2)
    np.testing.assert_allclose(stair[-1], m.Gamma * m.Omega / 4, rtol=1e-13)
    mid = 0.5 * (w[1:] + w[:-1])
    assert np.max(np.abs(stair[:-1] - _cumulative_newns(mid, m.Gamma, m.Omega))) < 1e-2 * step
    after = stair - _cumulative_newns(w, m.Gamma, m.Omega)
    np.testing.assert_allclose(after, 0.5 * tau2, atol=1e-2 * step)


# --------------------------------------------------------------------------- 4. empty leads

def test_empty_leads_vacuum_and_decay_eq17_36_53():
    """Leads empty (mu = -2 Omega, T = 0) and Gamma/Omega = 0.01.

    * Vacuum stays vacuum: |C(t)| < 1e-12.
    * Eq. (17): identical leads decouple the modes, so G_12 = 0 and, from C0 = diag(1, 0),
      C_22 = C_12 = 0 to 1e-12 and C_11 = |G_1|^2 to 1e-13.
    * EPA level: C_jj(t) ~ exp(-Gamma_j t), Gamma_j of Eq. (36), for t in [0, 3/Gamma], to 3 Gamma/Omega
      relative (the residue |p_j|^2 = 1 + O(Gamma/Omega) and the band-edge tail; measured 1.02e-2).
    * Pole term (A1, A2): G_j(t) = p_j exp(-i E'_j t - Gamma_j t/2) to 5e-4 for t >= 0.5
      (measured 2e-4: the remainder is the band-edge tail err_j(t) of App. E).
    """
    m = nad.Model(h=1.0, delta=0.3, g=0.5, Gamma=0.1, Omega=10.0)
    b = nad.Baths(T_L=0.0, T_R=0.0, mu_L=-20.0, mu_R=-20.0)
    t = np.linspace(0, 3 / m.Gamma, 61)
    ch = FiniteChain(m, b, t_max=t[-1])
    assert np.max(np.abs(ch.correlation_matrix(t))) < 1e-12
    G = ch.propagator(t)
    assert np.max(np.abs(G[:, 0, 1])) < 1e-12 and np.max(np.abs(G[:, 1, 0])) < 1e-12
    r = m.Gamma / m.Omega
    for j in range(2):
        C0 = np.zeros((2, 2))
        C0[j, j] = 1.0
        C = ch.correlation_matrix(t, C0=C0)
        k = 1 - j
        assert np.max(np.abs(C[:, k, k])) < 1e-12 and np.max(np.abs(C[:, 0, 1])) < 1e-12
        np.testing.assert_allclose(C[:, j, j].real, np.abs(G[:, j, j]) ** 2, atol=1e-13)
        epa = np.exp(-m.Gamma_j[j] * t)
        assert np.max(np.abs(C[:, j, j].real - epa) / epa) < 3 * r
        p = np.sqrt((m.Omega ** 2 - (m.E_shifted[j] - 0.5j * m.Gamma_j[j]) ** 2)
                    / (m.Omega ** 2 - m.Gamma * m.Omega - m.E[j] ** 2))
        pole = p * np.exp(-1j * m.E_shifted[j] * t - m.Gamma_j[j] * t / 2)
        late = t >= 0.5
        assert np.max(np.abs(G[late, j, j] - pole[late])) < 5e-4


# --------------------------------------------------------------------------- 5. conservation

def test_particle_number_conserved():
    """[H, N] = 0: N_L + N_R + n_L + n_R from three separate row sets is constant to 1e-10,
    and so is the trace of the full correlation matrix."""
    ch = FiniteChain(M_GEN, B_GEN, M=60)
    t = np.array([0.0, 1.3, 4.0, 9.0])
    NL, NR = ch.lead_number(t, C0_COH, alpha=0), ch.lead_number(t, C0_COH, alpha=1)
    nS = np.trace(ch.local_correlation_matrix(t, C0_COH), axis1=-2, axis2=-1).real
    tot = NL + NR + nS
    np.testing.assert_allclose(tot, tot[0], atol=1e-10)
    full = np.trace(ch.full_correlation_matrix(t, C0_COH), axis1=-2, axis2=-1).real
    np.testing.assert_allclose(full, tot[0], atol=1e-10)
    # the initial lead numbers are the grand-canonical ones, sum_q f_alpha(omega_q) (Eq. (20))
    np.testing.assert_allclose(NL[0], nad.fermi(ch.chain_energies, 1.5, 0.5).sum(), atol=1e-10)


def test_dense_expm_route():
    """Heisenberg evolution <c_a^dag(t) c_b(t)> = (U^* C0 U^T)_ab with U = expm(-i h t) built
    densely, C0 = C0site (+) f_L(h_chain) (+) f_R(h_chain) from numpy.linalg.eigh: agreement 1e-13."""
    ch = FiniteChain(M_GEN, B_GEN, M=8)
    h, R = ch.hamiltonian, M_GEN.R
    C0full = np.zeros((ch.N, ch.N), complex)
    s = ch.sys_index
    C0full[np.ix_(s, s)] = R.T @ C0_COH @ R
    for alpha, (mu, T) in enumerate([(1.5, 0.5), (-0.5, 0.3)]):
        A = ch.lead_index[alpha]
        w, v = np.linalg.eigh(h[np.ix_(A, A)])
        C0full[np.ix_(A, A)] = (v * nad.fermi(w, mu, T)) @ v.T
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)      # t > 2M/Omega is fine for this identity
        for t in (0.0, 0.37, 2.9):
            U = expm(-1j * h * t)
            ref = U.conj() @ C0full @ U.T
            np.testing.assert_allclose(ch.full_correlation_matrix(t, C0_COH), ref, atol=1e-13)
            np.testing.assert_allclose(ch.correlation_matrix(t, C0_COH),
                                       R @ ref[np.ix_(s, s)] @ R.T, atol=1e-13)


# --------------------------------------------------------------------------- 6. equilibrium

def test_equilibrium_approaches_gibbs_eq38_39_C1():
    """Equal baths: C(t) at Gamma t = 20 equals the reduced global Gibbs state (39) to 1e-4, with
    |C_12| < 1e-4 (Eq. (38)); the Gibbs populations equal int phi_j f (Eq. (C1), phi_j from Model.phi,
    scipy quad) to 1e-6 (finite-M and O(e^{-Gamma t}) effects are far below these)."""
    m = nad.Model(h=1.0, delta=0.3, g=0.5, Gamma=1.0, Omega=10.0)
    T, mu = 0.5, 0.8
    b = nad.Baths(T_L=T, T_R=T, mu_L=mu, mu_R=mu)
    ch = FiniteChain(m, b, t_max=20.0)
    Cg = ch.gibbs_state(T, mu)
    C = ch.correlation_matrix(np.array([20.0]), C0=C0_COH)[0]
    assert np.max(np.abs(C - Cg)) < 1e-4
    assert abs(C[0, 1]) < 1e-4 and abs(Cg[0, 1]) < 1e-12
    for j in range(2):
        f = lambda w: m.phi(w)[j] * nad.fermi(w, mu, T)
        pts = sorted({-m.Omega, m.E_shifted[j] - 1, m.E_shifted[j], m.E_shifted[j] + 1, mu, m.Omega})
        ref = sum(integrate.quad(f, a, c, epsabs=1e-13, limit=200)[0] for a, c in zip(pts[:-1], pts[1:]))
        assert abs(Cg[j, j].real - ref) < 1e-6


# --------------------------------------------------------------------------- 7-8. currents

def test_particle_current_continuity_eq40_42(chain):
    """Continuity d<n_L>/dt = J^P_L - J^P_S, d<n_R>/dt = J^P_R + J^P_S, J^P_S = g Im C^site_LR
    (Eq. (42)), and J^P_L = -d<N_L>/dt (Eq. (40)); 4th-order centred differences (h = 1e-3),
    tolerance 1e-8."""
    t = np.array([0.3, 2.0, 7.5, 19.0])
    g = M_GEN.g
    Cs = chain.local_correlation_matrix(t, C0_COH)
    JS = g * Cs[:, 0, 1].imag
    JL = chain.particle_current(t, C0_COH, alpha=0)
    JR = chain.particle_current(t, C0_COH, alpha=1)
    dn = _stencil(lambda s: chain.local_correlation_matrix(s, C0_COH), t, 1e-3)
    np.testing.assert_allclose(dn[:, 0, 0].real, JL - JS, atol=1e-8)
    np.testing.assert_allclose(dn[:, 1, 1].real, JR + JS, atol=1e-8)
    dNL = _stencil(lambda s: chain.lead_number(s, C0_COH, alpha=0), t, 1e-3)
    np.testing.assert_allclose(-dNL, JL, atol=1e-8)


def test_energy_current_eq41(chain):
    """J^E_alpha = -d<H_alpha>/dt (Eq. (41)) against 4th-order centred differences of <H_alpha>(t),
    h = 1e-3, tolerance 1e-7 (|J^E| ~ 0.1-1).  A sign error or the wrong bond (A_1 instead of A_2)
    fails by O(|J^E|)."""
    t = np.array([0.3, 2.0, 7.5, 19.0])
    for alpha in (0, 1):
        JE = chain.energy_current(t, C0_COH, alpha=alpha)
        dH = _stencil(lambda s: chain.lead_energy(s, C0_COH, alpha=alpha), t, 1e-3)
        np.testing.assert_allclose(-dH, JE, atol=1e-7)
        assert np.max(np.abs(JE)) > 1e-2


def test_currents_become_homogeneous(chain):
    """Steady state (Sec. III D): J^P_L = J^P_S = -J^P_R and J^E_L = -J^E_R, at t = 20 = 10/Gamma,
    to 1e-3 (the O(exp(-Gamma_j t/2)) transient; 2e-3 at t = 10); particles flow from the
    high-mu lead (mu_L > mu_R)."""
    t = np.array([20.0])
    JL, JR = chain.particle_current(t, alpha=0)[0], chain.particle_current(t, alpha=1)[0]
    JS = M_GEN.g * chain.local_correlation_matrix(t)[0, 0, 1].imag
    assert JL > 0.01
    assert abs(JL + JR) < 1e-3 and abs(JL - JS) < 1e-3
    EL, ER = chain.energy_current(t, alpha=0)[0], chain.energy_current(t, alpha=1)[0]
    assert abs(EL + ER) < 1e-3


# --------------------------------------------------------------------------- 9. validation

def test_validation_errors():
    """Bad input raises ValueError naming the condition (DESIGN.md)."""
    ch = FiniteChain(M_GEN, B_GEN, M=20)
    with pytest.raises(ValueError, match="Hermitian"):
        ch.correlation_matrix(0.1, C0=[[0.5, 0.1], [0.2, 0.5]])
    with pytest.raises(ValueError, match=r"0 <= C0 <= 1"):
        ch.correlation_matrix(0.1, C0=np.diag([1.2, 0.0]))
    with pytest.raises(ValueError, match=r"0 <= C0 <= 1"):
        ch.correlation_matrix(0.1, C0=np.diag([-0.1, 0.0]))
    with pytest.raises(ValueError, match="shape"):
        ch.correlation_matrix(0.1, C0=np.eye(3) * 0.5)
    with pytest.raises(ValueError, match="D0 inconsistent with C0"):
        ch.double_occupancy(0.1, C0=np.diag([0.5, 0.5]), D0=0.6)      # D0 > min(C11, C22)
    with pytest.raises(ValueError, match="D0 inconsistent with C0"):
        ch.double_occupancy(0.1, C0=np.diag([0.8, 0.8]), D0=0.5)      # D0 < C11 + C22 - 1
    with pytest.raises(ValueError, match="D0 inconsistent with C0"):
        ch.double_occupancy(0.1, C0=C0_COH, D0=0.45)                   # |C12|^2 > (C11-D0)(C22-D0)
    with pytest.raises(ValueError, match="recurrence"):
        FiniteChain(M_GEN, B_GEN, M=40, t_max=8.0)                     # 2M/Omega = 8 <= t_max
    with pytest.raises(ValueError, match="scalar Baths"):
        FiniteChain(M_GEN, nad.Baths(T_L=[0.1, 0.2], T_R=0.1, mu_L=0.0, mu_R=0.0), M=20)
    with pytest.raises(ValueError, match="t_max"):
        FiniteChain(M_GEN, B_GEN)
    with pytest.raises(ValueError, match="M >= 2"):
        FiniteChain(M_GEN, B_GEN, M=1)
    with pytest.raises(ValueError, match="T >= 0"):
        ch.gibbs_state(-0.1, 0.0)
    # times at or beyond the recurrence: a RuntimeWarning, or ValueError when strict
    with pytest.warns(RuntimeWarning, match="reflections"):
        ch.correlation_matrix([0.0, ch.recurrence_time])
    with pytest.raises(ValueError, match="recurrence"):
        ch.particle_current(ch.recurrence_time, strict=True)


def test_choice_of_M():
    """The automatic M: recurrence rule 2M/Omega > t_max, and the thermal rule keeps
    exp(-pi T (2M - Omega t_max)/Omega) <= tol; T = 0 with mu in the band warns."""
    ch = FiniteChain(M_GEN, B_GEN, t_max=10.0, tol=1e-6)
    assert ch.recurrence_time > 10.0
    assert ch.finite_size_error(10.0) <= 1e-6
    assert ch.M == max(FiniteChain.required_M(M_GEN, B_GEN, 10.0, 1e-6))
    # at this low-ish temperature the thermal rule, not the recurrence rule, sets M
    M_rec, M_th = FiniteChain.required_M(M_GEN, nad.Baths(0.05, 0.3, 1.5, -0.5), 10.0, 1e-6)
    assert M_th > M_rec
    with pytest.warns(RuntimeWarning, match="T = 0"):
        FiniteChain(M_GEN, nad.Baths(0.0, 0.3, 0.5, 0.0), t_max=2.0)
    # empty leads: no thermal margin needed, the recurrence rule sets M
    b0 = nad.Baths(0.0, 0.0, -20.0, -20.0)
    assert FiniteChain.required_M(M_GEN, b0, 10.0) == (int(np.ceil(1.1 * 10 * 10 / 2)) + 50, 0)


# --------------------------------------------------------------------------- 10. D(t) and Fock space

def _jordan_wigner(n):
    """Annihilators of n fermionic modes on 2^n states (mode 0 is the most significant bit)."""
    a = np.array([[0.0, 1.0], [0.0, 0.0]])
    Z, I = np.diag([1.0, -1.0]), np.eye(2)
    ops = []
    for k in range(n):
        mats = [Z] * k + [a] + [I] * (n - k - 1)
        op = mats[0]
        for x in mats[1:]:
            op = np.kron(op, x)
        ops.append(op)
    return ops


@pytest.fixture(scope="module")
def fock_chain():
    """Many-body reference for M = 3 (8 sites, 256 states), Omega = 2 so that 2M/Omega = 3."""
    m = nad.Model(h=0.3, delta=0.2, g=0.4, Gamma=0.5, Omega=2.0)
    b = nad.Baths(T_L=0.4, T_R=0.15, mu_L=0.6, mu_R=-0.2)
    ch = FiniteChain(m, b, M=3)
    c = _jordan_wigner(ch.N)
    cd = [x.T for x in c]                                   # real matrices: dagger = transpose
    h = ch.hamiltonian
    H = sum(h[i, j] * cd[i] @ c[j] for i in range(ch.N) for j in range(ch.N) if h[i, j] != 0)
    R = m.R
    sL, sR = ch.sys_index
    d = [R[j, 0] * c[sL] + R[j, 1] * c[sR] for j in range(2)]
    dd = [x.T for x in d]
    E, W = np.linalg.eigh(H)                                # U(t) = W exp(-i E t) W^T, reused
    return m, b, ch, c, cd, (H, E, W), d, dd


def _lead_state(ch, c, cd, b):
    """Product of the two grand-canonical lead states (20), each exp(-(H_a - mu_a N_a)/T_a)/Z."""
    h = ch.hamiltonian
    rho = np.eye(c[0].shape[0])
    for alpha, (T, mu) in enumerate([(float(b.T_L), float(b.mu_L)), (float(b.T_R), float(b.mu_R))]):
        A = ch.lead_index[alpha]
        K = sum((h[i, j] - mu * (i == j)) * cd[i] @ c[j] for i in A for j in A)
        r = expm(-K / T)
        rho = rho @ (r / np.trace(r) * 2 ** (ch.N - len(A)))   # identity on the other modes
    return rho


def _system_state(C0, D0, d, dd):
    """Number-conserving two-mode state with <d_j^dag d_k> = C0_jk and <n_1 n_2> = D0."""
    n = [dd[j] @ d[j] for j in range(2)]
    Id = np.eye(d[0].shape[0])
    P0 = (Id - n[0]) @ (Id - n[1])
    rho1 = (C0 - D0 * np.eye(2)).T                        # <1_k| rho |1_j> = C0_jk - D0 delta_jk
    p00 = 1 - C0[0, 0].real - C0[1, 1].real + D0
    rho = p00 * P0 + D0 * n[0] @ n[1]
    for j in range(2):
        for k in range(2):
            rho = rho + rho1[j, k] * dd[j] @ P0 @ d[k]
    return rho


@pytest.mark.parametrize("C0, D0", [
    (np.diag([0.5, 0.5]), 0.5),          # (|00><00| + |11><11|)/2: maximally non-Gaussian
    (C0_COH, 0.3),                       # coherent, D0 != det C0 = 0.25
    (np.eye(2), 1.0),                    # the pure state |11>
], ids=["cat", "coherent", "11"])
def test_double_occupancy_fock_space_eq22_31(fock_chain, C0, D0):
    """D(t) of Eq. (22) and C(t) of Eq. (21) against exact many-body evolution in Fock space
    (no Wick theorem used there), to 1e-12, for non-Gaussian initial states; this checks the
    formula D(t) = det C(t) + |det G(t)|^2 (D0 - det C0) used by FiniteChain (Eq. (31))."""
    m, b, ch, c, cd, (H, E, W), d, dd = fock_chain
    rho0 = _system_state(np.asarray(C0, complex), D0, d, dd) @ _lead_state(ch, c, cd, b)
    np.testing.assert_allclose(np.trace(rho0), 1.0, atol=1e-12)
    t = np.array([0.0, 0.7, 1.9, 2.8])                      # 2M/Omega = 3
    C = ch.correlation_matrix(t, C0)
    D = ch.double_occupancy(t, C0, D0)
    nn = dd[0] @ dd[1] @ d[1] @ d[0]
    for k, tk in enumerate(t):
        U = (W * np.exp(-1j * E * tk)) @ W.T
        rho = U @ rho0 @ U.conj().T
        np.testing.assert_allclose(D[k], np.trace(rho @ nn).real, atol=1e-12)
        Cmb = np.array([[np.trace(rho @ dd[j] @ d[kk]) for kk in range(2)] for j in range(2)])
        np.testing.assert_allclose(C[k], Cmb, atol=1e-12)
    assert abs(D[0] - D0) < 1e-14


def test_gibbs_state_fock_space_eq39(fock_chain):
    """Eq. (39): the 2x2 block of f(h_full) equals Tr[rho_G d_j^dag d_k] of the many-body Gibbs state
    exp(-(H - mu N)/T)/Z, to 1e-12; at T = 0 the Gibbs state is the filled Fermi sea (mu off-level)."""
    m, b, ch, c, cd, (H, E, W), d, dd = fock_chain
    Ntot = sum(cd[i] @ c[i] for i in range(ch.N))
    for T, mu in [(0.4, 0.3), (2.0, -0.5)]:
        r = expm(-(H - mu * Ntot) / T)
        r /= np.trace(r)
        Cmb = np.array([[np.trace(r @ dd[j] @ d[k]) for k in range(2)] for j in range(2)])
        np.testing.assert_allclose(ch.gibbs_state(T, mu), Cmb, atol=1e-12)
    eps, V = np.linalg.eigh(ch.hamiltonian)
    mu0 = 0.5 * (eps[3] + eps[4])                           # between levels: a unique ground state
    Vs = m.R @ V[ch.sys_index][:, :4]
    np.testing.assert_allclose(ch.gibbs_state(0.0, mu0), Vs @ Vs.T, atol=1e-12)


def test_double_occupancy_gaussian_and_decay(chain):
    """Wick: a Gaussian initial state (D0 = C11 C22 - |C12|^2) gives D(t) = det C(t) to 1e-10; |11>
    (C0 = 1, D0 = 1) starts at D = 1 and decays (D(20) < 0.5), and D stays in [0, min(C11, C22)]."""
    t = np.linspace(0, 20, 21)
    D0 = (C0_COH[0, 0] * C0_COH[1, 1]).real - abs(C0_COH[0, 1]) ** 2
    C = chain.correlation_matrix(t, C0_COH)
    detC = (C[:, 0, 0] * C[:, 1, 1]).real - np.abs(C[:, 0, 1]) ** 2
    np.testing.assert_allclose(chain.double_occupancy(t, C0_COH, D0), detC, atol=1e-10)
    D = chain.double_occupancy(t, np.eye(2), 1.0)
    C = chain.correlation_matrix(t, np.eye(2))
    assert abs(D[0] - 1) < 1e-14 and D[-1] < 0.5
    assert np.all(D > -1e-12) and np.all(D <= np.minimum(C[:, 0, 0].real, C[:, 1, 1].real) + 1e-12)


# --------------------------------------------------------------------------- cross-check, Fig. 4(a)

def test_against_analytic_solution_eq29_31():
    """Cross-check with the analytic route (nadlib.exact, Eqs. (29)-(31)) at Omega = 10, T = 0.2:
    C(t) and D(t) from a coherent, non-Gaussian initial state agree to 1e-8 (finite-M estimate
    exp(-pi T (2M - Omega t)/Omega) <= 1e-6 by the thermal rule)."""
    m = nad.Model(h=1.0, delta=0.1, g=0.5, Gamma=0.2, Omega=10.0)
    b = nad.Baths(T_L=0.2, T_R=0.2, mu_L=1.0, mu_R=0.0)
    t = np.linspace(0, 20, 6)
    ch = FiniteChain(m, b, t_max=20.0)
    np.testing.assert_allclose(ch.correlation_matrix(t, C0_COH),
                               nad.correlation_matrix(m, b, t, C0=C0_COH), atol=1e-8)
    np.testing.assert_allclose(ch.double_occupancy(t, C0_COH, 0.3),
                               nad.double_occupancy(m, b, t, C0=C0_COH, D0=0.3), atol=1e-8)


@pytest.mark.slow
def test_fig4a_timing():
    """Fig. 4(a) (Gamma = 0.2, Omega = 100, delta = 0.1, g = 0.5, h = 1, mu_L = 1, mu_R = 0, T = 0.1),
    200 times up to Gamma t = 5, with the recurrence-rule M = 1426 (the thermal rule would ask for
    M = 3449, too slow for a unit test).  Checks 0 <= C(t) <= 1 to 1e-10, C(0) = 0, and C(25)
    against the t -> inf values quoted for Eq. (32) (0.118, 0.356, 0.016 + 0.083i) to 5e-3: the
    residual relaxation e^{-Gamma_j t} ~ 7e-3 of the initial offset plus the finite-M error (~3e-3)."""
    m = nad.Model(h=1.0, delta=0.1, g=0.5, Gamma=0.2, Omega=100.0)
    b = nad.Baths(T_L=0.1, T_R=0.1, mu_L=1.0, mu_R=0.0)
    t = np.linspace(0, 25, 200)
    t0 = time.perf_counter()
    M = FiniteChain.required_M(m, b, 25.0)[0]
    ch = FiniteChain(m, b, M=M, t_max=25.0)
    C = ch.correlation_matrix(t)
    elapsed = time.perf_counter() - t0
    print(f"Fig. 4(a): M = {ch.M}, N = {ch.N}, 200 times in {elapsed:.2f} s, "
          f"finite-size estimate at t = 25: {ch.finite_size_error(25.0):.1e}")
    assert ch.M == 1426
    assert np.max(np.abs(C[0])) < 1e-14
    ev = np.linalg.eigvalsh(C)
    assert ev.min() > -1e-10 and ev.max() < 1 + 1e-10
    ref = np.array([[0.118, 0.016 + 0.083j], [0.016 - 0.083j, 0.356]])
    assert np.max(np.abs(C[-1] - ref)) < 5e-3


@pytest.mark.parametrize("T", [0.0, 0.01, 0.3])
def test_semi_infinite_leads_match_analytic(T):
    """Semi-infinite lead initial state (leads="semi-infinite"): exact until t = M/Omega at any T.

    The finite lead's own Gibbs state needs M >> Omega/(pi T) at low T; the restriction of the
    semi-infinite state does not (image formula c(m - n) - c(m + n)).  Compared with Eqs. (29)-(30).
    """
    m = nad.Model(1.0, 0.2, 0.5, 0.3, 10.0)
    b = nad.Baths(T, T, 1.2, 0.3)
    t = np.linspace(0, 10, 6)
    ch = FiniteChain(m, b, t_max=10.0, leads="semi-infinite")
    assert ch.recurrence_time > 10.0 and ch.M == int(np.ceil(1.1 * 10 * 10)) + 50
    np.testing.assert_allclose(ch.correlation_matrix(t), nad.correlation_matrix(m, b, t), atol=1e-11)
    with pytest.raises(ValueError, match="leads"):
        FiniteChain(m, b, t_max=1.0, leads="infinite")

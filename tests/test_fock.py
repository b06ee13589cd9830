"""Tests of nadlib.fock: the two-mode Fock space and the superoperator toolbox.

The central check is an independent route to the exact master equation: the
16 x 16 Fock-space generator of Eqs. (50)-(51), applied to a state and reduced to
C and D, must reproduce the correlation-matrix equations (48) and (49).
"""
import numpy as np
import pytest
from scipy.linalg import expm, solve_sylvester

from nadlib import fock
from nadlib.fock import (adjoint, annihilators, canonical_form, choi_matrix, commutator_super,
                         correlation_from_rho, dissipator_from_rates, double_occupancy_from_rho, expect,
                         fixed_points, gaussian_state, generator, hamiltonian_from_matrix,
                         lindblad_dissipator, mode_operators, relative_entropy_production, spost,
                         spre, sprepost, state_from_correlations, steady_density_matrix, unvec, vec,
                         von_neumann_entropy)

SEEDS = [1, 2, 3, 4, 5]


# --------------------------------------------------------------------------- helpers

def dag(A):
    return A.conj().T


def rand_complex(rng, shape):
    return rng.normal(size=shape) + 1j * rng.normal(size=shape)


def rand_hermitian(rng, n=2):
    X = rand_complex(rng, (n, n))
    return 0.5 * (X + dag(X))


def rand_unitary(rng, n=2):
    Q, R = np.linalg.qr(rand_complex(rng, (n, n)))
    return Q * (np.diag(R) / np.abs(np.diag(R)))


def rand_psd(rng, lo=0.0, hi=1.0, n=2):
    """Hermitian with eigenvalues drawn in [lo, hi]."""
    U = rand_unitary(rng, n)
    return (U * rng.uniform(lo, hi, n)) @ dag(U)


def rand_rates(rng):
    """Gamma >= 0 and Lambda^+ with 0 <= Lambda^+ <= Gamma, Lambda^- = Gamma - Lambda^+ (Eq. (47))."""
    Gamma = rand_psd(rng, 0.1, 1.0)
    w, V = np.linalg.eigh(Gamma)
    sqrtG = (V * np.sqrt(w)) @ dag(V)
    Lp = sqrtG @ rand_psd(rng, 0.0, 1.0) @ sqrtG
    Lp = 0.5 * (Lp + dag(Lp))
    return Gamma, Lp, Gamma - Lp


def rand_state_params(rng):
    """A valid (C, D) pair of a number-conserving two-mode state, generally not Gaussian."""
    C = rand_psd(rng, 0.0, 1.0)
    c11, c22 = C[0, 0].real, C[1, 1].real
    lo, hi = max(0.0, c11 + c22 - 1.0), min(c11, c22)
    while True:
        D = rng.uniform(lo, hi)
        if abs(C[0, 1]) ** 2 <= (c11 - D) * (c22 - D) and 1 - c11 - c22 + D >= 0:
            return C, D


def rand_density(rng, n=4):
    X = rand_complex(rng, (n, n))
    rho = X @ dag(X)
    return rho / np.trace(rho)


def apply(L, rho):
    return unvec(L @ vec(rho))


def anticomm(A, B):
    return A @ B + B @ A


# --------------------------------------------------------------------------- Fock space

def test_car_algebra():
    """Canonical anticommutation relations {a_j, a_k^dag} = delta_jk, {a_j, a_k} = 0."""
    a = annihilators()
    for j in range(2):
        for k in range(2):
            np.testing.assert_allclose(anticomm(a[j], dag(a[k])), np.eye(4) * (j == k),
                                       atol=1e-15)
            np.testing.assert_allclose(anticomm(a[j], a[k]), 0.0, atol=1e-15)


def test_basis_order_and_jordan_wigner_sign():
    """|n1 n2> at index n1 + 2 n2; a_2 |11> = -|10> because a_2 passes a_1^dag."""
    a1, a2 = annihilators()
    ket = np.eye(4)
    np.testing.assert_allclose(dag(a1) @ ket[0], ket[1], atol=0)      # a1^dag|00> = |10>
    np.testing.assert_allclose(dag(a2) @ ket[0], ket[2], atol=0)      # a2^dag|00> = |01>
    np.testing.assert_allclose(dag(a1) @ dag(a2) @ ket[0], ket[3], atol=0)
    np.testing.assert_allclose(a2 @ ket[3], -ket[1], atol=0)
    np.testing.assert_allclose(np.diag(dag(a1) @ a1), [0, 1, 0, 1], atol=0)
    np.testing.assert_allclose(np.diag(dag(a2) @ a2), [0, 0, 1, 1], atol=0)


def test_annihilators_are_copies():
    a1, _ = annihilators()
    a1[0, 1] = 7.0
    np.testing.assert_allclose(annihilators()[0][0, 1], 1.0, atol=0)


@pytest.mark.parametrize("seed", SEEDS)
def test_mode_operators_unitary_preserve_car(seed):
    """b_j = sum_k U_jk a_k obeys CAR for unitary U; c = R^T d is inverted by d = R c (Sec. III A)."""
    rng = np.random.default_rng(seed)
    U = rand_unitary(rng)
    b = mode_operators(U)
    a = annihilators()
    for j in range(2):
        np.testing.assert_allclose(b[j], U[j, 0] * a[0] + U[j, 1] * a[1], atol=1e-15)
        for k in range(2):
            np.testing.assert_allclose(anticomm(b[j], dag(b[k])), np.eye(4) * (j == k), atol=1e-14)
            np.testing.assert_allclose(anticomm(b[j], b[k]), 0.0, atol=1e-14)
    theta = rng.uniform(0, np.pi)
    R = np.array([[np.cos(theta), np.sin(theta)], [-np.sin(theta), np.cos(theta)]])
    c = mode_operators(R.T)
    assert np.isrealobj(c[0])
    d_back = mode_operators(R, ops=c)
    np.testing.assert_allclose(d_back, a, atol=1e-15)


# --------------------------------------------------------------------------- superoperators

def test_vec_unvec_round_trip_and_column_stacking():
    rng = np.random.default_rng(11)
    X = rand_complex(rng, (4, 4))
    np.testing.assert_allclose(unvec(vec(X)), X, atol=0)
    np.testing.assert_allclose(vec(X)[:4], X[:, 0], atol=0)   # column-stacked (Fortran order)
    np.testing.assert_allclose(vec(unvec(vec(X))), vec(X), atol=0)


def test_spre_spost_sprepost_match_matrix_products():
    """vec(A rho B) = (B^T kron A) vec(rho)."""
    rng = np.random.default_rng(12)
    A, B, rho = (rand_complex(rng, (4, 4)) for _ in range(3))
    np.testing.assert_allclose(apply(spre(A), rho), A @ rho, atol=1e-13)
    np.testing.assert_allclose(apply(spost(B), rho), rho @ B, atol=1e-13)
    np.testing.assert_allclose(apply(sprepost(A, B), rho), A @ rho @ B, atol=1e-13)
    np.testing.assert_allclose(spre(A) @ spost(B), sprepost(A, B), atol=1e-13)
    H = rand_hermitian(rng, 4)
    np.testing.assert_allclose(apply(commutator_super(H), rho), -1j * (H @ rho - rho @ H),
                               atol=1e-13)


def test_lindblad_dissipator_definition():
    """D[L] rho = L rho L^dag - 1/2 {L^dag L, rho} (Sec. II)."""
    rng = np.random.default_rng(13)
    L, rho = rand_complex(rng, (4, 4)), rand_density(rng)
    expected = L @ rho @ dag(L) - 0.5 * anticomm(dag(L) @ L, rho)
    np.testing.assert_allclose(apply(lindblad_dissipator(L), rho), expected, atol=1e-13)


def rand_lindbladian(rng, n_jumps=3):
    """A random Hermiticity-preserving, trace-preserving generator on the 4-dim space."""
    L = commutator_super(rand_hermitian(rng, 4))
    for _ in range(n_jumps):
        L = L + rng.uniform(0.1, 1.0) * lindblad_dissipator(rand_complex(rng, (4, 4)))
    return L


@pytest.mark.parametrize("seed", SEEDS)
def test_adjoint_definition(seed):
    """Heisenberg adjoint (Sec. II): Tr[B L^dag(A)] = Tr[A L(B)] for all A, B."""
    rng = np.random.default_rng(seed)
    for L in (rand_lindbladian(rng), generator(rand_hermitian(rng), *rand_rates(rng)[1:]),
              rand_complex(rng, (16, 16))):       # the last preserves no structure at all
        Ld = adjoint(L)
        for _ in range(3):
            A, B = rand_complex(rng, (4, 4)), rand_complex(rng, (4, 4))
            np.testing.assert_allclose(np.trace(B @ apply(Ld, A)), np.trace(A @ apply(L, B)),
                                       rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(adjoint(Ld), L, atol=1e-14)


def test_adjoint_of_lindbladian_is_conjugate_transpose():
    """For Hermiticity-preserving L the bilinear adjoint is the Hilbert-Schmidt one, L^H;
    and D[L]^dag A = L^dag A L - 1/2 {L^dag L, A}."""
    rng = np.random.default_rng(14)
    L = rand_lindbladian(rng)
    np.testing.assert_allclose(adjoint(L), dag(L), atol=1e-13)
    J, A = rand_complex(rng, (4, 4)), rand_complex(rng, (4, 4))
    np.testing.assert_allclose(apply(adjoint(lindblad_dissipator(J)), A),
                               dag(J) @ A @ J - 0.5 * anticomm(dag(J) @ J, A), atol=1e-12)


def test_choi_matrix():
    """Choi's theorem: identity channel -> rank-one PSD; transpose map -> swap, not PSD."""
    rng = np.random.default_rng(15)
    K = rand_complex(rng, (4, 4))
    J = choi_matrix(sprepost(K, dag(K)))
    ev = np.linalg.eigvalsh(J)
    np.testing.assert_allclose(ev[:-1], 0.0, atol=1e-12)
    np.testing.assert_allclose(ev[-1], np.trace(dag(K) @ K).real, rtol=1e-12)
    transpose_map = np.array([vec(unvec(col).T) for col in np.eye(16).T]).T
    np.testing.assert_allclose(np.linalg.eigvalsh(choi_matrix(transpose_map)).min(), -1.0,
                               atol=1e-14)


# --------------------------------------------------------------------------- Eqs. (48)-(51)

def test_hamiltonian_convention_eq50():
    """H'_S = d^dag H^T d = sum_jk H_kj d_j^dag d_k; diag(E) gives sum_j E_j n_j."""
    rng = np.random.default_rng(21)
    H = rand_hermitian(rng)
    d = annihilators()
    expected = sum(H[k, j] * dag(d[j]) @ d[k] for j in range(2) for k in range(2))
    np.testing.assert_allclose(hamiltonian_from_matrix(H), expected, atol=1e-15)
    np.testing.assert_allclose(hamiltonian_from_matrix(np.diag([1.5, -0.5])),
                               np.diag([0, 1.5, -0.5, 1.0]), atol=1e-15)


@pytest.mark.parametrize("seed", SEEDS)
def test_generator_reproduces_eq48_and_eq49(seed):
    """Fock-space generator (50)-(51) vs correlation-matrix equations (48) and (49).

    dC/dt = i[H, C] - 1/2 {Gamma, C} + Lambda^+                         (48)
    dD/dt = -Tr[Gamma] D + sum_jk (Lambda^+_jj C_kk - Lambda^+_jk C_kj)  (49)
    """
    rng = np.random.default_rng(seed)
    H = rand_hermitian(rng)
    Gamma, Lp, Lm = rand_rates(rng)
    C, D = rand_state_params(rng)
    rho = state_from_correlations(C, D)
    drho = apply(generator(H, Lp, Lm), rho)
    dC = correlation_from_rho(drho)
    dC_48 = 1j * (H @ C - C @ H) - 0.5 * (Gamma @ C + C @ Gamma) + Lp
    np.testing.assert_allclose(dC, dC_48, atol=1e-12)
    dD = double_occupancy_from_rho(drho)
    dD_49 = -np.trace(Gamma) * D + sum(Lp[j, j] * C[k, k] - Lp[j, k] * C[k, j]
                                       for j in range(2) for k in range(2))
    np.testing.assert_allclose(dD, dD_49, atol=1e-12)


def test_untransposed_hamiltonian_fails_eq48():
    """Evidence for the H^T in H'_S = d^dag H^T d: the reading d^dag H d yields i[H^T, C], not (48)."""
    rng = np.random.default_rng(22)
    H = rand_hermitian(rng)
    C, D = rand_state_params(rng)
    rho = state_from_correlations(C, D)
    Hs_wrong = sum(H[j, k] * dag(d_j) @ d_k for j, d_j in enumerate(annihilators())
                   for k, d_k in enumerate(annihilators()))
    dC = correlation_from_rho(apply(commutator_super(Hs_wrong), rho))
    np.testing.assert_allclose(dC, 1j * (H.T @ C - C @ H.T), atol=1e-13)
    assert np.abs(dC - 1j * (H @ C - C @ H)).max() > 1e-3


def test_dissipator_matches_eq51_term_by_term():
    """The superoperator equals the operator-level formula (51) on a random operator."""
    rng = np.random.default_rng(23)
    Lp, Lm = rand_hermitian(rng), rand_hermitian(rng)
    X = rand_complex(rng, (4, 4))
    d = annihilators()
    expected = np.zeros((4, 4), complex)
    for j in range(2):
        for k in range(2):
            expected += Lm[j, k] * (d[j] @ X @ dag(d[k]) - 0.5 * anticomm(dag(d[k]) @ d[j], X))
            expected += Lp[j, k] * (dag(d[k]) @ X @ d[j] - 0.5 * anticomm(d[j] @ dag(d[k]), X))
    np.testing.assert_allclose(apply(dissipator_from_rates(Lp, Lm), X), expected, atol=1e-13)


@pytest.mark.parametrize("seed", SEEDS)
def test_site_basis_form_eqs70_71(seed):
    """With c = R^T d and Lambda-bar = R^T Lambda R (Sec. V B), the site-basis form equals (51)."""
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0, np.pi)
    R = np.array([[np.cos(theta), np.sin(theta)], [-np.sin(theta), np.cos(theta)]])
    c = mode_operators(R.T)
    H = rand_hermitian(rng)
    Lp, Lm = rand_hermitian(rng), rand_hermitian(rng)
    np.testing.assert_allclose(dissipator_from_rates(R.T @ Lp @ R, R.T @ Lm @ R, ops=c), dissipator_from_rates(Lp, Lm),
                               atol=1e-13)
    np.testing.assert_allclose(generator(R.T @ H @ R, R.T @ Lp @ R, R.T @ Lm @ R, ops=c),
                               generator(H, Lp, Lm), atol=1e-13)


@pytest.mark.parametrize("seed", SEEDS)
def test_trace_and_hermiticity_preservation(seed):
    """Tr[L X] = 0 and L(X^dag) = L(X)^dag, for any Hermitian H, Lambda^+- (signs unrestricted)."""
    rng = np.random.default_rng(seed)
    L = generator(rand_hermitian(rng), rand_hermitian(rng), rand_hermitian(rng))
    np.testing.assert_allclose(vec(np.eye(4)) @ L, 0.0, atol=1e-13)
    X = rand_complex(rng, (4, 4))
    np.testing.assert_allclose(apply(L, dag(X)), dag(apply(L, X)), atol=1e-13)


@pytest.mark.parametrize("seed", SEEDS)
def test_complete_positivity(seed):
    """exp(L t) is CP (Choi matrix >= 0) when Lambda^+- >= 0, i.e. all canonical rates (52) >= 0."""
    rng = np.random.default_rng(seed)
    _, Lp, Lm = rand_rates(rng)
    L = generator(rand_hermitian(rng), Lp, Lm)
    for t in (0.05, 0.7, 5.0):
        assert np.linalg.eigvalsh(choi_matrix(expm(L * t))).min() > -1e-12


def test_negative_rate_breaks_complete_positivity():
    """A negative canonical rate (Eq. (82) counts these) makes exp(L t) non-CP at short times."""
    Lp = np.diag([0.3, 0.2])
    Lm = np.array([[0.2, 0.0], [0.0, -0.1]])
    ev = np.linalg.eigvalsh(choi_matrix(expm(generator(np.zeros((2, 2)), Lp, Lm) * 0.1)))
    assert ev.min() < -1e-3


def test_generator_broadcasts_over_leading_axes():
    rng = np.random.default_rng(24)
    H = np.array([rand_hermitian(rng) for _ in range(3)])
    Lp = np.array([rand_hermitian(rng) for _ in range(3)])
    Lm = rand_hermitian(rng)
    stacked = generator(H, Lp, Lm)
    assert stacked.shape == (3, 16, 16)
    for i in range(3):
        np.testing.assert_allclose(stacked[i], generator(H[i], Lp[i], Lm), atol=1e-15)
    rhos = np.array([state_from_correlations(*rand_state_params(rng)) for _ in range(3)])
    np.testing.assert_allclose(correlation_from_rho(rhos)[1], correlation_from_rho(rhos[1]),
                               atol=1e-15)


# --------------------------------------------------------------------------- states

@pytest.mark.parametrize("seed", SEEDS)
def test_state_from_correlations_round_trip(seed):
    """C (Eq. (21)) and D (Eq. (22)) are recovered; rho commutes with N_S (Sec. III B)."""
    rng = np.random.default_rng(seed)
    C, D = rand_state_params(rng)
    rho = state_from_correlations(C, D)
    np.testing.assert_allclose(correlation_from_rho(rho), C, atol=1e-14)
    np.testing.assert_allclose(double_occupancy_from_rho(rho), D, atol=1e-14)
    np.testing.assert_allclose(np.trace(rho), 1.0, atol=1e-14)
    N = hamiltonian_from_matrix(np.eye(2))
    np.testing.assert_allclose(N @ rho - rho @ N, 0.0, atol=1e-15)
    assert np.linalg.eigvalsh(rho).min() > -1e-14


@pytest.mark.parametrize("seed", SEEDS)
def test_gaussian_state(seed):
    """C is recovered, D = det C (Wick), and rho = exp(-d^dag P^T d)/det(1 + e^-P) with
    C = (e^P + 1)^-1 (Eq. (F6))."""
    rng = np.random.default_rng(seed)
    C = rand_psd(rng, 0.05, 0.95)
    rho = gaussian_state(C)
    np.testing.assert_allclose(correlation_from_rho(rho), C, atol=1e-14)
    np.testing.assert_allclose(double_occupancy_from_rho(rho), np.linalg.det(C), atol=1e-14)
    n, V = np.linalg.eigh(C)
    P = (V * np.log(1 / n - 1)) @ dag(V)
    rho_F6 = expm(-hamiltonian_from_matrix(P)) / np.linalg.det(np.eye(2) + expm(-P))
    np.testing.assert_allclose(rho, rho_F6, atol=1e-13)
    S = -np.sum(n * np.log(n) + (1 - n) * np.log(1 - n))
    np.testing.assert_allclose(von_neumann_entropy(rho), S, rtol=1e-12)


def test_gaussian_state_with_sharp_occupations():
    """Occupations exactly 0 or 1, where P of (F6) does not exist, still give pure/product states."""
    rng = np.random.default_rng(31)
    U = rand_unitary(rng)
    for occ in ([0, 0], [1, 1], [0, 1], [1, 0.3]):
        C = (U * np.array(occ, float)) @ dag(U)
        rho = gaussian_state(C)
        np.testing.assert_allclose(correlation_from_rho(rho), C, atol=1e-14)
        assert np.linalg.eigvalsh(rho).min() > -1e-14
    np.testing.assert_allclose(gaussian_state(np.eye(2)), np.diag([0, 0, 0, 1.0]), atol=1e-15)
    np.testing.assert_allclose(von_neumann_entropy(gaussian_state(U @ np.diag([0, 1.0]) @ dag(U))),
                               0.0, atol=1e-12)


# --------------------------------------------------------------------------- fixed points

def test_steady_state_equilibrium_is_grand_canonical_eq1():
    """Lambda^+ = Gamma F, Lambda^- = Gamma (1 - F), F = diag(f(E_j)): the fixed point is the
    Gaussian state with C = F, i.e. exp(-beta(H_S - mu N_S))/Z of Eq. (1) (cf. Eq. (59))."""
    E = np.array([1.25, 0.75])
    beta, mu = 3.0, 0.9
    f = 1 / (np.exp(beta * (E - mu)) + 1)
    Gamma, F = np.diag([0.02, 0.03]), np.diag(f)
    L = generator(np.diag(E), Gamma @ F, Gamma @ (np.eye(2) - F))
    rho = steady_density_matrix(L)
    np.testing.assert_allclose(rho, gaussian_state(F), atol=1e-12)
    K = hamiltonian_from_matrix(np.diag(E)) - mu * hamiltonian_from_matrix(np.eye(2))
    gibbs = expm(-beta * K)
    np.testing.assert_allclose(rho, gibbs / np.trace(gibbs), atol=1e-12)
    np.testing.assert_allclose(apply(L, rho), 0.0, atol=1e-15)


@pytest.mark.parametrize("seed", SEEDS)
def test_steady_state_is_gaussian_solution_of_eq48(seed):
    """The fixed point of (50)-(51) is Gaussian with the C that makes the right side of (48) vanish."""
    rng = np.random.default_rng(seed)
    H = rand_hermitian(rng)
    Gamma, Lp, Lm = rand_rates(rng)
    C_ss = solve_sylvester(1j * H - 0.5 * Gamma, -1j * H - 0.5 * Gamma, -Lp)
    rho = steady_density_matrix(generator(H, Lp, Lm))
    np.testing.assert_allclose(rho, gaussian_state(C_ss), atol=1e-11)
    np.testing.assert_allclose(rho, dag(rho), atol=0)


def test_fixed_points_of_local_dissipator_eq76():
    """g- D[a1] + g+ D[a1^dag] leaves mode 2 alone: even fixed points r_1 (x) O_2 (Eq. (76)), a
    two-dimensional space; the full operator space adds two parity-odd ones."""
    gm, gp = 0.3, 0.1
    a1, a2 = annihilators()
    L = gm * lindblad_dissipator(a1) + gp * lindblad_dissipator(dag(a1))
    fps = fixed_points(L)
    assert len(fps) == 2
    np.testing.assert_allclose(np.trace(fps[0]), 1.0, atol=1e-14)
    np.testing.assert_allclose(np.trace(fps[1]), 0.0, atol=1e-14)
    np.testing.assert_allclose(np.trace(fps[0] @ fps[1]), 0.0, atol=1e-14)
    np.testing.assert_allclose(np.trace(fps[1] @ fps[1]), 1.0, atol=1e-14)
    p1 = gp / (gm + gp)
    r1 = np.diag([1 - p1, p1])
    expected_span = [np.kron(np.diag([1.0, 0.0]), r1), np.kron(np.diag([0.0, 1.0]), r1)]
    for M in fps:
        np.testing.assert_allclose(apply(L, M), 0.0, atol=1e-14)
        coef = np.linalg.lstsq(np.array([vec(X) for X in expected_span]).T, vec(M), rcond=None)[0]
        np.testing.assert_allclose(sum(c * X for c, X in zip(coef, expected_span)), M, atol=1e-13)
    fps_all = fixed_points(L, sector="all")
    assert len(fps_all) == 4
    odd = np.kron([[0, 1], [0, 0]], r1)               # r_1 (x) |0><1|_2: parity odd, no state
    np.testing.assert_allclose(apply(L, odd), 0.0, atol=1e-15)
    with pytest.raises(ValueError, match="not unique"):
        steady_density_matrix(L)


def test_steady_state_rejects_generators_without_fixed_point():
    with pytest.raises(ValueError, match="no fixed point"):
        steady_density_matrix(-np.eye(16))
    with pytest.raises(ValueError, match="sector"):
        fixed_points(generator(np.eye(2), np.eye(2), np.eye(2)), sector="odd")
    with pytest.raises(ValueError, match="Hermiticity"):
        # The kernel {|0><v|} of rho -> A rho is not closed under Hermitian conjugation.
        fixed_points(spre(np.diag([0, 1, 2, 3.0])))


# --------------------------------------------------------------------------- canonical form (52)

def _sum_canonical(cf):
    return sum(cf.rates_minus[j] * lindblad_dissipator(cf.L_minus[j])
               + cf.rates_plus[j] * lindblad_dissipator(cf.L_plus[j]) for j in range(2))


@pytest.mark.parametrize("seed", SEEDS)
def test_canonical_form_reproduces_eq51(seed):
    """sum_{j,s} lambda^s_j D[L^s_j] = (51) for Hermitian, indefinite Lambda^+- (Eq. (52))."""
    rng = np.random.default_rng(seed)
    Lp, Lm = rand_hermitian(rng), rand_hermitian(rng)
    cf = canonical_form(Lp, Lm)
    np.testing.assert_allclose(cf.rates_plus, np.linalg.eigvalsh(Lp), atol=1e-14)
    np.testing.assert_allclose(cf.rates_minus, np.linalg.eigvalsh(Lm), atol=1e-14)
    np.testing.assert_allclose(_sum_canonical(cf), dissipator_from_rates(Lp, Lm), atol=1e-13)
    c = mode_operators(rand_unitary(rng))
    np.testing.assert_allclose(_sum_canonical(canonical_form(Lp, Lm, ops=c)),
                               dissipator_from_rates(Lp, Lm, ops=c), atol=1e-13)
    for L in (*cf.L_minus, *cf.L_plus):                 # normalised fermionic modes
        np.testing.assert_allclose(anticomm(L, dag(L)), np.eye(4), atol=1e-13)


@pytest.mark.parametrize("seed", SEEDS)
def test_printed_jump_operators_fail_A6(seed):
    """Erratum A6: the printed L^-_j = sum_k U_jk d_k, L^+_j = sum_k U_jk^* d_k^dag (rows of U
    instead of columns) do not reproduce (51) for generic Lambda^+-."""
    rng = np.random.default_rng(seed)
    Lp, Lm = rand_hermitian(rng), rand_hermitian(rng)
    lam_m, Um = np.linalg.eigh(Lm)
    lam_p, Up = np.linalg.eigh(Lp)
    d = annihilators()
    Lm_printed = mode_operators(Um)
    Lp_printed = [dag(b) for b in mode_operators(Up)]   # (sum_k U_jk d_k)^dag = sum_k U_jk^* d_k^dag
    printed = sum(lam_m[j] * lindblad_dissipator(Lm_printed[j])
                  + lam_p[j] * lindblad_dissipator(Lp_printed[j]) for j in range(2))
    assert np.abs(printed - dissipator_from_rates(Lp, Lm)).max() > 1e-3
    np.testing.assert_allclose(Lm_printed[0], Um[0, 0] * d[0] + Um[0, 1] * d[1], atol=1e-15)


def test_canonical_form_broadcasts():
    rng = np.random.default_rng(41)
    Lp = np.array([rand_hermitian(rng) for _ in range(4)])
    Lm = rand_hermitian(rng)
    cf = canonical_form(Lp, Lm)
    assert cf.L_plus.shape == (4, 2, 4, 4) and cf.rates_minus.shape == (4, 2)
    one = canonical_form(Lp[2], Lm)
    np.testing.assert_allclose(_sum_canonical(fock.CanonicalForm(*(x[2] for x in cf))),
                               _sum_canonical(one), atol=1e-13)


# --------------------------------------------------------------------------- entropies, Eq. (63)

@pytest.mark.parametrize("seed", SEEDS)
def test_spohn_inequality_eq63(seed):
    """Tr{[ln r - ln rho] L rho} >= 0 for a Lindbladian with positive rates and its fixed point r."""
    rng = np.random.default_rng(seed)
    _, Lp, Lm = rand_rates(rng)
    L = generator(rand_hermitian(rng), Lp, Lm)
    r = steady_density_matrix(L)
    for rho in (rand_density(rng), state_from_correlations(*rand_state_params(rng))):
        sigma = relative_entropy_production(L, rho, r)
        assert sigma >= -1e-14
        # It is -d/dt S(rho_t || r) at t = 0; check by a finite difference.
        def rel_ent(x):
            wx, Vx = np.linalg.eigh(x)
            wr, Vr = np.linalg.eigh(r)
            logx = (Vx * np.log(wx)) @ dag(Vx)
            logr = (Vr * np.log(wr)) @ dag(Vr)
            return np.trace(x @ (logx - logr)).real
        h = 1e-5
        deriv = (rel_ent(apply(expm(L * h), rho)) - rel_ent(apply(expm(-L * h), rho))) / (2 * h)
        np.testing.assert_allclose(sigma, -deriv, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(relative_entropy_production(L, r, r), 0.0, atol=1e-14)


def test_expect_and_entropy():
    rng = np.random.default_rng(51)
    rho = rand_density(rng)
    N = hamiltonian_from_matrix(np.eye(2))
    val = expect(N, rho)
    assert np.isrealobj(val)
    np.testing.assert_allclose(val, np.trace(N @ rho).real, atol=1e-15)
    A = rand_complex(rng, (4, 4))
    np.testing.assert_allclose(expect(A, rho), np.trace(A @ rho), atol=1e-14)
    np.testing.assert_allclose(von_neumann_entropy(np.eye(4) / 4), np.log(4), rtol=1e-14)
    np.testing.assert_allclose(von_neumann_entropy(np.diag([1.0, 0, 0, 0])), 0.0, atol=0)


# --------------------------------------------------------------------------- invalid input

@pytest.mark.parametrize("call, match", [
    (lambda: dissipator_from_rates(np.array([[0, 1], [0, 0.0]]), np.eye(2)), "Lambda_plus must be Hermitian"),
    (lambda: generator(np.eye(2), np.eye(2), [[1, 1j], [1j, 1]]), "Lambda_minus must be Hermitian"),
    (lambda: generator(np.eye(3), np.eye(2), np.eye(2)), r"H must have shape \(\.\.\., 2, 2\)"),
    (lambda: canonical_form(np.eye(2), [[0, 1], [2, 0]]), "Lambda_minus must be Hermitian"),
    (lambda: generator(np.eye(2), np.eye(2), np.eye(2), ops=annihilators()[:1]), "pair"),
    (lambda: mode_operators(np.eye(3)), "U must have shape"),
    (lambda: state_from_correlations(np.diag([0.5, 0.5]), 0.6), "D inconsistent with C"),
    (lambda: state_from_correlations([[0.5, 0.5], [0.5, 0.5]], 0.1), "D inconsistent with C"),
    (lambda: state_from_correlations(np.diag([0.5, 0.5]), 0.1 + 0.1j), "D must be real"),
    (lambda: state_from_correlations([[0.5, 0.1], [0.2, 0.5]], 0.1), "C must be Hermitian"),
    (lambda: gaussian_state(np.diag([1.2, 0.3])), "0 <= C <= 1"),
    (lambda: state_from_correlations(np.diag([-0.1, 0.3]), 0.0), "0 <= C <= 1"),
    (lambda: gaussian_state(np.diag([np.nan, 0.3])), "finite"),
    (lambda: correlation_from_rho(np.eye(3) / 3), r"rho must have shape \(\.\.\., 4, 4\)"),
    (lambda: unvec(np.ones(15)), "perfect square"),
    (lambda: adjoint(np.ones((15, 15))), "n\\*n"),
    (lambda: steady_density_matrix(np.eye(9)), "16 x 16"),
    (lambda: von_neumann_entropy(np.diag([1.5, -0.5, 0, 0])), "positive semi-definite"),
    (lambda: von_neumann_entropy(np.array([[0.5, 0.5], [0, 0.5]])), "Hermitian"),
    (lambda: relative_entropy_production(np.zeros((16, 16)), np.diag([1.0, 0, 0, 0]),
                                         np.eye(4) / 4), "full rank"),
])
def test_invalid_input_raises(call, match):
    with pytest.raises(ValueError, match=match):
        call()

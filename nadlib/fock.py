"""Fock space of two fermionic modes and the superoperator toolbox (Sec. II, IV A, V; Eqs. (50)-(52), (63)).

The system of the paper has two fermionic modes, so every many-body object lives in a
4-dimensional Fock space and every superoperator is a 16 x 16 matrix.  This module
builds that space once and offers the operations the rest of `nadlib` needs.

Fock basis and Jordan-Wigner convention
    The basis is |n1 n2> = (a_1^dag)^n1 (a_2^dag)^n2 |0>, stored in the order
    |00>, |10>, |01>, |11> (index n1 + 2*n2).  Mode 1 stands first, so a_1 carries
    no sign and a_2 picks up the Jordan-Wigner sign (-1)^n1.  The same two matrices
    represent the eigenmodes d_j or, by reuse, the site modes c_alpha; other modes
    are built with `mode_operators`.

Superoperators
    A superoperator acts on the column-stacked density matrix vec(rho) (Fortran
    order), with vec(A rho B) = (B^T kron A) vec(rho), which is QuTiP's convention.

Renormalised Hamiltonian of Eq. (50)
    H'_S = d^dag H^T d = sum_jk H_kj d_j^dag d_k, exactly as printed.  With
    C_jk = Tr[rho d_j^dag d_k] (Eq. (21)) this is the reading that gives
    dC/dt = i[H, C] + ... of Eq. (48); the untransposed d^dag H d would give
    i[H^T, C] instead, which differs whenever H is complex.

Parity superselection
    The generators considered here preserve fermion parity.  Physical density
    matrices are parity even; the parity-odd part of the kernel of a generator is
    made of operators that are no states (their form depends on the Jordan-Wigner
    ordering), so `fixed_points` and `steady_density_matrix` look in the even sector unless
    told otherwise.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["annihilators", "mode_operators", "vec", "unvec", "spre", "spost", "sprepost",
           "commutator_super", "lindblad_dissipator", "adjoint", "choi_matrix",
           "hamiltonian_from_matrix", "dissipator_from_rates", "generator", "correlation_from_rho",
           "double_occupancy_from_rho", "gaussian_state", "state_from_correlations",
           "fixed_points", "steady_density_matrix", "CanonicalForm", "canonical_form", "expect",
           "von_neumann_entropy", "relative_entropy_production"]

_DIM = 4                       # Fock-space dimension of two modes
_HERM_TOL = 1e-12              # relative tolerance for Hermiticity checks of inputs
_PSD_TOL = 1e-12               # eigenvalue slack for 0 <= C <= 1 and rho >= 0


def _build_annihilators():
    a1 = np.zeros((_DIM, _DIM))
    a2 = np.zeros((_DIM, _DIM))
    a1[0, 1] = 1.0           # |10> -> |00>
    a1[2, 3] = 1.0           # |11> -> |01>
    a2[0, 2] = 1.0           # |01> -> |00>
    a2[1, 3] = -1.0          # |11> -> -|10>: a_2 anticommutes past a_1^dag
    a1.flags.writeable = False
    a2.flags.writeable = False
    return a1, a2


_A1, _A2 = _build_annihilators()


def annihilators():
    """Annihilation operators (a_1, a_2) of two fermionic modes in the 4-dim Fock space.

    Basis order |00>, |10>, |01>, |11> (index n1 + 2*n2); Jordan-Wigner string on
    mode 2, i.e. a_2 |n1 1> = (-1)^n1 |n1 0>.

    Returns
    -------
    (a1, a2) : tuple of ndarray, each shape (4, 4), real
        Fresh copies satisfying {a_j, a_k^dag} = delta_jk and {a_j, a_k} = 0.
    """
    return _A1.copy(), _A2.copy()


def _check_ops(ops):
    """Mode operators (b1, b2) as a complex array of shape (2, 4, 4); default the Fock a_j."""
    if ops is None:
        return np.array([_A1, _A2], dtype=complex)
    try:
        arr = np.asarray(ops, dtype=complex)
    except (TypeError, ValueError) as exc:
        raise ValueError("ops must be a pair (b1, b2) of 4x4 matrices") from exc
    if arr.shape != (2, _DIM, _DIM):
        raise ValueError(f"ops must be a pair (b1, b2) of 4x4 matrices, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("ops must be finite")
    return arr


def _check_matrix(M, name, hermitian=True):
    """A finite array of shape (..., 2, 2), complex; optionally Hermitian within tolerance."""
    M = np.asarray(M, dtype=complex)
    if M.ndim < 2 or M.shape[-2:] != (2, 2):
        raise ValueError(f"{name} must have shape (..., 2, 2), got {M.shape}")
    if not np.all(np.isfinite(M)):
        raise ValueError(f"{name} must be finite")
    if hermitian:
        Mh = np.swapaxes(M.conj(), -1, -2)
        scale = max(1.0, float(np.max(np.abs(M)))) if M.size else 1.0
        if not np.allclose(M, Mh, rtol=0.0, atol=_HERM_TOL * scale):
            raise ValueError(f"{name} must be Hermitian")
        # Symmetrise so that round-off cannot spoil Hermiticity preservation downstream.
        M = 0.5 * (M + Mh)
    return M


def _check_square(A, name, n=None):
    """A finite array whose last two axes are square (of size n, if given)."""
    A = np.asarray(A)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2] or (n is not None and A.shape[-1] != n):
        size = f"{n}, {n}" if n is not None else "n, n"
        raise ValueError(f"{name} must have shape (..., {size}), got {A.shape}")
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{name} must be finite")
    return A


def _check_super(Lsup, name="Lsup"):
    Lsup = np.asarray(Lsup)
    if Lsup.ndim != 2 or Lsup.shape[0] != Lsup.shape[1]:
        raise ValueError(f"{name} must be a square 2-d superoperator, got shape {Lsup.shape}")
    n = int(round(np.sqrt(Lsup.shape[0])))
    if n * n != Lsup.shape[0]:
        raise ValueError(f"{name} must act on n*n-dimensional vec(rho), got size {Lsup.shape[0]}")
    if not np.all(np.isfinite(Lsup)):
        raise ValueError(f"{name} must be finite")
    return Lsup.astype(complex), n


def _dag(A):
    return np.swapaxes(np.conj(A), -1, -2)


def mode_operators(U, ops=None):
    """Mode operators b_j = sum_k U_jk a_k built from the Fock annihilators.

    With the a's read as eigenmodes d, the site operators c = R^T d of Sec. III A
    are ``mode_operators(R.T)``.  For unitary U the b_j obey the canonical
    anticommutation relations again.

    Parameters
    ----------
    U : array_like, shape (2, 2)
        Coefficient matrix.
    ops : pair of (4, 4) arrays, optional
        Operators (a_1, a_2) to combine; defaults to `annihilators()`.

    Returns
    -------
    (b1, b2) : tuple of ndarray, each shape (4, 4)
        Real if U and ops are real, complex otherwise.
    """
    U = _check_matrix(U, "U", hermitian=False)
    if U.shape != (2, 2):
        raise ValueError(f"U must have shape (2, 2), got {U.shape}")
    a = _check_ops(ops)
    b = np.einsum("jk,kxy->jxy", U, a)
    if np.all(U.imag == 0) and np.all(a.imag == 0):
        b = b.real
    return b[0], b[1]


# --------------------------------------------------------------------------- superoperators

def vec(rho):
    """Column-stacked vector vec(rho) (Fortran order) of an (n, n) matrix, shape (n*n,), complex."""
    rho = _check_square(rho, "rho")
    if rho.ndim != 2:
        raise ValueError(f"rho must be a single (n, n) matrix, got shape {rho.shape}")
    return np.asarray(rho, dtype=complex).reshape(-1, order="F")


def unvec(v):
    """Inverse of `vec`: the (n, n) matrix whose column-stacking is v, shape (n*n,) -> (n, n)."""
    v = np.asarray(v, dtype=complex)
    if v.ndim != 1:
        raise ValueError(f"v must be one-dimensional, got shape {v.shape}")
    n = int(round(np.sqrt(v.size)))
    if n * n != v.size:
        raise ValueError(f"len(v) must be a perfect square, got {v.size}")
    return v.reshape(n, n, order="F")


def spre(A):
    """Superoperator of left multiplication rho -> A rho: (1 kron A), shape (n*n, n*n)."""
    A = _check_square(A, "A")
    return np.kron(np.eye(A.shape[0]), A).astype(complex)


def spost(B):
    """Superoperator of right multiplication rho -> rho B: (B^T kron 1), shape (n*n, n*n)."""
    B = _check_square(B, "B")
    return np.kron(B.T, np.eye(B.shape[0])).astype(complex)


def sprepost(A, B):
    """Superoperator rho -> A rho B: (B^T kron A), shape (n*n, n*n)."""
    A = _check_square(A, "A")
    B = _check_square(B, "B", n=A.shape[0])
    return np.kron(B.T, A).astype(complex)


def commutator_super(H):
    """Superoperator rho -> -i[H, rho] of the coherent part of Eqs. (4) and (50), shape (n*n, n*n)."""
    return -1j * (spre(H) - spost(H))


def lindblad_dissipator(L):
    """Lindblad dissipator D[L] rho = L rho L^dag - 1/2 {L^dag L, rho} (Sec. II), shape (n*n, n*n).

    Unlike QuTiP's two-argument form, this is the single-operator D[L] of the paper.
    """
    L = _check_square(L, "L")
    Ld = L.conj().T
    LdL = Ld @ L
    return sprepost(L, Ld) - 0.5 * spre(LdL) - 0.5 * spost(LdL)


def _transpose_permutation(n):
    """Permutation matrix T with vec(X^T) = T vec(X)."""
    idx = np.arange(n * n)
    r, c = idx % n, idx // n
    T = np.zeros((n * n, n * n))
    T[c + n * r, idx] = 1.0
    return T


def adjoint(Lsup):
    """Heisenberg-picture adjoint of a superoperator (Sec. II, below Eq. (6)).

    The paper defines L^dag through the bilinear pairing
    Tr[B L^dag(A)] = Tr[A L(B)] for all A, B.  Since Tr[X Y] = vec(X^T) . vec(Y),
    this gives L^dag = T L^T T, with T the permutation vec(X) -> vec(X^T).  For a
    Hermiticity-preserving L (every generator in this module) it coincides with
    the Hilbert-Schmidt adjoint, the conjugate transpose of the matrix.

    Parameters
    ----------
    Lsup : array_like, shape (n*n, n*n)

    Returns
    -------
    ndarray, shape (n*n, n*n), complex
    """
    Lsup, n = _check_super(Lsup)
    T = _transpose_permutation(n)
    return T @ Lsup.T @ T


def choi_matrix(S):
    """Choi matrix J = sum_ij |i><j| kron S(|i><j|) of a superoperator, shape (n*n, n*n).

    The map S is completely positive iff J >= 0 (Choi's theorem); App. F uses the
    failure of this for exp(L_int t).
    """
    S, n = _check_super(S, "S")
    # S[a + n b, i + n j] = <a|S(|i><j|)|b>; reorder to J[(i, a), (j, b)].
    S4 = S.reshape(n, n, n, n)          # axes (b, a, j, i)
    return np.transpose(S4, (3, 1, 2, 0)).reshape(n * n, n * n)


# --------------------------------------------------------------------------- quadratic generators

def _bilinears(b):
    """Q[j, k] = b_j^dag b_k and P[j, k] = b_j b_k^dag, each shape (2, 2, 4, 4)."""
    bd = _dag(b)
    Q = np.einsum("jxy,kyz->jkxz", bd, b)
    P = np.einsum("jxy,kyz->jkxz", b, bd)
    return Q, P


def _basis_superoperators(b):
    """The superoperators multiplying Lambda^-_jk and Lambda^+_jk in Eq. (51), each (2, 2, 16, 16)."""
    bd = _dag(b)
    Q, P = _bilinears(b)
    loss = np.empty((2, 2, _DIM ** 2, _DIM ** 2), dtype=complex)
    gain = np.empty_like(loss)
    for j in range(2):
        for k in range(2):
            # Lambda^-_jk: d_j rho d_k^dag - 1/2 {d_k^dag d_j, rho}
            loss[j, k] = (sprepost(b[j], bd[k]) - 0.5 * spre(Q[k, j]) - 0.5 * spost(Q[k, j]))
            # Lambda^+_jk: d_k^dag rho d_j - 1/2 {d_j d_k^dag, rho}
            gain[j, k] = (sprepost(bd[k], b[j]) - 0.5 * spre(P[j, k]) - 0.5 * spost(P[j, k]))
    return loss, gain


_DEFAULT_BASIS = _basis_superoperators(_check_ops(None))


def _basis_for(ops):
    return _DEFAULT_BASIS if ops is None else _basis_superoperators(_check_ops(ops))


def hamiltonian_from_matrix(H, ops=None):
    """Quadratic Hamiltonian H'_S = d^dag H^T d = sum_jk H_kj d_j^dag d_k (Eq. (50)).

    The transpose is the paper's and it is needed: with C_jk = Tr[rho d_j^dag d_k],
    -i[H'_S, rho] produces exactly the term i[H, C] of Eq. (48).  For the
    eigen-energies, ``hamiltonian_from_matrix(np.diag(E))`` is H_S = sum_j E_j d_j^dag d_j.

    Parameters
    ----------
    H : array_like, shape (..., 2, 2)
        Hermitian single-particle matrix; leading axes are broadcast.
    ops : pair of (4, 4) arrays, optional
        Mode operators (d_1, d_2); defaults to `annihilators()`.

    Returns
    -------
    ndarray, shape (..., 4, 4), complex
    """
    H = _check_matrix(H, "H")
    Q, _ = _bilinears(_check_ops(ops))
    return np.einsum("...kj,jkxy->...xy", H, Q)


def dissipator_from_rates(Lambda_plus, Lambda_minus, ops=None):
    """Dissipator of Eq. (51) from the gain and loss rate matrices, shape (..., 16, 16).

    L rho = sum_jk Lambda^-_jk (d_j rho d_k^dag - 1/2 {d_k^dag d_j, rho})
          + sum_jk Lambda^+_jk (d_k^dag rho d_j - 1/2 {d_j d_k^dag, rho}).

    The rate matrices need not be positive: the exact and asymptotic generators of
    the paper have negative canonical rates (Eq. (82)).  With site operators as
    `ops` and Lambda-bar = R^T Lambda R the same formula gives the local forms
    (70)-(71).

    Parameters
    ----------
    Lambda_plus, Lambda_minus : array_like, shape (..., 2, 2)
        Hermitian gain and loss matrices; leading axes broadcast together.
    ops : pair of (4, 4) arrays, optional
        Mode operators (d_1, d_2); defaults to `annihilators()`.

    Returns
    -------
    ndarray, shape (..., 16, 16), complex
    """
    Lp = _check_matrix(Lambda_plus, "Lambda_plus")
    Lm = _check_matrix(Lambda_minus, "Lambda_minus")
    loss, gain = _basis_for(ops)
    return (np.einsum("...jk,jkab->...ab", Lm, loss)
            + np.einsum("...jk,jkab->...ab", Lp, gain))


def generator(H, Lambda_plus, Lambda_minus, ops=None):
    """Time-local generator of Eqs. (50)-(51): rho -> -i[H'_S, rho] + L rho, shape (..., 16, 16).

    H'_S = d^dag H^T d (see `hamiltonian_from_matrix`).  With (H, Gamma, Lambda^+,
    Lambda^-) from Eq. (47) this reproduces the correlation-matrix equations (48)
    and (49) exactly.

    Parameters
    ----------
    H : array_like, shape (..., 2, 2)
        Hermitian renormalised single-particle Hamiltonian.
    Lambda_plus, Lambda_minus : array_like, shape (..., 2, 2)
        Hermitian gain and loss matrices (Gamma = Lambda^+ + Lambda^-).
    ops : pair of (4, 4) arrays, optional
        Mode operators (d_1, d_2); defaults to `annihilators()`.

    Returns
    -------
    ndarray, shape (..., 16, 16), complex
    """
    Hs = hamiltonian_from_matrix(H, ops=ops)
    eye = np.eye(_DIM)
    # -i(1 kron H - H^T kron 1), vectorised over the leading axes of H.
    coherent = -1j * (np.einsum("ab,...xy->...axby", eye, Hs)
                      - np.einsum("...ba,xy->...axby", Hs, eye))
    coherent = coherent.reshape(coherent.shape[:-4] + (_DIM ** 2, _DIM ** 2))
    return coherent + dissipator_from_rates(Lambda_plus, Lambda_minus, ops=ops)


# --------------------------------------------------------------------------- states and observables

def _check_rho(rho, name="rho"):
    rho = _check_square(rho, name, n=_DIM)
    return np.asarray(rho, dtype=complex)


def correlation_from_rho(rho, ops=None):
    """One-body correlation matrix C_jk = Tr[rho d_j^dag d_k] (Eq. (21)), shape (..., 2, 2).

    Linear in rho, so it also turns d(rho)/dt = L rho into dC/dt.

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4)
    ops : pair of (4, 4) arrays, optional
        Mode operators (d_1, d_2); defaults to `annihilators()`.
    """
    rho = _check_rho(rho)
    Q, _ = _bilinears(_check_ops(ops))
    return np.einsum("jkxy,...yx->...jk", Q, rho)


def double_occupancy_from_rho(rho, ops=None):
    """D = Tr[rho d_1^dag d_2^dag d_2 d_1] (Eq. (22)), shape rho.shape[:-2], complex.

    Parameters
    ----------
    rho : array_like, shape (..., 4, 4)
    ops : pair of (4, 4) arrays, optional
        Mode operators (d_1, d_2); defaults to `annihilators()`.
    """
    rho = _check_rho(rho)
    b = _check_ops(ops)
    bd = _dag(b)
    op = bd[0] @ bd[1] @ b[1] @ b[0]
    return np.einsum("xy,...yx->...", op, rho)


def _check_correlation(C, name="C"):
    C = _check_matrix(C, name)
    ev = np.linalg.eigvalsh(C)
    if np.any(ev < -_PSD_TOL) or np.any(ev > 1 + _PSD_TOL):
        raise ValueError(f"{name} must satisfy 0 <= C <= 1 (Pauli principle); "
                         f"eigenvalues range over [{ev.min():.3g}, {ev.max():.3g}]")
    return C


def gaussian_state(C):
    """Number-conserving Gaussian state with correlation matrix C_jk = Tr[rho d_j^dag d_k].

    With C = V diag(n) V^dag, the natural orbitals f_m = sum_k V_km d_k are
    independently occupied with probabilities n_m, so
    rho = prod_m [n_m f_m^dag f_m + (1 - n_m) f_m f_m^dag].  This is the state
    exp(-d^dag P^T d)/det(1 + e^{-P}) of Eq. (F6) with C = (e^P + 1)^{-1}, but it
    remains valid for occupations exactly 0 or 1, where P does not exist.  Its
    double occupancy is det C (Wick's theorem).

    Parameters
    ----------
    C : array_like, shape (..., 2, 2)
        Hermitian with 0 <= C <= 1.

    Returns
    -------
    ndarray, shape (..., 4, 4), complex
    """
    C = _check_correlation(C)
    n, V = np.linalg.eigh(C)
    n = np.clip(n, 0.0, 1.0)
    f = np.einsum("...km,kxy->...mxy", V, _check_ops(None))
    fd = _dag(f)
    eye = np.eye(_DIM)
    factors = []
    for m in range(2):
        num = fd[..., m, :, :] @ f[..., m, :, :]
        occ = n[..., m, None, None]
        # f f^dag = 1 - f^dag f for a normalised mode.
        factors.append(occ * num + (1 - occ) * (eye - num))
    # The two factors are parity-even in distinct modes, so they commute.
    return factors[0] @ factors[1]


def state_from_correlations(C, D):
    """General number-conserving two-mode state with given C (Eq. (21)) and D (Eq. (22)).

    Because rho_S commutes with N_S (Sec. III B) it has five real parameters and is
    block diagonal in N = 0, 1, 2:

        <00|rho|00> = 1 - C11 - C22 + D,   <11|rho|11> = D,
        one-particle block on (|10>, |01>):  [[C11 - D, C21], [C12, C22 - D]],

    since d_1^dag d_2 = |10><01| gives C12 = <01|rho|10>.

    Parameters
    ----------
    C : array_like, shape (..., 2, 2)
        Hermitian correlation matrix.
    D : array_like, shape broadcastable with C.shape[:-2]
        Real double occupancy.

    Returns
    -------
    ndarray, shape (..., 4, 4), complex

    Raises
    ------
    ValueError
        If C is not Hermitian with 0 <= C <= 1, if D is not real, or if the result is not positive
        semi-definite ("D inconsistent with C"): a valid state needs
        max(0, C11 + C22 - 1) <= D <= min(C11, C22) and |C12|^2 <= (C11 - D)(C22 - D).
    """
    C = _check_correlation(C)
    D = np.asarray(D)
    if not np.all(np.isfinite(D)):
        raise ValueError("D must be finite")
    if np.iscomplexobj(D):
        if np.any(np.abs(D.imag) > _HERM_TOL):
            raise ValueError("D must be real (it is a probability)")
        D = D.real
    D = D.astype(float)
    shape = np.broadcast_shapes(C.shape[:-2], D.shape)
    C = np.broadcast_to(C, shape + (2, 2))
    D = np.broadcast_to(D, shape)
    c11, c22 = C[..., 0, 0].real, C[..., 1, 1].real
    rho = np.zeros(shape + (_DIM, _DIM), dtype=complex)
    rho[..., 0, 0] = 1 - c11 - c22 + D
    rho[..., 1, 1] = c11 - D
    rho[..., 2, 2] = c22 - D
    rho[..., 2, 1] = C[..., 0, 1]
    rho[..., 1, 2] = C[..., 1, 0]
    rho[..., 3, 3] = D
    if np.any(np.linalg.eigvalsh(rho) < -_PSD_TOL):
        raise ValueError("D inconsistent with C: the state is not positive; a two-mode state needs "
                         "max(0, C11 + C22 - 1) <= D <= min(C11, C22) and "
                         "|C12|^2 <= (C11 - D)(C22 - D)")
    return rho


# --------------------------------------------------------------------------- fixed points

def _even_vec_indices(n):
    """Positions in vec(X) of the matrix elements that conserve fermion parity."""
    idx = np.arange(n * n)
    r, c = idx % n, idx // n
    parity = np.array([bin(i).count("1") % 2 for i in range(n)])
    return idx[parity[r] == parity[c]]


def fixed_points(Lsup, sector="even", rtol=1e-10):
    """Hermitian basis of the kernel of a generator: all rho with L rho = 0.

    Parameters
    ----------
    Lsup : array_like, shape (16, 16)
        Hermiticity-preserving generator acting on vec(rho).
    sector : {"even", "all"}
        "even" (default) looks only among parity-even operators, the ones a
        physical fermionic state can have (parity superselection).  "all" uses the
        full operator space.  Its parity-odd fixed points, such as the
        operator (1 - 2 n_1) a_2 left alone by D[a_1] + D[a_1^dag], are no states
        and their form depends on the Jordan-Wigner ordering; they are kept for
        diagnostics only.
    rtol : float
        Singular values below rtol times the largest one count as zero.

    Returns
    -------
    list of ndarray, each shape (4, 4), complex Hermitian
        Mutually Hilbert-Schmidt orthogonal.  Only the first may have a non-zero
        trace: it is the projection of the identity onto the fixed-point space,
        normalised to trace one (for a unique fixed point this is the steady
        state).  The others are traceless with unit Hilbert-Schmidt norm.

    Raises
    ------
    ValueError
        If the shape is wrong, or the kernel is not spanned by Hermitian matrices
        (the generator does not preserve Hermiticity).
    """
    Lsup, n = _check_super(Lsup)
    if n != _DIM:
        raise ValueError(f"Lsup must be 16 x 16 (two fermionic modes), got {Lsup.shape}")
    if sector == "even":
        cols = _even_vec_indices(n)
    elif sector == "all":
        cols = np.arange(n * n)
    else:
        raise ValueError(f"sector must be 'even' or 'all', got {sector!r}")
    sub = Lsup[:, cols]
    # sub has at least as many rows as columns, so s has one entry per column.
    _, s, Vh = np.linalg.svd(sub)
    thresh = rtol * max(s[0], np.finfo(float).tiny)
    kernel = Vh[s <= thresh].conj()
    k = kernel.shape[0]
    if k == 0:
        return []
    # The kernel of a Hermiticity-preserving map is closed under X -> X^dag, so the
    # Hermitian and anti-Hermitian parts of kernel vectors span it over the reals.
    herm = []
    for v in kernel:
        full = np.zeros(n * n, dtype=complex)
        full[cols] = v
        X = unvec(full)
        herm.append(0.5 * (X + X.conj().T))
        herm.append(0.5j * (X.conj().T - X))
    real_vecs = np.array([np.concatenate([h.real.ravel(), h.imag.ravel()]) for h in herm])
    _, s_h, Vh_h = np.linalg.svd(real_vecs, full_matrices=False)
    basis = Vh_h[s_h > 1e-8 * s_h[0]]
    if basis.shape[0] != k:
        raise ValueError("the kernel of Lsup is not spanned by Hermitian matrices; "
                         "Lsup does not preserve Hermiticity")
    mats = [(b[: n * n] + 1j * b[n * n:]).reshape(n, n) for b in basis]
    for M in mats:
        if np.linalg.norm(Lsup @ vec(M)) > 1e-8 * max(s[0], 1.0):
            raise ValueError("the kernel of Lsup is not spanned by Hermitian matrices; "
                             "Lsup does not preserve Hermiticity")
    # Rotate the orthonormal basis so that only the first element carries trace.
    t = np.array([np.trace(M).real for M in mats])
    if np.linalg.norm(t) > 1e-12:
        Q, _ = np.linalg.qr(np.column_stack([t, np.eye(k)]))
        Q = Q[:, :k]
        mats = [sum(Q[i, m] * mats[i] for i in range(k)) for m in range(k)]
        mats[0] = mats[0] / np.trace(mats[0]).real
    return [0.5 * (M + M.conj().T) for M in mats]


def steady_density_matrix(Lsup, sector="even", rtol=1e-10):
    """The unique steady state of a 16 x 16 generator: Hermitian rho with Tr rho = 1, L rho = 0.

    Positivity follows from the generator (it holds for the valid Lindbladians
    and exact generators of the paper) and is not imposed.  See `fixed_points`
    for `sector` and `rtol`; this is its first element when the kernel is
    one-dimensional.

    Returns
    -------
    ndarray, shape (4, 4), complex

    Raises
    ------
    ValueError
        If the kernel is trivial, has dimension > 1 (use `fixed_points`), or holds
        only traceless matrices.
    """
    fps = fixed_points(Lsup, sector=sector, rtol=rtol)
    if len(fps) == 0:
        raise ValueError("Lsup has no fixed point (is it trace preserving?)")
    if len(fps) > 1:
        raise ValueError(f"the fixed point is not unique: the kernel has dimension {len(fps)}; "
                         "use fixed_points(Lsup) for a basis")
    rho = fps[0]
    if abs(np.trace(rho).real - 1.0) > 1e-10:
        raise ValueError("the only fixed point of Lsup is traceless; it is not a state")
    return rho


# --------------------------------------------------------------------------- canonical form

class CanonicalForm(NamedTuple):
    """Canonical (diagonal) form of the dissipator (51), Eq. (52).

    rates_minus, rates_plus : shape (..., 2), ascending eigenvalues lambda^-_j, lambda^+_j
    L_minus, L_plus : shape (..., 2, 4, 4), jump operators L^-_j = L_minus[..., j, :, :]
    """

    rates_minus: np.ndarray
    rates_plus: np.ndarray
    L_minus: np.ndarray
    L_plus: np.ndarray


def canonical_form(Lambda_plus, Lambda_minus, ops=None):
    """Canonical rates and jump operators of the dissipator (51): L = sum_js lambda^s_j D[L^s_j] (52).

    U^dag Lambda U = diag(lambda), with the eigenvectors as columns of U
    (``numpy.linalg.eigh``).  Substituting Lambda_jk = sum_m U_jm lambda_m U_km^*
    into (51) gives

        L^-_j = sum_k U^-_kj d_k,      L^+_j = sum_k (U^+_kj)^* d_k^dag.

    The paper prints U_jk (erratum A6 of the book); that order
    reproduces (51) only if U is replaced by U^T.  The rates may be negative; their
    negative parts define the non-Markovianity measure (82).

    Parameters
    ----------
    Lambda_plus, Lambda_minus : array_like, shape (..., 2, 2)
        Hermitian gain and loss matrices; leading axes broadcast together.
    ops : pair of (4, 4) arrays, optional
        Mode operators (d_1, d_2); defaults to `annihilators()`.

    Returns
    -------
    CanonicalForm
    """
    Lp = _check_matrix(Lambda_plus, "Lambda_plus")
    Lm = _check_matrix(Lambda_minus, "Lambda_minus")
    Lp, Lm = np.broadcast_arrays(Lp, Lm)
    b = _check_ops(ops)
    lam_m, Um = np.linalg.eigh(Lm)
    lam_p, Up = np.linalg.eigh(Lp)
    L_minus = np.einsum("...kj,kxy->...jxy", Um, b)
    L_plus = np.einsum("...kj,kxy->...jxy", Up.conj(), _dag(b))
    return CanonicalForm(lam_m, lam_p, L_minus, L_plus)


# --------------------------------------------------------------------------- entropies

def _is_hermitian(A):
    return np.allclose(A, _dag(A), rtol=0.0, atol=_HERM_TOL * max(1.0, float(np.max(np.abs(A)))))


def expect(A, rho):
    """Expectation value Tr[A rho], shape broadcast of A.shape[:-2] and rho.shape[:-2].

    Real when both A and rho are Hermitian (the result is then real up to
    round-off), complex otherwise.
    """
    A = np.asarray(_check_square(A, "A"))
    rho = np.asarray(_check_square(rho, "rho", n=A.shape[-1]))
    val = np.einsum("...xy,...yx->...", A, rho)
    if _is_hermitian(A) and _is_hermitian(rho):
        return val.real
    return val


def _check_density(rho, name):
    rho = _check_square(rho, name)
    rho = np.asarray(rho, dtype=complex)
    if not _is_hermitian(rho):
        raise ValueError(f"{name} must be Hermitian")
    return 0.5 * (rho + _dag(rho))


def von_neumann_entropy(rho):
    """Von Neumann entropy S = -Tr[rho ln rho] (natural log), shape rho.shape[:-2].

    Zero eigenvalues contribute nothing (x ln x -> 0).

    Raises
    ------
    ValueError
        If rho is not Hermitian or has an eigenvalue below -1e-12.
    """
    rho = _check_density(rho, "rho")
    p = np.linalg.eigvalsh(rho)
    if np.any(p < -_PSD_TOL):
        raise ValueError(f"rho must be positive semi-definite; smallest eigenvalue {p.min():.3g}")
    safe = np.where(p > 0, p, 1.0)
    return -np.sum(np.where(p > 0, p * np.log(safe), 0.0), axis=-1)


def _logm_hermitian(rho, name, rank_tol):
    w, V = np.linalg.eigh(rho)
    if np.any(w <= rank_tol):
        raise ValueError(f"{name} must be full rank (positive definite) for its logarithm; "
                         f"smallest eigenvalue {w.min():.3g} <= {rank_tol:g}")
    return (V * np.log(w)) @ V.conj().T


def relative_entropy_production(Lsup, rho, r, rank_tol=1e-12):
    """Spohn's entropy-production rate Tr{[ln r - ln rho] L rho} (Eq. (63)), a float.

    For a Lindbladian L with positive rates and fixed point r this is
    -d/dt S(rho || r) >= 0; for generators with negative canonical rates (such as
    L_int of Eq. (65)) it may be negative.

    Parameters
    ----------
    Lsup : array_like, shape (n*n, n*n)
    rho, r : array_like, shape (n, n)
        Hermitian and positive definite (smallest eigenvalue > rank_tol).
    rank_tol : float
        Eigenvalues at or below this count as zero, where the logarithm does not exist.

    Returns
    -------
    float
        The real part of the trace (the imaginary part vanishes for a
        Hermiticity-preserving L).
    """
    Lsup, n = _check_super(Lsup)
    rho = _check_density(rho, "rho")
    r = _check_density(r, "r")
    if rho.shape != (n, n) or r.shape != (n, n):
        raise ValueError(f"rho and r must have shape ({n}, {n}), got {rho.shape} and {r.shape}")
    diff = _logm_hermitian(r, "r", rank_tol) - _logm_hermitian(rho, "rho", rank_tol)
    return float(np.trace(diff @ unvec(Lsup @ vec(rho))).real)

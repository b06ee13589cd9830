"""Shared helpers of the book's check cells: rounding for printed output, and the referee routines.

nbval compares printed text exactly, so every number a check cell prints goes through `below` or
`sig`.  The referee routines are the *independent routes* that several chapters use: quadratures done
with scipy rather than nadlib's band quadrature, formulas typed again from the paper rather than taken
from nadlib, brute-force Fock spaces and time derivatives.  Keeping them here lets each check cell show
only what it checks.  Import from a chapter with ``from _checks import below, sig`` (the kernel runs in
book/).

None of these routines calls the nadlib function it referees: a `Model` is used for its parameters (and,
where the docstring says so, for the function under test), and the few that build Fock-space operators with
`nadlib.fock` (itself tested against Kronecker-product fermions) say so in their docstrings.
"""
from __future__ import annotations

from functools import reduce

import numpy as np
from scipy import integrate
from scipy.linalg import eigh_tridiagonal, expm

__all__ = ["below", "sig",
           "quad_complex", "gauss_panels", "fourier_propagator", "hilbert_pv", "phi_eq35", "phi_continued",
           "fermi_quad_average", "fermi_ref", "epa_lorentzian", "partial_widths", "gain_rates_quad",
           "fermion_modes", "comm", "apply_super", "logh", "heisenberg_rate", "random_number_conserving_state",
           "eq51", "lindblad_sum", "eq65",
           "bound_state_weight", "mode_basis", "u_mp_integral", "u_mp_bessel",
           "pv_quad", "born_markov_reservoir",
           "bose_fock", "bose_dissipator", "bose_gaussian_state", "bose_correlations", "match_fermi_baths",
           "transmission_probability", "kappa_quad", "cauchy_cumulants", "many_body_counting", "fit_slopes",
           "tilted_eigenvalue", "qutip_counting", "two_state_rates", "spearman"]


# --------------------------------------------------------------------------------------------- printing

def below(x, floor=1e-12):
    """An error for printing: '< floor' at round-off level, else 1 significant digit."""
    return f"< {floor:.0e}" if x < floor else f"{x:.0e}"


def sig(x, n=3):
    """x rounded to n significant digits (for glue; stable across runs)."""
    return float(f"{float(x):.{n}g}")


# --------------------------------------------------------------------------------------------- quadrature

def quad_complex(f, a, b, limit=400, **kw):
    """int_a^b f(x) dx for a complex integrand, by scipy's adaptive quad on the real and imaginary parts."""
    re = integrate.quad(lambda x: np.real(f(x)), a, b, limit=limit, **kw)[0]
    im = integrate.quad(lambda x: np.imag(f(x)), a, b, limit=limit, **kw)[0]
    return re + 1j * im


def gauss_panels(a, b, panels, n=16):
    """Composite Gauss-Legendre nodes and weights on [a, b] (`panels` equal panels of n nodes)."""
    x, w = np.polynomial.legendre.leggauss(n)
    e = np.linspace(a, b, panels + 1)
    h = np.diff(e)[:, None] / 2
    return ((e[:-1, None] + e[1:, None]) / 2 + h * x).ravel(), (h * w).ravel()


def fourier_propagator(m, t, j, limit=400):
    """Eq. (24), G_j(t) = int phi_j(w) e^{-iwt} dw along the real axis, with QUADPACK's Fourier weights.

    Independent of nadlib's propagator, which deforms the contour (App. E).  phi_j is `m.phi`.
    """
    f = lambda w: m.phi(w)[j]
    re = integrate.quad(f, -m.Omega, m.Omega, weight="cos", wvar=t, limit=limit)[0]
    im = integrate.quad(f, -m.Omega, m.Omega, weight="sin", wvar=t, limit=limit)[0]
    return re - 1j * im


def hilbert_pv(m, j, w):
    """Eq. (33), P int phi_j(x)/(w - x) dx, by QUADPACK's Cauchy weight inside the band (phi_j = `m.phi`)."""
    f = lambda x: m.phi(x)[j]
    if abs(w) < m.Omega:
        return -integrate.quad(f, -m.Omega, m.Omega, weight="cauchy", wvar=w, limit=400)[0]
    return integrate.quad(lambda x: f(x) / (w - x), -m.Omega, m.Omega, limit=400)[0]


def _pole_parameters(m):
    """E'_j and Gamma_j of Eq. (36), typed from the paper (not from nadlib.Model)."""
    G, Om = m.Gamma, m.Omega
    E = np.array([m.h + m.Delta / 2, m.h - m.Delta / 2])
    E_shift = (1 - G / (2 * Om)) / (1 - G / Om) * E
    width = np.sqrt(1 - G / Om - E ** 2 / Om ** 2) / (1 - G / Om) * G
    return E_shift, width


def phi_eq35(m, w):
    """phi_j(w) of Eq. (35) with (36), typed from the paper: shape (2, *w.shape); zero outside the band."""
    w = np.asarray(w, float)
    E_shift, width = _pole_parameters(m)
    J = m.Gamma / (2 * np.pi) * np.sqrt(np.clip(1 - (w / m.Omega) ** 2, 0, None))
    return np.stack([J / (1 - m.Gamma / m.Omega) / ((w - E_shift[j]) ** 2 + width[j] ** 2 / 4)
                     for j in range(2)])


def phi_continued(m, z, j):
    """phi_j of Eq. (35) continued off the real axis (principal root: positive real part for Im z < 0)."""
    E_shift, width = _pole_parameters(m)
    J = m.Gamma / (2 * np.pi) * np.sqrt(1 - (z / m.Omega) ** 2 + 0j)
    return J / (1 - m.Gamma / m.Omega) / ((z - E_shift[j]) ** 2 + width[j] ** 2 / 4)


def fermi_quad_average(kernel, Omega, mu, T, points=(), epsabs=1e-14):
    """int_{-Omega}^{Omega} kernel(w) f(w) dw with the Fermi function f at (mu, T), by scipy quad.

    The Fermi function is typed here (not nadlib's); `points` lists the kernel's peaks.
    """
    f = lambda w: kernel(w) * fermi_ref(w, mu, T)
    pts = sorted(p for p in (*points, mu) if -Omega < p < Omega)
    return integrate.quad(f, -Omega, Omega, points=pts or None, limit=800, epsabs=epsabs)[0]


def fermi_ref(w, mu, T):
    """The Fermi function 1/(e^{(w - mu)/T} + 1), typed here (T = 0: a step)."""
    w = np.asarray(w, float)
    if T == 0:
        return np.where(w < mu, 1.0, np.where(w > mu, 0.0, 0.5))
    return 0.5 * (1 - np.tanh((w - mu) / (2 * T)))


def epa_lorentzian(m, w):
    """The EPA profile J_N(w) / [(w - E_j)^2 + Gamma_j^2/4] with Gamma_j = 2 pi J_N(E_j) (Sec. V), typed from the
    paper: shape (2, *w.shape).  It integrates to 1 - O(Gamma/Omega)."""
    w = np.asarray(w, float)
    E = np.array([m.h + m.Delta / 2, m.h - m.Delta / 2])
    JN = lambda x: m.Gamma / (2 * np.pi) * np.sqrt(np.clip(1 - (np.asarray(x) / m.Omega) ** 2, 0, None))
    width = 2 * np.pi * JN(E)
    return np.stack([JN(w) / ((w - E[j]) ** 2 + width[j] ** 2 / 4) for j in range(2)])


def partial_widths(m):
    """Gamma_{alpha,j} = 2 pi J_N(E_j) R_{j alpha}^2 (after Eq. (58)), typed here: shape [alpha, j]."""
    E = np.array([m.h + m.Delta / 2, m.h - m.Delta / 2])
    width = m.Gamma * np.sqrt(1 - (E / m.Omega) ** 2)
    c2 = (m.Delta + m.delta) / (2 * m.Delta)                  # R_11^2 = R_22^2 of Eq. (16)
    R2 = np.array([[c2, 1 - c2], [1 - c2, c2]])               # R_{j alpha}^2 (symmetric for Eq. (16))
    return width[None, :] * R2.T


def gain_rates_quad(m, b, profile, peaks):
    """Gamma_{alpha,j} int profile_j(w) f_alpha(w) dw by scipy quad: the gain rates of Eq. (58) for a given
    profile (`phi_eq35`, `epa_lorentzian`) with its peak positions `peaks` (2,).  Shape [alpha, j]."""
    widths = partial_widths(m)
    return np.array([[widths[a, j] * fermi_quad_average(lambda w: profile(m, w)[j], m.Omega, float(b.mu[a]),
                                                        float(b.T[a]), points=[peaks[j]])
                      for j in range(2)] for a in range(2)])


# --------------------------------------------------------------------------------------------- Fock spaces

def fermion_modes(n):
    """Annihilators of n spinless fermionic sites in the 2^n-dimensional Fock space (Jordan-Wigner, site 0 first)."""
    a, Z, I = np.array([[0.0, 1.0], [0.0, 0.0]]), np.diag([1.0, -1.0]), np.eye(2)
    return [reduce(np.kron, [Z] * k + [a] + [I] * (n - k - 1)) for k in range(n)]


def comm(A, B):
    """The commutator [A, B]."""
    return A @ B - B @ A


def apply_super(S, X):
    """A 16 x 16 superoperator (column-stacking convention) applied to a 4 x 4 operator."""
    return (S @ X.reshape(-1, order="F")).reshape(X.shape, order="F")


def logh(A):
    """Logarithm of a Hermitian positive-definite matrix, through its eigen-decomposition."""
    w, V = np.linalg.eigh(0.5 * (A + A.conj().T))
    return (V * np.log(w)) @ V.conj().T


def heisenberg_rate(H, A, rho, dt=1e-4):
    """d/dt Tr[A e^{-iHt} rho e^{iHt}] at t = 0, by a central difference of the exactly evolved state.

    An independent route to the mean of i[H, A]: it evolves the state and never forms a commutator.
    """
    def mean(t):
        U = expm(-1j * H * t)
        return np.trace(A @ U @ rho @ U.conj().T)
    return ((mean(dt) - mean(-dt)) / (2 * dt)).real


def random_number_conserving_state(rng, fock):
    """A random full-rank two-mode state commuting with N: random 0 < C < 1 and an admissible D.

    `fock` is the module nadlib.fock (its state_from_correlations builds rho from C and D).
    """
    while True:
        X = rng.normal(size=(2, 2)) + 1j * rng.normal(size=(2, 2))
        V = np.linalg.qr(X)[0]
        C = (V * rng.uniform(0.05, 0.95, 2)) @ V.conj().T
        c11, c22 = C[0, 0].real, C[1, 1].real
        try:
            rho = fock.state_from_correlations(C, rng.uniform(max(0.0, c11 + c22 - 1), min(c11, c22)))
        except ValueError:
            continue
        if np.linalg.eigvalsh(rho).min() > 1e-6:
            return rho


def eq51(Lambda_plus, Lambda_minus, rho, ops, offdiagonal=False):
    """The dissipator (51) applied to rho, typed from the paper with matrix products.

    sum_jk Lambda^-_jk (x_j rho x_k^dag - {x_k^dag x_j, rho}/2) + Lambda^+_jk (x_k^dag rho x_j - {x_j x_k^dag, rho}/2)
    with the modes x = `ops` (d_j for Eq. (51); c_alpha for the site form (71)).  offdiagonal=True keeps j != k only.
    """
    out = np.zeros_like(rho, dtype=complex)
    for j in range(2):
        for k in range(2):
            if offdiagonal and j == k:
                continue
            xj, xk = ops[j], ops[k]
            xkd = xk.conj().T
            out = out + Lambda_minus[j, k] * (xj @ rho @ xkd - 0.5 * (xkd @ xj @ rho + rho @ xkd @ xj))
            out = out + Lambda_plus[j, k] * (xkd @ rho @ xj - 0.5 * (xj @ xkd @ rho + rho @ xj @ xkd))
    return out


def lindblad_sum(rates_minus, rates_plus, rho, ops):
    """sum_j rates_minus[j] D[x_j] rho + rates_plus[j] D[x_j^dag] rho, D[L] rho = L rho L^dag - {L^dag L, rho}/2
    (Eqs. (57), (70)), typed with matrix products."""
    D = lambda L: L @ rho @ L.conj().T - 0.5 * (L.conj().T @ L @ rho + rho @ L.conj().T @ L)
    return sum(rates_minus[j] * D(ops[j]) + rates_plus[j] * D(ops[j].conj().T) for j in range(len(ops)))


def eq65(Lambda_plus, rho, ops, include_diagonal=False):
    """The interference term (65) applied to rho, typed from the paper: sum over j != k (all j, k if
    include_diagonal, the extraction's reading of erratum A5) of
    Lambda^+_jk [(d_k^dag rho d_j - {d_j d_k^dag, rho}/2) - (d_j rho d_k^dag - {d_k^dag d_j, rho}/2)]."""
    out = np.zeros_like(rho, dtype=complex)
    for j in range(2):
        for k in range(2):
            if j == k and not include_diagonal:
                continue
            dj, dkd = ops[j], ops[k].conj().T
            gain = dkd @ rho @ dj - 0.5 * (dj @ dkd @ rho + rho @ dj @ dkd)
            loss = dj @ rho @ dkd - 0.5 * (dkd @ dj @ rho + rho @ dkd @ dj)
            out = out + Lambda_plus[j, k] * (gain - loss)
    return out

# --------------------------------------------------------------------------------------------- chains

def bound_state_weight(E, Gamma, Omega, M=20000):
    """Weight of a level E on the eigenstates above the band, the level sitting at the end of an M-site chain.

    Hopping Omega/2 in the chain and sqrt(Gamma Omega)/2 to the level (Eqs. (11), (14)).
    """
    diag = np.zeros(M + 1)
    diag[0] = E
    offd = np.full(M, -Omega / 2)
    offd[0] = np.sqrt(Gamma * Omega) / 2
    ev, vec = eigh_tridiagonal(diag, offd, select="v", select_range=(Omega, np.inf))
    return float(np.sum(vec[0] ** 2))


def mode_basis(chain, R):
    """The finite chain's single-particle Hamiltonian in the eigenmode basis of Eqs. (16)-(17).

    Rows and columns: d_1, d_2 (R applied to c_L, c_R), then b_{q,1} (M rows) and b_{q,2} (M rows), where
    b_{q,j} = sum_alpha R_{j alpha} a_{q,alpha} with the chain's numerically diagonalised lead modes.
    Returns (B, h_modes) with B the orthogonal map from sites to modes.
    """
    M = chain.M
    B = np.zeros((2 + 2 * M, chain.N))
    B[:2, chain.sys_index] = R
    for k in range(2):
        for beta in range(2):
            B[2 + k * M: 2 + (k + 1) * M, chain.lead_index[beta]] += R[k, beta] * chain.chain_vectors.T
    return B, B @ chain.hamiltonian @ B.T


# --------------------------------------------------------------------------------------------- App. E

def u_mp_integral(tau, dps=60):
    """u(tau) of Eq. (E6) as the integral, by mpmath's tanh-sinh quadrature at `dps` digits (an mpf)."""
    import mpmath
    with mpmath.workdps(dps):
        f = lambda th: mpmath.exp(-tau * mpmath.sin(th)) * mpmath.sqrt(mpmath.sin(th))
        return 2 * mpmath.quad(f, [0, mpmath.mpf(1) / max(tau, 1), mpmath.pi / 2]) / (mpmath.sqrt(2) * mpmath.pi)


def u_mp_bessel(tau, dps=60):
    """u(tau) of Eq. (E6) in its Bessel form, evaluated by mpmath at `dps` digits (an mpf)."""
    import mpmath
    with mpmath.workdps(dps):
        x = mpmath.mpf(tau) / 2
        I = mpmath.besseli
        return mpmath.sqrt(mpmath.pi * tau) / 2 * (I(-0.75, x) * I(0.25, x) - I(-0.25, x) * I(0.75, x))


# --------------------------------------------------------------------------- master equations (beyond the paper)

def pv_quad(m, mu, T, E):
    """P int dw J_N(w) f(w) / (E - w) with scipy: the Cauchy weight on the panel that holds E, split at mu."""
    import nadlib as nad
    g = lambda w: m.spectral_density(w) * nad.fermi(w, mu, T)
    cuts = [-m.Omega] + ([mu] if abs(mu) < m.Omega and mu != E else []) + [m.Omega]
    out = 0.0
    for a, c in zip(cuts[:-1], cuts[1:]):
        if a < E < c:
            out -= integrate.quad(g, a, c, weight="cauchy", wvar=E, limit=800, epsabs=1e-15, epsrel=1e-13)[0]
        else:
            out += integrate.quad(lambda w: g(w) / (E - w), a, c, limit=800, epsabs=1e-15, epsrel=1e-13)[0]
    return out


def born_markov_reservoir(m, mu, T, alpha, lamb=True):
    """Redfield generator of reservoir alpha in its textbook form, built in the many-body eigenbasis of H_S.

    D rho = sum_w G^-(w)[A(w) rho c^dag - c^dag A(w) rho] + G^+(w)[A(w)^dag rho c - c A(w)^dag rho] + h.c.,
    with c = c_alpha, A(w) its eigen-operator components (c(-s) = sum_w A(w) e^{iws}) from a numerical
    diagonalisation of the 4 x 4 H_S of Eq. (10), and G^{-+}(w) = pi J_N n(w) +- i P int J_N n / (w - w')
    (n = 1 - f, f) from scipy.  Shares no code with nadlib.markov.  Returns a 16 x 16 array.
    """
    import nadlib as nad
    from nadlib import fock
    S1 = lambda w0: -integrate.quad(m.spectral_density, -m.Omega, m.Omega, weight="cauchy", wvar=w0, limit=400,
                          epsabs=1e-15, epsrel=1e-13)[0]
    cs = fock.mode_operators(m.R.T)
    c = cs[alpha]
    H = (m.h_L * cs[0].T @ cs[0] + m.h_R * cs[1].T @ cs[1] - m.g / 2 * (cs[0].T @ cs[1] + cs[1].T @ cs[0]))
    ev, V = np.linalg.eigh(H)
    cm = V.conj().T @ c @ V
    cd = c.conj().T
    D = np.zeros((16, 16), complex)
    for a in range(4):
        for b in range(4):
            if abs(cm[a, b]) < 1e-14:
                continue
            A = cm[a, b] * np.outer(V[:, a], V[:, b].conj())
            w = ev[b] - ev[a]
            f = nad.fermi(w, mu, T)
            Sf = pv_quad(m, mu, T, w) if lamb else 0.0
            Sm = (S1(w) - Sf) if lamb else 0.0
            Gm = np.pi * m.spectral_density(w) * (1 - f) + 1j * Sm
            Gp = np.pi * m.spectral_density(w) * f - 1j * Sf
            D += Gm * (fock.sprepost(A, cd) - fock.spre(cd @ A))
            D += Gp * (fock.sprepost(A.conj().T, c) - fock.spre(c @ A.conj().T))
    idx = np.arange(16)
    P = np.zeros((16, 16))
    P[idx // 4 + 4 * (idx % 4), idx] = 1.0                # vec(X) -> vec(X^T)
    return D + P @ D.conj() @ P


# --------------------------------------------------------------------------- bosonic Fock space
# A truncated two-mode bosonic Fock space, the referee of the chapter on bosonic reservoirs.  Each
# mode keeps the levels 0..nmax; states are confined to total number N < nmax, so that one creation
# operator never reaches the cutoff and every trace below is exact on them (no truncation error
# beyond the weight a Gaussian state has at N >= nmax, which `bose_gaussian_state` reports).

def bose_fock(nmax):
    """Annihilators (d_1, d_2) on the levels 0..nmax of each mode, and the projector on N < nmax."""
    import numpy as np
    a = np.diag(np.sqrt(np.arange(1.0, nmax + 1)), 1)
    one = np.eye(nmax + 1)
    d = [np.kron(a, one), np.kron(one, a)]
    n_tot = np.add.outer(np.arange(nmax + 1), np.arange(nmax + 1)).ravel()
    return d, np.diag((n_tot < nmax).astype(float))


def bose_dissipator(d, Lambda_plus, Lambda_minus, rho):
    """Eq. (51) applied to the matrix rho, with the mode operators d (no superoperator is built)."""
    import numpy as np
    out = np.zeros_like(rho, dtype=complex)
    for j in range(2):
        for k in range(2):
            dj, dk_dag = d[j], d[k].conj().T
            out += Lambda_minus[j, k] * (dj @ rho @ dk_dag - 0.5 * (dk_dag @ dj @ rho + rho @ dk_dag @ dj))
            out += Lambda_plus[j, k] * (dk_dag @ rho @ dj - 0.5 * (dj @ dk_dag @ rho + rho @ dj @ dk_dag))
    return out


def bose_correlations(d, rho):
    """C_jk = Tr[rho d_j^dag d_k]."""
    import numpy as np
    return np.array([[np.trace(rho @ d[j].conj().T @ d[k]) for k in range(2)] for j in range(2)])


def bose_gaussian_state(C, nmax):
    """Number-conserving bosonic Gaussian state with <d_j^dag d_k> = C_jk (C > 0), restricted to N < nmax.

    rho ~ exp(-d^dag K d) with K = ln(1 + (C^T)^-1); the quadratic form conserves N, so its restriction
    to N < nmax is exact.  Returns (rho normalised on N < nmax, d, the weight lost at N >= nmax).
    """
    import numpy as np
    from scipy.linalg import expm
    d, P = bose_fock(nmax)
    ev, V = np.linalg.eigh(np.asarray(C).T)
    K = (V * np.log1p(1 / ev)) @ V.conj().T
    H = sum(K[j, k] * d[j].conj().T @ d[k] for j in range(2) for k in range(2))
    rho = P @ expm(-H) @ P
    # the weight of N < nmax in the full state: the partition function is prod_m (1 + nu_m)
    kept = np.trace(rho).real / np.prod(1 + ev)
    return rho / np.trace(rho), d, 1 - kept


# --------------------------------------------------------------------------- matched reservoirs

def match_fermi_baths(m, b):
    """Fermionic reservoirs whose single-bath level populations equal those of the bosonic `b`.

    For each reservoir alpha, (mu_alpha, T_alpha) of a Fermi function are solved for so that
    int phi_j f_alpha = int phi_j n_alpha for j = 1, 2 (EPA phi_j, Eq. (58)), i.e. so that every
    gain rate gamma^+_{alpha,j}, hence Gamma_j, Lambda^+_jj and L_alpha's gain part, is the same.
    Returns the fermionic Baths, or None where no Fermi function has these populations (a bosonic
    population >= 1, or populations not decreasing with energy).  Scalar Baths only.
    """
    import numpy as np
    from scipy.optimize import least_squares
    import nadlib as nad
    from nadlib import dissipator as dsp

    def pops(bb):
        return dsp.bath_rates(m, bb)[1] / (m.Gamma_golden[None, :] * m.R.T ** 2)   # [alpha, j]
    target = pops(b)
    fits = []
    for p in target:
        if not 0 < p[0] < p[1] < 1:                # E_1 > E_2: a Fermi function fills E_2 more
            return None
        # start from the Fermi function through (E_j, p_j), then solve with the broadened levels
        T0 = m.Delta / np.log((1 / p[0] - 1) / (1 / p[1] - 1))
        mu0 = m.E[1] - T0 * np.log(1 / p[1] - 1)

        def res(x, p=p):
            return np.log(pops(nad.Baths(np.exp(x[1]), np.exp(x[1]), x[0], x[0]))[0]) - np.log(p)
        try:
            with np.errstate(divide="ignore", invalid="ignore"):     # trial points may underflow
                sol = least_squares(res, [mu0, np.log(T0)], xtol=1e-15, ftol=1e-15, gtol=1e-15)
        except ValueError:                          # populations underflow at the starting point
            return None
        if not np.all(np.isfinite(sol.fun)):
            return None
        if np.abs(sol.fun).max() > 1e-10:
            return None
        fits.append((sol.x[0], np.exp(sol.x[1])))
    (mu_L, T_L), (mu_R, T_R) = fits
    return nad.Baths(T_L, T_R, mu_L, mu_R)


# --------------------------------------------------------------------------- counting statistics referees

def transmission_probability(m, w):
    """tau(w) = 2 pi calT(w) = pi^2 g^2 phi_1 phi_2, written out from Eqs. (19), (35), (36), (45)
    (scalar w; not via nadlib)."""
    import math
    r = m.Gamma / m.Omega
    J = m.Gamma / (2 * math.pi) * math.sqrt(max(0.0, 1 - (w / m.Omega) ** 2))
    phi = []
    for E in m.E:
        Ep = (1 - r / 2) / (1 - r) * E
        Gj = math.sqrt(1 - r - (E / m.Omega) ** 2) / (1 - r) * m.Gamma
        phi.append(J / (1 - r) / ((w - Ep) ** 2 + Gj ** 2 / 4))
    return math.pi ** 2 * m.g ** 2 * phi[0] * phi[1]


def kappa_quad(m, b, lam, lam_E=0.0):
    """The Levitov-Lesovik kappa(lambda, lambda_E) by scipy quad of its logarithm (scalar Baths, fermions or
    bosons: -s ln(1 - s y) / 2 pi with s = -1 or +1)."""
    import math
    import numpy as np
    from scipy import integrate
    muL, muR, TL, TR = (float(x) for x in (b.mu_L, b.mu_R, b.T_L, b.T_R))
    bose = b.statistics == "bose"
    f = lambda w, mu, T: float(w < mu) if T == 0 else 0.5 * (1 - math.tanh((w - mu) / (2 * T)))

    def g(w):
        if bose:
            nL, nR = 1 / math.expm1((w - muL) / TL), 1 / math.expm1((w - muR) / TR)
            p, q, s = nL * (1 + nR), nR * (1 + nL), 1.0
        else:
            fL, fR = f(w, muL, TL), f(w, muR, TR)
            p, q, s = fL * (1 - fR), fR * (1 - fL), -1.0
        x = 1j * (lam + lam_E * w)
        y = transmission_probability(m, w) * (p * (np.exp(x) - 1) + q * (np.exp(-x) - 1))
        return -s * np.log(1 - s * y) / (2 * math.pi)
    pts = np.unique(np.clip([muL, muR, *m.E, *np.linspace(-m.Omega, m.Omega, 9)], -m.Omega, m.Omega))
    opts = dict(limit=400, epsabs=1e-15, epsrel=1e-13)
    return sum(integrate.quad(lambda w: g(w).real, a, c, **opts)[0]
               + 1j * integrate.quad(lambda w: g(w).imag, a, c, **opts)[0] for a, c in zip(pts[:-1], pts[1:]))


def cauchy_cumulants(kappa, order, r=0.2, J=24):
    """k_n = (-i d/dlambda)^n kappa(0) from kappa on the circle |lambda| = r (Cauchy integral, DFT)."""
    import math
    import numpy as np
    vals = np.array([kappa(r * np.exp(2j * np.pi * j / J)) for j in range(J)])
    coeff = np.fft.fft(vals) / J
    n = np.arange(1, order + 1)
    return (coeff[n] / r ** n * np.array([math.factorial(k) for k in n]) * (-1j) ** n).real


def many_body_counting(chain, t, alpha, C0, lam):
    """Two-time measurement of N_alpha on the 2^N Fock space of a short FiniteChain (Jordan-Wigner):
    the first four cumulants of P(Delta N) and chi(lam), at the times t.  Shapes (nt, 4), (nt,)."""
    import numpy as np
    from scipy.linalg import expm
    N = chain.N
    a, Z, I = np.array([[0.0, 1.0], [0.0, 0.0]]), np.diag([1.0, -1.0]), np.eye(2)
    c = []
    for j in range(N):
        o = np.array([[1.0]])
        for x in [Z] * j + [a] + [I] * (N - j - 1):
            o = np.kron(o, x)
        c.append(o)
    h = chain.hamiltonian
    H = sum(h[i, j] * c[i].T @ c[j] for i in range(N) for j in range(N) if h[i, j] != 0)
    Cfull = np.zeros((N, N), complex)
    s = chain.sys_index
    Cfull[np.ix_(s, s)] = chain.model.R.T @ C0 @ chain.model.R
    for al in (0, 1):
        W, f = chain.lead_states[al]
        Cfull[np.ix_(chain.lead_index[al], chain.lead_index[al])] = (W * f) @ W.T
    nu, Wn = np.linalg.eigh(Cfull.T)                       # the Gaussian state from its normal modes
    rho = np.eye(2 ** N, dtype=complex)
    for q in range(N):
        d = sum(Wn[k, q].conj() * c[k] for k in range(N))
        num = d.conj().T @ d
        rho = rho @ (nu[q] * num + (1 - nu[q]) * (np.eye(2 ** N) - num))
    rho /= np.trace(rho)
    nl = np.rint(np.diag(sum(c[i].T @ c[i] for i in chain.lead_index[alpha]))).astype(int)
    cum, chi = [], []
    for tt in np.atleast_1d(t):
        U = expm(-1j * H * tt)
        P = {}
        for n0 in range(chain.M + 1):
            Pa = np.diag((nl == n0).astype(float))
            r = np.diag(U @ Pa @ rho @ Pa @ U.conj().T).real
            for n1 in range(chain.M + 1):
                P[n0 - n1] = P.get(n0 - n1, 0.0) + r[nl == n1].sum()
        x = np.array(sorted(P), float)
        p = np.array([P[k] for k in sorted(P)])
        k1 = p @ x
        mu = [p @ (x - k1) ** j for j in range(5)]
        cum.append([k1, mu[2], mu[3], mu[4] - 3 * mu[2] ** 2])
        chi.append(p @ np.exp(1j * lam * x))
    return np.array(cum), np.array(chi)


def fit_slopes(t, c, log=False):
    """Least-squares slopes k of c(t) ~ a + k t (+ b ln t if log) for each column of c (nt, K)."""
    import numpy as np
    cols = [np.ones_like(t), t] + ([np.log(t)] if log else [])
    return np.linalg.lstsq(np.stack(cols, 1), c, rcond=None)[0][1]


# --------------------------------------------------------------------------- exercises beyond the paper
# Referees of the exercises that close the chapters "Which master equation should I trust?" and
# "Bosonic reservoirs": closed forms and Fock-space constructions that share no code with nadlib.markov,
# and scipy quadratures of the bosonic rates.

__all__ += ["gaussian_trace_distance_fock", "global_steady_state", "local_steady_state_fock",
            "offresonant_coherence", "gain_matrix_quad", "negative_rate_weight"]

def gaussian_trace_distance_fock(C1, C2):
    """Trace distance (1/2)||rho_1 - rho_2||_1 of two fermionic Gaussian states, from their 4 x 4 density
    matrices (nadlib.fock.gaussian_state) and the eigenvalues of the difference (not the closed form of
    nadlib.markov)."""
    from nadlib import fock
    return 0.5 * np.abs(np.linalg.eigvalsh(fock.gaussian_state(C1) - fock.gaussian_state(C2))).sum()


def global_steady_state(m, b):
    """The global master equation's steady state in closed form, C = diag(sum_alpha R_ja^2 f_a(E_j)):
    each eigenmode is filled and emptied by golden-rule rates proportional to R_ja^2, with no coherence
    (scalar fermionic Baths)."""
    f = [[fermi_ref(E, float(b.mu[a]), float(b.T[a])) for E in m.E] for a in range(2)]
    return np.diag([sum(m.R[j, a] ** 2 * f[a][j] for a in range(2)) for j in range(2)]).astype(complex)


def local_steady_state_fock(m, b):
    """The local master equation's steady C, built in Fock space from the site operators (each site alone
    with its reservoir, golden-rule rates at the site energy) and solved by scipy's null space."""
    from scipy.linalg import null_space
    from nadlib import fock
    c = fock.mode_operators(m.R.T)
    H = m.h_L * c[0].T @ c[0] + m.h_R * c[1].T @ c[1] - m.g / 2 * (c[0].T @ c[1] + c[1].T @ c[0])
    L = fock.commutator_super(H)
    for a, h in enumerate((m.h_L, m.h_R)):
        gam, f = 2 * np.pi * float(m.spectral_density(h)), fermi_ref(h, float(b.mu[a]), float(b.T[a]))
        L = L + gam * ((1 - f) * fock.lindblad_dissipator(c[a]) + f * fock.lindblad_dissipator(c[a].T))
    v = null_space(L)
    if v.shape[1] != 1:
        raise ValueError(f"local generator: {v.shape[1]} steady states, expected one")
    rho = v[:, 0].reshape(4, 4, order="F")                 # vec is column stacking
    return fock.correlation_from_rho(rho / np.trace(rho))


def offresonant_coherence(m, occ_diff):
    """-(i g / 2) P int dw J_N(w) [n_L - n_R](w) / ((E_1 - w)(E_2 - w)), the off-resonant coherence of the
    bosonic gain matrix, by partial fractions and scipy's Cauchy weight (principal values at E_j)."""
    F = lambda w: m.spectral_density(w) * occ_diff(w)
    pv = []
    for E in m.E:                                          # P int F / (E - w), band split at E -+ 0.2
        a, c = max(-m.Omega, E - 0.2), min(m.Omega, E + 0.2)
        out = -integrate.quad(F, a, c, weight="cauchy", wvar=E, limit=400, epsabs=1e-16)[0]
        for lo, hi in ((-m.Omega, a), (c, m.Omega)):
            if hi > lo:
                out += integrate.quad(lambda w: F(w) / (E - w), lo, hi, points=[lo + 1e-3, lo + 0.1]
                                      if lo == -m.Omega else None, limit=800, epsabs=1e-16)[0]
        pv.append(out)
    return -0.5j * m.g * (pv[1] - pv[0]) / (m.E[0] - m.E[1])


def gain_matrix_quad(m, occupations):
    """Lambda^+ of Eq. (55) (golden-rule widths, bare levels) by scipy quad, for any occupations
    w -> (n_L(w), n_R(w)) of the two reservoirs.  Returns a 2 x 2 array."""
    E, G, R = m.E, m.Gamma_golden, m.R

    def entry(j, k, part):
        def f(w):
            nL, nR = occupations(w)
            v = (1j * m.spectral_density(w) * (R[j, 0] * R[k, 0] * nL + R[j, 1] * R[k, 1] * nR)
                 * (1 / (E[j] - w + 0.5j * G[j]) - 1 / (E[k] - w - 0.5j * G[k])))
            return getattr(v, part)
        return integrate.quad(f, -m.Omega, m.Omega, points=[-m.Omega + 1e-4, -m.Omega + 1e-2, *E], limit=800,
                              epsabs=0.0, epsrel=1e-11)[0]
    return np.array([[entry(j, k, "real") + 1j * entry(j, k, "imag") for k in range(2)] for j in range(2)])


def negative_rate_weight(*matrices):
    """Eq. (82) written out: minus the sum of the negative eigenvalues of the given Hermitian rate matrices."""
    return -sum(np.minimum(0.0, np.linalg.eigvalsh(X)).sum() for X in matrices)


# --------------------------------------------------------------------------- master-equation counting referees

def _jw_pair():
    """Two fermionic modes from numpy kron (Jordan-Wigner, mode 2 first): no nadlib.fock."""
    a, Z, I = np.array([[0.0, 1.0], [0.0, 0.0]]), np.diag([1.0, -1.0]), np.eye(2)
    return [np.kron(Z, a), np.kron(a, I)]


def tilted_eigenvalue(me, lam, int_weight=0.0):
    """kappa(lambda): the eigenvalue nearest 0 of the full 16 x 16 tilted generator of one point.

    Built from the rate matrices of a MasterEquation `me` (scalar) with kron-built fermions:
    -i[H', .] with H' = sum_jk H_kj d_j^dag d_k, and each D(Lambda^+, Lambda^-) of Eq. (51) term by
    term; reservoir L's gain jumps d_k^dag rho d_j carry e^{i lambda}, its loss jumps d_j rho d_k^dag
    e^{-i lambda}, the interference part's jumps 1 + w (e^{+-i lambda} - 1).  vec is column stacking.
    """
    d = _jw_pair()
    dd = [x.T for x in d]
    I4 = np.eye(4)
    pre = lambda A: np.kron(I4, A)
    post = lambda A: np.kron(A.T, I4)
    H = me.H_S + me.H_lamb.sum(0)
    Hp = sum(H[k, j] * dd[j] @ d[k] for j in range(2) for k in range(2))
    L = -1j * (pre(Hp) - post(Hp))
    ep, em = np.exp(1j * lam), np.exp(-1j * lam)
    parts = [(me.Lambda_plus[0], me.Lambda_minus[0], ep, em), (me.Lambda_plus[1], me.Lambda_minus[1], 1, 1),
             (me.Lambda_plus_int, me.Lambda_minus_int, 1 + int_weight * (ep - 1), 1 + int_weight * (em - 1))]
    for Lp, Lm, tp, tm in parts:
        for j in range(2):
            for k in range(2):
                A, B = dd[k] @ d[j], d[j] @ dd[k]
                L = L + Lm[j, k] * (tm * np.kron(dd[k].T, d[j]) - 0.5 * (pre(A) + post(A)))
                L = L + Lp[j, k] * (tp * np.kron(d[j].T, dd[k]) - 0.5 * (pre(B) + post(B)))
    ev = np.linalg.eigvals(L)
    return ev[np.argmin(np.abs(ev))]


def _fermi(w, mu, T):
    if T == 0:
        return float(w < mu)
    return 0.5 * (1 - np.tanh((w - mu) / (2 * T)))


def _gamma(m, w):
    """gamma(w) = 2 pi J_N(w), Eq. (19) typed again."""
    return m.Gamma * np.sqrt(np.clip(1 - (np.asarray(w) / m.Omega) ** 2, 0, None))


def two_state_rates(m, b):
    """Rates of the global equation's two-state processes, per eigenmode: into mode j from L (a), from
    R (b), out to L (c), out to R (d); gamma_alpha,j = gamma(E_j) R_j,alpha^2.  Shapes (*b.shape, 2)."""
    E = np.asarray(m.E)
    fermi = np.vectorize(_fermi)
    fL = fermi(E, np.asarray(b.mu_L)[..., None], np.asarray(b.T_L)[..., None])
    fR = fermi(E, np.asarray(b.mu_R)[..., None], np.asarray(b.T_R)[..., None])
    gL, gR = _gamma(m, E) * m.R[:, 0] ** 2, _gamma(m, E) * m.R[:, 1] ** 2
    return gL * fL, gR * fR, gL * (1 - fL), gR * (1 - fR)


def qutip_counting(m, b, kind):
    """k_1, k_2, k_3 of the particles leaving L from QuTiP's countstat_current_noise, for the local or the
    global equation built from its collapse operators in the site basis with QuTiP's fermions."""
    import qutip
    cL, cR = qutip.fdestroy(2, 0), qutip.fdestroy(2, 1)
    H = m.h_L * cL.dag() * cL + m.h_R * cR.dag() * cR - m.g / 2 * (cL.dag() * cR + cR.dag() * cL)
    mus, Ts = (float(b.mu_L), float(b.mu_R)), (float(b.T_L), float(b.T_R))
    ops = []                                                   # (rate, operator, reservoir, +1 in / -1 out)
    if kind == "local":
        for a, (c, h) in enumerate(((cL, m.h_L), (cR, m.h_R))):
            f = _fermi(h, mus[a], Ts[a])
            ops += [(_gamma(m, h) * (1 - f), c, a, -1), (_gamma(m, h) * f, c.dag(), a, +1)]
    elif kind == "global":
        for j in range(2):
            dj = m.R[j, 0] * cL + m.R[j, 1] * cR
            for a in range(2):
                f = _fermi(m.E[j], mus[a], Ts[a])
                r = _gamma(m, m.E[j]) * m.R[j, a] ** 2
                ops += [(r * (1 - f), dj, a, -1), (r * f, dj.dag(), a, +1)]
    else:
        raise ValueError("qutip_counting builds the local and global equations only")
    c_ops = [np.sqrt(float(r)) * op for r, op, _, _ in ops]
    L = qutip.liouvillian(H, c_ops)
    jumps = [(s, qutip.sprepost(c, c.dag())) for c, (_, _, a, s) in zip(c_ops, ops) if a == 0]
    I_op, J_op = sum(s * J for s, J in jumps), sum(J for _, J in jumps)
    cur, noise, skew = qutip.countstat_current_noise(L, [], rhoss=qutip.steadystate(L), J_ops=[J_op],
                                                     I_ops=[I_op], sparse=False, method="direct")
    return np.array([cur[0], noise[0, 0, 0], skew[0, 0]])


def spearman(x, y):
    """Spearman rank correlation of two arrays (finite entries of x only)."""
    from scipy.stats import spearmanr
    x, y = np.ravel(x), np.ravel(y)
    ok = np.isfinite(x) & np.isfinite(y)
    return float(spearmanr(x[ok], y[ok])[0])

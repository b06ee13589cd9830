"""Shared helpers of the book's check cells: rounding for printed output and glue.

nbval compares printed text exactly, so every number a check cell prints goes through one of
these.  Referee routines that several chapters use (independent quadratures, brute-force
constructions) live here too, so that each chapter's check cells show only what they check.
Import from a chapter with ``from _checks import below, sig`` (the kernel runs in book/).
"""
from __future__ import annotations

__all__ = ["below", "sig"]


def below(x, floor=1e-12):
    """An error for printing: '< floor' at round-off level, else 1 significant digit."""
    return f"< {floor:.0e}" if x < floor else f"{x:.0e}"


def sig(x, n=3):
    """x rounded to n significant digits (for glue; stable across runs)."""
    return float(f"{x:.{n}g}")


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

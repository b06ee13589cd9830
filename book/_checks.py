"""Shared helpers of the book's check cells: rounding for printed output and glue.

nbval compares printed text exactly, so every number a check cell prints goes through one of
these.  Referee routines that several chapters use (independent quadratures, brute-force
constructions) live here too, so that each chapter's check cells show only what they check.
Import from a chapter with ``from _checks import below, sig`` (the kernel runs in book/).
"""
from __future__ import annotations

__all__ = ["below", "sig", "transmission_probability", "kappa_quad", "cauchy_cumulants",
           "many_body_counting", "fit_slopes"]


def below(x, floor=1e-12):
    """An error for printing: '< floor' at round-off level, else 1 significant digit."""
    return f"< {floor:.0e}" if x < floor else f"{x:.0e}"


def sig(x, n=3):
    """x rounded to n significant digits (for glue; stable across runs)."""
    return float(f"{x:.{n}g}")


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
    """The Levitov-Lesovik kappa(lambda, lambda_E) by scipy quad of its logarithm (fermions, scalar Baths)."""
    import math
    import numpy as np
    from scipy import integrate
    muL, muR, TL, TR = (float(x) for x in (b.mu_L, b.mu_R, b.T_L, b.T_R))
    f = lambda w, mu, T: float(w < mu) if T == 0 else 0.5 * (1 - math.tanh((w - mu) / (2 * T)))

    def g(w):
        fL, fR = f(w, muL, TL), f(w, muR, TR)
        x = 1j * (lam + lam_E * w)
        y = transmission_probability(m, w) * (fL * (1 - fR) * (np.exp(x) - 1) + fR * (1 - fL) * (np.exp(-x) - 1))
        return np.log(1 + y) / (2 * math.pi)
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

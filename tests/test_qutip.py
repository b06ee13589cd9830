"""QuTiP as an independent referee of nadlib.markov (optional dependency: pip install nadlib[qutip]).

The local and global Lindbladians are built from scratch in QuTiP with its own fermion operators
(Jordan-Wigner, fdestroy) in the *site* basis, and QuTiP's steadystate and mesolve are compared with
nadlib, whose superoperators live in the eigenmode Fock basis: only physical quantities (the
correlation matrix) are compared.  QuTiP's Bloch-Redfield tensor accepts a fermionic environment;
with the power spectra 2 pi J_N f and 2 pi J_N (1 - f) it reproduces nadlib's Redfield equation
without principal-value terms (QuTiP's Bloch-Redfield tensor has no Lamb shift).
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import expm

import nadlib as nad
from nadlib import fock

qutip = pytest.importorskip("qutip", reason="QuTiP is an optional dependency (pip install 'nadlib[qutip]'); "
                                            "these cross-checks need it")
from qutip.core.environment import FermionicEnvironment  # noqa: E402

POINTS = [
    (dict(h=1.0, delta=0.3, g=0.5, Gamma=0.01, Omega=10.0), dict(T_L=0.05, T_R=0.2, mu_L=1.0, mu_R=0.2)),
    (dict(h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0), dict(T_L=0.01, T_R=0.01, mu_L=1.0, mu_R=0.2)),
    (dict(h=0.5, delta=-0.2, g=0.05, Gamma=0.05, Omega=5.0), dict(T_L=0.2, T_R=0.05, mu_L=0.4, mu_R=0.7)),
]
TIMES = np.array([0.0, 5.0, 30.0, 120.0, 600.0])
OPTS = {"atol": 1e-14, "rtol": 1e-12, "nsteps": 100000}


def _point(i):
    mp, bp = POINTS[i]
    return nad.Model(**mp), nad.Baths(**bp)


def _site_operators():
    cL, cR = qutip.fdestroy(2, 0), qutip.fdestroy(2, 1)
    vac = qutip.tensor(qutip.basis(2, 0), qutip.basis(2, 0))
    assert (cL * vac).norm() == 0 and (cR * vac).norm() == 0
    return cL, cR, vac


def _qutip_hamiltonian(m, cL, cR):
    return m.h_L * cL.dag() * cL + m.h_R * cR.dag() * cR - m.g / 2 * (cL.dag() * cR + cR.dag() * cL)


def _eigen_correlations(m, cL, cR, rho):
    d = [m.R[j, 0] * cL + m.R[j, 1] * cR for j in range(2)]
    return np.array([[qutip.expect(d[j].dag() * d[k], rho) for k in range(2)] for j in range(2)])


def _collapse(m, b, kind, cL, cR):
    gam = lambda w: 2 * np.pi * m.spectral_density(w)
    c_ops = []
    if kind == "local":
        for a, (c, h) in enumerate(((cL, m.h_L), (cR, m.h_R))):
            f = nad.fermi(h, float(b.mu[a]), float(b.T[a]))
            c_ops += [np.sqrt(gam(h) * (1 - f)) * c, np.sqrt(gam(h) * f) * c.dag()]
    else:
        for j in range(2):
            d = m.R[j, 0] * cL + m.R[j, 1] * cR
            for a in range(2):
                f = nad.fermi(m.E[j], float(b.mu[a]), float(b.T[a]))
                r = gam(m.E[j]) * m.R[j, a] ** 2
                c_ops += [np.sqrt(r * (1 - f)) * d, np.sqrt(r * f) * d.dag()]
    return c_ops


def _nadlib_evolution(L, m, rho0):
    v0 = fock.vec(rho0)
    return np.array([fock.correlation_from_rho(fock.unvec(expm(L * t) @ v0)) for t in TIMES])


def _nadlib_initial(m):
    c = fock.mode_operators(m.R.T)
    vac = np.zeros((4, 4))
    vac[0, 0] = 1.0
    return c[0].T @ vac @ c[0]                                  # one particle on site L


@pytest.mark.parametrize("kind", ["local", "global"])
@pytest.mark.parametrize("i", range(len(POINTS)))
def test_qutip_lindbladians(i, kind, report):
    m, b = _point(i)
    cL, cR, vac = _site_operators()
    H = _qutip_hamiltonian(m, cL, cR)
    c_ops = _collapse(m, b, kind, cL, cR)
    C_q = _eigen_correlations(m, cL, cR, qutip.steadystate(H, c_ops))
    C_n = nad.lindblad_steady_state(m, b, kind)
    err_ss = np.abs(C_q - C_n).max()
    np.testing.assert_allclose(C_q, C_n, atol=1e-10)
    # time evolution of one particle put on site L
    psi0 = cL.dag() * vac
    res = qutip.mesolve(H, psi0 * psi0.dag(), TIMES, c_ops, options=OPTS)
    C_t = np.array([_eigen_correlations(m, cL, cR, r) for r in res.states])
    C_tn = _nadlib_evolution(nad.lindblad_generator(m, b, kind), m, _nadlib_initial(m))
    err_t = np.abs(C_t - C_tn).max()
    np.testing.assert_allclose(C_t, C_tn, atol=1e-10)
    report(f"qutip {kind} point {i}: steadystate | mesolve vs nadlib (max abs C)", max(err_ss, err_t))


@pytest.mark.parametrize("kind", ["local", "global", "redfield", "unified", "asymptotic"])
def test_to_qutip(kind):
    """to_qutip keeps the column-stacking convention: it equals QuTiP's liouvillian of nadlib's own
    Fock matrices (local, global) and its QuTiP steady state is nadlib's."""
    m, b = _point(0)
    L = nad.lindblad_generator(m, b, kind)
    Lq = nad.to_qutip(L)
    assert Lq.issuper and Lq.dims == [[[4], [4]], [[4], [4]]] and Lq.superrep == "super"
    rho = qutip.steadystate(Lq)
    np.testing.assert_allclose(fock.correlation_from_rho(rho.full()), nad.lindblad_steady_state(m, b, kind),
                               atol=1e-10)
    if kind in ("local", "global"):
        me = nad.master_equation(m, b, kind)
        H = qutip.Qobj(fock.hamiltonian_from_matrix(me.H_S))
        c_ops = []
        d = fock.annihilators()
        for a in range(2):
            for Lam, dag in ((me.Lambda_minus[a], False), (me.Lambda_plus[a], True)):
                lam, U = np.linalg.eigh(Lam)
                for k in range(2):
                    if lam[k] > 1e-300:
                        op = sum(U[j, k] * d[j] for j in range(2))
                        op = op.conj().T if dag else op
                        c_ops.append(qutip.Qobj(np.sqrt(lam[k]) * op))
        np.testing.assert_allclose(qutip.liouvillian(H, c_ops).full(), L, atol=1e-15)


class NewnsReservoir(FermionicEnvironment):
    """A fermionic environment with the Newns density: power spectra 2 pi J_N f and 2 pi J_N (1 - f)."""

    def __init__(self, m, T, mu):
        super().__init__(T=T, mu=mu)
        self.m = m

    def spectral_density(self, w):
        return 2 * np.pi * self.m.spectral_density(np.asarray(w, dtype=float))

    def power_spectrum_plus(self, w):
        return self.spectral_density(w) * nad.fermi(w, self.mu, self.T)

    def power_spectrum_minus(self, w):
        return self.spectral_density(w) * (1 - nad.fermi(w, self.mu, self.T))

    def correlation_function_plus(self, t):
        raise NotImplementedError("not needed by the Bloch-Redfield tensor")

    def correlation_function_minus(self, t):
        raise NotImplementedError("not needed by the Bloch-Redfield tensor")


@pytest.mark.parametrize("i", range(len(POINTS)))
def test_qutip_bloch_redfield(i, report):
    m, b = _point(i)
    cL, cR, vac = _site_operators()
    H = _qutip_hamiltonian(m, cL, cR)
    envs = [NewnsReservoir(m, float(b.T[a]), float(b.mu[a])) for a in range(2)]
    R = qutip.bloch_redfield_tensor(H, [(cL, envs[0]), (cR, envs[1])], sec_cutoff=-1, fock_basis=True)
    C_q = _eigen_correlations(m, cL, cR, qutip.steadystate(R))
    C_n = nad.lindblad_steady_state(m, b, "redfield", lamb_shift=False)
    err_ss = np.abs(C_q - C_n).max()
    np.testing.assert_allclose(C_q, C_n, atol=1e-10)
    # QuTiP drops every principal value: nadlib's default (lamb_shift=True) differs visibly
    assert np.abs(C_q - nad.lindblad_steady_state(m, b, "redfield")).max() > 1e-6
    psi0 = cL.dag() * vac
    res = qutip.mesolve(R, psi0 * psi0.dag(), TIMES, options=OPTS)
    C_t = np.array([_eigen_correlations(m, cL, cR, r) for r in res.states])
    L = nad.lindblad_generator(m, b, "redfield", lamb_shift=False)
    C_tn = _nadlib_evolution(L, m, _nadlib_initial(m))
    err_t = np.abs(C_t - C_tn).max()
    np.testing.assert_allclose(C_t, C_tn, atol=1e-10)
    report(f"qutip Bloch-Redfield point {i}: vs nadlib redfield(lamb_shift=False) (max abs C)",
           max(err_ss, err_t))

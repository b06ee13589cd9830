"""Tests of the master-equation counting statistics: nadlib.counting.lindblad_cumulants and lindblad_cgf.

Independent routes used here:

* the currents of nadlib.markov (Tr[N_S L_L rho_ss] from the single-particle Lyapunov solution): k_1;
* the eigenvalue of the full 16 x 16 tilted generator, built here from Jordan-Wigner operators with
  numpy's kron (another mode ordering, no nadlib.fock), diagonalised on a circle of complex counting
  fields and turned into k_1..k_3 by the Cauchy integral: no perturbation theory, no 6-dim sector,
  no bordered pseudo-inverse;
* the classical two-state rate process of each eigenmode, whose generating function is a square
  root in closed form: the global equation's k_1, k_2 (and k_3 by its Cauchy integral);
* QuTiP's countstat_current_noise (Flindt's pseudo-inverse formulas, QuTiP's own fermions), for the
  local and global equations from their collapse operators in the site basis and for every kind from
  its rate matrices;
* the fluctuation theorem (where it must hold) and the Gamma -> 0 limit of the exact
  Levitov-Lesovik noise.
"""
import math

import numpy as np
import pytest

import nadlib as nad
from nadlib import counting
from nadlib import markov as mk

from conftest import FIG5_MODEL

M5 = nad.Model(**FIG5_MODEL)
M_GEN = nad.Model(h=1.0, delta=0.3, g=0.5, Gamma=0.2, Omega=10.0)
B_GEN = nad.Baths(T_L=0.05, T_R=0.2, mu_L=1.1, mu_R=0.4)
POINTS = [(M_GEN, B_GEN), (M5, nad.Baths(0.01, 0.01, 1.0, 0.2)), (M5, nad.Baths(0.05, 0.02, 1.6, 0.1)),
          (nad.Model(h=0.5, delta=-0.2, g=0.05, Gamma=0.05, Omega=5.0), nad.Baths(0.2, 0.05, 0.4, 0.7))]


# --------------------------------------------------------------------------- independent references

def _jw_modes(R):
    """Eigenmode operators d_j = sum_alpha R_j,alpha c_alpha from kron-built site fermions (order c_R, c_L)."""
    a, Z, I = np.array([[0.0, 1.0], [0.0, 0.0]]), np.diag([1.0, -1.0]), np.eye(2)
    cR, cL = np.kron(a, I), np.kron(Z, a)
    return [R[j, 0] * cL + R[j, 1] * cR for j in range(2)]


def _lr(A):
    """vec(rho) -> vec(A rho) and vec(rho A), column stacking."""
    I = np.eye(A.shape[0])
    return np.kron(I, A), np.kron(A.T, I)


def _sandwich(A, B):
    """vec(rho) -> vec(A rho B)."""
    return np.kron(B.T, A)


def tilted_generator_16(m, b, kind, chi, int_weight=0.0):
    """The full 16 x 16 tilted generator, built directly from the rate matrices of `kind`.

    L(chi) rho = -i[H', rho] + sum_jk Lm_jk (w^-_jk d_j rho d_k^dag - 1/2 {d_k^dag d_j, rho})
                 + Lp_jk (w^+_jk d_k^dag rho d_j - 1/2 {d_j d_k^dag, rho}),
    H' = sum_jk H_kj d_j^dag d_k, and reservoir L's jump terms multiplied by e^{+chi} (gain) and
    e^{-chi} (loss); the interference part's by 1 + w (e^{+-chi} - 1).
    """
    me = nad.master_equation(m, b, kind)
    d = _jw_modes(m.R)
    dd = [x.conj().T for x in d]
    H = me.H_S + me.H_lamb.sum(0)
    Hp = sum(H[k, j] * dd[j] @ d[k] for j in range(2) for k in range(2))
    pre, post = _lr(Hp)
    L = -1j * (pre - post)
    parts = [(me.Lambda_plus[0], me.Lambda_minus[0], np.exp(chi), np.exp(-chi)),
             (me.Lambda_plus[1], me.Lambda_minus[1], 1.0, 1.0),
             (me.Lambda_plus_int, me.Lambda_minus_int, 1 + int_weight * np.expm1(chi),
              1 + int_weight * np.expm1(-chi))]
    for Lp, Lm, tp, tm in parts:
        for j in range(2):
            for k in range(2):
                A, B = dd[k] @ d[j], d[j] @ dd[k]
                L = L + Lm[j, k] * (tm * _sandwich(d[j], dd[k]) - 0.5 * sum(_lr(A)))
                L = L + Lp[j, k] * (tp * _sandwich(dd[k], d[j]) - 0.5 * sum(_lr(B)))
    return L


def cauchy(f, order, r, J=32):
    """d^n f / dchi^n at 0, n = 1..order, from f on the circle |chi| = r (trapezoid rule = DFT)."""
    chis = r * np.exp(2j * np.pi * np.arange(J) / J)
    c = np.fft.fft([f(x) for x in chis]) / J
    n = np.arange(1, order + 1)
    return c[n] / r ** n * np.array([math.factorial(k) for k in n])


def eigen_cumulants(m, b, kind, order=3, r=0.2, int_weight=0.0):
    """k_1..k_order from the eigenvalue of the 16 x 16 tilted generator that is nearest to 0."""
    def kappa(chi):
        ev = np.linalg.eigvals(tilted_generator_16(m, b, kind, chi, int_weight))
        return ev[np.argmin(np.abs(ev))]
    return cauchy(kappa, order, r).real


def two_state_rates(m, b):
    """Per eigenmode: in from L (a), in from R (b), out to L (c), out to R (d) of the global equation."""
    gam = 2 * np.pi * m.spectral_density(m.E)
    f = lambda mu, T: nad.fermi(m.E, mu, T)
    fL, fR = f(float(b.mu_L), float(b.T_L)), f(float(b.mu_R), float(b.T_R))
    gL, gR = gam * m.R[:, 0] ** 2, gam * m.R[:, 1] ** 2
    return gL * fL, gR * fR, gL * (1 - fL), gR * (1 - fR)


def two_state_kappa(m, b, chi):
    """Sum over modes of the leading eigenvalue of [[-(a+b), c e^-chi + d], [a e^chi + b, -(c+d)]]."""
    a, bb, c, d = two_state_rates(m, b)
    s = a + bb + c + d
    P = a * d * np.expm1(chi) + bb * c * np.expm1(-chi)
    return np.sum(-s / 2 + np.sqrt(s ** 2 / 4 + P))


# --------------------------------------------------------------------------- k_1: the currents

@pytest.mark.parametrize("T", [0.01, 0.1])
@pytest.mark.parametrize("kind", mk.KINDS)
def test_k1_equals_lindblad_currents_on_fig5_grid(kind, T, report):
    mu = np.linspace(0.0, 2.0, 41)
    b = nad.Baths(T, T, mu[:, None], mu[None, :])
    k1 = counting.lindblad_cumulants(M5, b, kind, order=1)[..., 0]
    J = nad.lindblad_currents(M5, b, kind).particle
    err = np.abs(k1 - J).max() / np.abs(J).max()
    report(f"|k_1 - J^P_L| / max J, {kind}, T = {T}", err)
    assert err < 1e-12


@pytest.mark.parametrize("kind", mk.KINDS)
def test_k1_equals_lindblad_currents_generic_points(kind):
    for m, b in POINTS:
        k1 = counting.lindblad_cumulants(m, b, kind, order=1)[0]
        J = float(nad.lindblad_currents(m, b, kind).particle)
        assert abs(k1 - J) < 1e-12 * m.Gamma


# --------------------------------------------------------------------------- k_2, k_3: independent routes

@pytest.mark.parametrize("kind", mk.KINDS)
@pytest.mark.parametrize("i", range(len(POINTS)))
def test_cumulants_vs_eigenvalue_of_full_tilted_generator(kind, i, report):
    m, b = POINTS[i]
    k = counting.lindblad_cumulants(m, b, kind, order=3)
    ref = eigen_cumulants(m, b, kind, 3)
    err = np.abs(k - ref).max() / np.abs(ref).max()
    report(f"k_1..k_3 vs Cauchy integral of the 16x16 eigenvalue, {kind}, point {i}", err)
    assert err < 1e-9


def test_global_equals_classical_two_state_processes():
    for m, b in POINTS:
        a, bb, c, d = two_state_rates(m, b)
        s = a + bb + c + d
        k1 = np.sum((a * d - bb * c) / s)
        k2 = np.sum((a * d + bb * c) / s - 2 * (a * d - bb * c) ** 2 / s ** 3)
        k3 = cauchy(lambda x: two_state_kappa(m, b, x), 3, 0.2)[2].real
        got = counting.lindblad_cumulants(m, b, "global", order=3)
        np.testing.assert_allclose(got, [k1, k2, k3], rtol=1e-10, atol=1e-14 * m.Gamma)


def test_lindblad_cgf_is_the_generating_function():
    for kind in mk.KINDS:
        m, b = POINTS[0]
        assert abs(counting.lindblad_cgf(m, b, kind, 0.0)) < 1e-14
        # kappa(lambda) with lambda = -i chi: the Cauchy integral in chi of lindblad_cgf(-i chi)
        ref = cauchy(lambda x: counting.lindblad_cgf(m, b, kind, -1j * x), 3, 0.2).real
        np.testing.assert_allclose(counting.lindblad_cumulants(m, b, kind, 3), ref,
                                   rtol=1e-9, atol=1e-12 * m.Gamma)
        # and the same value as the full 16 x 16 generator's eigenvalue at a real field
        ev = np.linalg.eigvals(tilted_generator_16(m, b, kind, 0.4j))
        assert np.min(np.abs(ev - counting.lindblad_cgf(m, b, kind, 0.4))) < 1e-12
    # vectorised: a grid of baths times a vector of fields
    b = nad.Baths(0.05, 0.05, np.array([[1.0, 1.2]]), np.array([[0.3], [0.5], [0.9]]))
    K = counting.lindblad_cgf(M5, b, "local", np.array([0.1, -0.3]))
    assert K.shape == (3, 2, 2)
    np.testing.assert_allclose(K[2, 1, 1], counting.lindblad_cgf(M5, b[2, 1], "local", -0.3), rtol=1e-13)


def test_higher_orders_vs_cauchy():
    """The recursion beyond k_3 (orders 4-6) against the Cauchy integral of the eigenvalue."""
    m, b = POINTS[0]
    for kind in ("local", "asymptotic"):
        k = counting.lindblad_cumulants(m, b, kind, order=6)
        ref = cauchy(lambda x: counting.lindblad_cgf(m, b, kind, -1j * x), 6, 0.3, J=48).real
        np.testing.assert_allclose(k, ref, rtol=1e-7, atol=1e-11 * m.Gamma)


# --------------------------------------------------------------------------- QuTiP

def _qutip_noise(L, I_op, J_op, rho):
    qutip = pytest.importorskip("qutip")
    cur, noise, skew = qutip.countstat_current_noise(L, [], rhoss=rho, J_ops=[J_op], I_ops=[I_op],
                                                     sparse=False, method="direct")
    return np.array([cur[0], noise[0, 0, 0], skew[0, 0]])


@pytest.mark.parametrize("i", [0, 1, 3])
def test_qutip_countstat_local_and_global_from_collapse_operators(i, report):
    qutip = pytest.importorskip("qutip", reason="QuTiP is an optional dependency")
    m, b = POINTS[i]
    cL, cR = qutip.fdestroy(2, 0), qutip.fdestroy(2, 1)
    H = m.h_L * cL.dag() * cL + m.h_R * cR.dag() * cR - m.g / 2 * (cL.dag() * cR + cR.dag() * cL)
    gam = lambda w: 2 * np.pi * float(m.spectral_density(w))
    mus, Ts = (float(b.mu_L), float(b.mu_R)), (float(b.T_L), float(b.T_R))
    worst = 0.0
    for kind in ("local", "global"):
        ops = []                                     # (rate, operator, reservoir, +1 gain / -1 loss)
        if kind == "local":
            for a, (c, h) in enumerate(((cL, m.h_L), (cR, m.h_R))):
                f = float(nad.fermi(h, mus[a], Ts[a]))
                ops += [(gam(h) * (1 - f), c, a, -1), (gam(h) * f, c.dag(), a, +1)]
        else:
            for j in range(2):
                dj = m.R[j, 0] * cL + m.R[j, 1] * cR
                for a in range(2):
                    f = float(nad.fermi(m.E[j], mus[a], Ts[a]))
                    r = gam(m.E[j]) * m.R[j, a] ** 2
                    ops += [(r * (1 - f), dj, a, -1), (r * f, dj.dag(), a, +1)]
        c_ops = [np.sqrt(r) * op for r, op, _, _ in ops]
        L = qutip.liouvillian(H, c_ops)
        rho = qutip.steadystate(L)
        jumps = [(s, qutip.sprepost(c, c.dag())) for c, (_, _, a, s) in zip(c_ops, ops) if a == 0]
        I_op = sum(s * J for s, J in jumps)
        J_op = sum(J for _, J in jumps)
        ref = _qutip_noise(L, I_op, J_op, rho)
        got = counting.lindblad_cumulants(m, b, kind, order=3)
        err = np.abs(got - ref).max() / np.abs(ref).max()
        worst = max(worst, err)
        np.testing.assert_allclose(got, ref, rtol=1e-8, atol=1e-10 * np.abs(ref).max())
    report(f"k_1..k_3 of local, global vs QuTiP countstat_current_noise, point {i}", worst)


@pytest.mark.parametrize("kind", mk.KINDS)
def test_qutip_countstat_every_kind_from_rate_matrices(kind):
    qutip = pytest.importorskip("qutip", reason="QuTiP is an optional dependency")
    m, b = POINTS[1]
    me = nad.master_equation(m, b, kind)
    cL, cR = qutip.fdestroy(2, 0), qutip.fdestroy(2, 1)
    d = [m.R[j, 0] * cL + m.R[j, 1] * cR for j in range(2)]
    H = me.H_S + me.H_lamb.sum(0)
    L = -1j * (qutip.spre(sum(H[k, j] * d[j].dag() * d[k] for j in range(2) for k in range(2)))
               - qutip.spost(sum(H[k, j] * d[j].dag() * d[k] for j in range(2) for k in range(2))))
    Jp = Jm = 0
    for Lp, Lm, counted in ((me.Lambda_plus[0], me.Lambda_minus[0], True),
                            (me.Lambda_plus[1], me.Lambda_minus[1], False),
                            (me.Lambda_plus_int, me.Lambda_minus_int, False)):
        for j in range(2):
            for k in range(2):
                loss, gain = qutip.sprepost(d[j], d[k].dag()), qutip.sprepost(d[k].dag(), d[j])
                A, B = d[k].dag() * d[j], d[j] * d[k].dag()
                L = L + Lm[j, k] * (loss - 0.5 * qutip.spre(A) - 0.5 * qutip.spost(A))
                L = L + Lp[j, k] * (gain - 0.5 * qutip.spre(B) - 0.5 * qutip.spost(B))
                if counted:
                    Jp, Jm = Jp + Lp[j, k] * gain, Jm + Lm[j, k] * loss
    rho = qutip.steadystate(L)
    ref = _qutip_noise(L, Jp - Jm, Jp + Jm, rho)
    np.testing.assert_allclose(counting.lindblad_cumulants(m, b, kind, order=3), ref, rtol=1e-8,
                               atol=1e-10 * np.abs(ref).max())


# --------------------------------------------------------------------------- structure

def test_sector_is_invariant_and_holds_the_steady_state():
    """Every kind's generator and reservoir L's jump superoperators map the N-diagonal sector to itself."""
    out = np.setdiff1d(np.arange(16), counting.SECTOR)
    d = nad.fock.annihilators()
    for kind in mk.KINDS:
        L = nad.lindblad_generator(M_GEN, B_GEN, kind)
        assert np.abs(L[np.ix_(out, counting.SECTOR)]).max() == 0
        rho = nad.fock.steady_density_matrix(L)
        assert np.abs(nad.fock.vec(rho)[out]).max() < 1e-14
    for j in range(2):
        for k in range(2):
            for S in (nad.fock.sprepost(d[k].T, d[j]), nad.fock.sprepost(d[j], d[k].T)):
                assert np.abs(S[np.ix_(out, counting.SECTOR)]).max() == 0


def test_bordered_system_gives_the_steady_state_and_the_drazin_inverse():
    for kind in mk.KINDS:
        L0, Jp, Jm, rate = counting._tilted_generator(M_GEN, B_GEN[None], kind, True, 0.0)
        Binv = counting._bordered_inverse(L0, rate, "test")
        rho, G = Binv[0, :6, 6], Binv[0, :6, :6]
        full = np.zeros(16, complex)
        full[counting.SECTOR] = rho
        C = nad.fock.correlation_from_rho(nad.fock.unvec(full))
        np.testing.assert_allclose(C, nad.lindblad_steady_state(M_GEN, B_GEN, kind), atol=1e-13)
        # R = pinv of L0 restricted to the traceless subspace: L0 R x = x, tr R x = 0, R rho = 0
        x = np.random.default_rng(3).normal(size=6) + 0j
        x -= (counting._TRACE @ x) * rho
        y = G @ x
        np.testing.assert_allclose(L0[0] @ y, x, atol=1e-12 * np.abs(x).max())
        assert abs(counting._TRACE @ y) < 1e-12 * np.abs(y).max()


def test_grid_equals_loop_and_array_of_models():
    mu = np.array([0.2, 0.9, 1.4])
    b = nad.Baths(0.02, 0.05, mu[:, None], mu[None, :] - 0.1)
    for kind in ("redfield", "asymptotic"):
        grid = counting.lindblad_cumulants(M5, b, kind, order=3)
        assert grid.shape == (3, 3, 3)
        for i in range(3):
            for j in range(3):
                np.testing.assert_allclose(grid[i, j], counting.lindblad_cumulants(M5, b[i, j], kind, 3),
                                           rtol=1e-12, atol=1e-16)
    models = mk.model_grid(M5, Gamma=[0.005, 0.02])
    b0 = nad.Baths(0.05, 0.05, 1.1, 0.3)
    both = counting.lindblad_cumulants(models, b0, "global", order=2)
    for i, mm in enumerate(models):
        np.testing.assert_allclose(both[i], counting.lindblad_cumulants(mm, b0, "global", 2), rtol=1e-13)


# --------------------------------------------------------------------------- physics

@pytest.mark.parametrize("kind, model, holds", [
    ("global", M5, True), ("global", M_GEN, True), ("local", M5, True), ("local", M_GEN, False),
    ("redfield", M5, False), ("unified", M5, False), ("asymptotic", M5, False)])
def test_fluctuation_theorem_at_equal_temperatures(kind, model, holds, report):
    """kappa(lambda) = kappa(-lambda + i A), A = (mu_L - mu_R)/T: the global equation (detailed balance at
    every E_j) and the local one at delta = 0 (equal site energies) obey it; the others do not."""
    b = nad.Baths(0.05, 0.05, 1.1, 0.9)
    A = 0.2 / 0.05
    lam = np.array([0.3, -0.7, 0.2 + 0.1j])
    k, kr = counting.lindblad_cgf(model, b, kind, lam), counting.lindblad_cgf(model, b, kind, -lam + 1j * A)
    dev = np.abs(k - kr).max() / np.abs(k).max()
    report(f"fluctuation theorem violation, {kind}, delta = {model.delta}", dev)
    assert (dev < 1e-10) if holds else (dev > 1e-3)


def test_interference_attribution_invisible_in_k1_k2():
    """Counting a share w of L_int's jumps at L changes neither k_1 nor k_2 (a theorem for the
    asymptotic kind: L_int's jumps add the same population to both modes, and the relaxation that
    follows books exactly that much with reservoir L); k_3 changes."""
    for m, b in POINTS:
        k0 = counting.lindblad_cumulants(m, b, "asymptotic", order=3)
        for w in (0.5, 1.0, -2.0):
            kw = counting.lindblad_cumulants(m, b, "asymptotic", order=3, int_weight=w)
            np.testing.assert_allclose(kw[:2], k0[:2], rtol=1e-11, atol=1e-15)
            np.testing.assert_allclose(kw, eigen_cumulants(m, b, "asymptotic", 3, int_weight=w),
                                       rtol=1e-9, atol=1e-13)
    k0 = counting.lindblad_cumulants(M_GEN, B_GEN, "asymptotic", order=3)
    k1 = counting.lindblad_cumulants(M_GEN, B_GEN, "asymptotic", order=3, int_weight=1.0)
    assert abs(k1[2] / k0[2] - 1) > 0.01
    # the additive kinds have no L_int: the weight does nothing
    for kind in ("local", "global", "redfield", "unified"):
        np.testing.assert_array_equal(counting.lindblad_cumulants(M_GEN, B_GEN, kind, 3, int_weight=1.0),
                                      counting.lindblad_cumulants(M_GEN, B_GEN, kind, 3))


def test_global_noise_tends_to_exact_noise_as_gamma_vanishes(report):
    """Sequential-tunnelling limit: with a level in the bias window the global k_2 tends to the exact
    Levitov-Lesovik k_2 like Gamma^1 or faster (the Lorentzians of the transmission integrate to the
    golden-rule two-state cumulants); with no level in it the exact k_2 is dominated by O(Gamma^2)
    cotunnelling that the golden-rule jumps miss (the error falls only once Gamma drops below the
    thermally activated rate, far below this range)."""
    Gs = np.array([0.02, 0.01, 0.005, 0.0025])
    b = nad.Baths(0.02, 0.02, np.array([1.1, 1.6, 1.0]), np.array([0.3, 0.2, 0.95]))
    err = []
    for G in Gs:
        m = nad.Model(**dict(FIG5_MODEL, Gamma=G))
        err.append(np.abs(counting.lindblad_cumulants(m, b, "global", 2)[..., 1] / nad.noise(m, b) - 1))
    err = np.array(err)
    p = [np.polyfit(np.log(Gs), np.log(err[:, i]), 1)[0] for i in range(2)]
    report("power of Gamma of the global k_2 error (one level, two levels in the window)", p)
    assert 0.85 < p[0] < 1.15 and p[1] > 0.85
    assert np.all(err[:, 2] > 0.5)                        # no level in the window: O(1) over this range


def test_redfield_noise_can_be_negative():
    """Redfield's generator is not completely positive; its tilted generator then predicts a negative
    variance growth rate somewhere on Fig. 5's plane (the exact k_2 is positive everywhere)."""
    mu = np.linspace(0.0, 2.0, 21)
    b = nad.Baths(0.01, 0.01, mu[:, None], mu[None, :])
    assert counting.lindblad_cumulants(M5, b, "redfield", 2)[..., 1].min() < 0
    assert nad.noise(M5, b).min() > 0
    for kind in ("local", "global", "unified", "asymptotic"):
        assert counting.lindblad_cumulants(M5, b, kind, 2)[..., 1].min() >= -1e-16


# --------------------------------------------------------------------------- validation

def test_validation():
    b_bose = nad.Baths(0.1, 0.1, -10.5, -10.2, statistics="bose")
    with pytest.raises(ValueError, match="fermionic"):
        counting.lindblad_cumulants(M5, b_bose, "global")
    with pytest.raises(ValueError, match="fermionic"):
        counting.lindblad_cgf(M5, b_bose, "global", 0.1)
    with pytest.raises(ValueError, match="kind"):
        counting.lindblad_cumulants(M5, B_GEN, "secular")
    for order in (0, 17, 2.5, True, "2"):
        with pytest.raises(ValueError, match="order"):
            counting.lindblad_cumulants(M5, B_GEN, "local", order=order)
    for w in (np.nan, np.inf, "half", True, None):
        with pytest.raises(ValueError, match="int_weight"):
            counting.lindblad_cumulants(M5, B_GEN, "asymptotic", int_weight=w)
    with pytest.raises(ValueError, match="finite"):
        counting.lindblad_cgf(M5, B_GEN, "local", np.nan)
    with pytest.raises(ValueError, match="overflows"):
        counting.lindblad_cgf(M5, B_GEN, "local", 1000j)
    with pytest.raises(ValueError, match="Model"):
        counting.lindblad_cumulants("model", B_GEN, "local")
    with pytest.raises(ValueError, match="Baths"):
        counting.lindblad_cumulants(M5, "baths", "local")


def test_size_limits_refuse_before_allocating(monkeypatch):
    b = nad.Baths(0.05, 0.05, np.linspace(0, 2, 50)[:, None], np.linspace(0, 2, 50)[None, :])
    monkeypatch.setattr(counting, "MAX_POINTS_ME", 1000)
    with pytest.raises(ValueError, match="2500 parameter points"):
        counting.lindblad_cumulants(M5, b, "global")
    with pytest.raises(ValueError, match="MAX_POINTS_ME"):
        counting.lindblad_cgf(M5, b[:10, :10], "global", np.zeros(20))
    with pytest.raises(ValueError, match="broadcast"):
        counting.lindblad_cumulants(mk.model_grid(M5, Gamma=[0.01, 0.02, 0.03]), b, "global")


def test_exported():
    assert nad.lindblad_cumulants is counting.lindblad_cumulants


# --------------------------------------------------------------------------- comparisons and explorer

def test_cumulant_errors_and_levels_in_window():
    mu = np.array([0.2, 1.0, 1.6])
    b = nad.Baths(0.01, 0.01, mu[:, None], mu[None, :])
    ce = counting.cumulant_errors(M5, b, kinds=("global", "asymptotic"), order=2)
    np.testing.assert_allclose(ce.exact, nad.cumulants(M5, b, 2), rtol=1e-14)
    for k in ("global", "asymptotic"):
        np.testing.assert_allclose(ce.cumulants[k], counting.lindblad_cumulants(M5, b, k, 2), rtol=1e-14)
        off = ~np.eye(3, dtype=bool)
        rel = np.abs(ce.cumulants[k][off] / ce.exact[off] - 1)
        np.testing.assert_allclose(ce.error[k][off], rel, rtol=1e-12)
        assert np.all(np.diag(ce.error[k][..., 0]) == 0)        # both k_1 vanish at mu_L = mu_R
    # E_2 = 0.75, E_1 = 1.25: (0.2, 1.0) holds E_2, (0.2, 1.6) both, (1.0, 1.0) none; within 5 T of an edge: -1
    w = counting.levels_in_window(M5, b)
    assert w[0, 1] == 1 and w[1, 0] == 1 and w[0, 2] == 2 and w[1, 1] == 0 and w[2, 2] == 0
    assert counting.levels_in_window(M5, nad.Baths(0.01, 0.01, 0.78, 0.0)) == -1
    assert counting.levels_in_window(M5, nad.Baths(0.0, 0.0, 0.75 + 1e-9, 0.0)) == 1
    with pytest.raises(ValueError, match="margin"):
        counting.levels_in_window(M5, b, margin=-1)
    with pytest.raises(ValueError, match="kind"):
        counting.cumulant_errors(M5, b, kinds=("exact",))


def test_lindblad_noise_explorer_reacts():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from nadlib import figures
    from nadlib import widgets as W
    box = W.lindblad_noise_explorer(n=21)
    assert all(not s.continuous_update for s in W.explorer_sliders(box))
    before = box.readout.value
    box.sliders["kind"].value = "local"
    assert box.readout.value != before and "invalid" not in box.readout.value
    before = box.readout.value
    box.sliders["Gamma"].value = 0.05
    assert box.readout.value != before and "invalid" not in box.readout.value
    d = figures.lindblad_noise_data(n=7, kind="redfield")
    b = nad.Baths(0.01, 0.01, d["mu"][:, None], d["mu"][None, :])
    np.testing.assert_allclose(d["k"], counting.lindblad_cumulants(d["model"], b, "redfield", 2), rtol=1e-14)
    np.testing.assert_allclose(d["nu"], nad.nu_infinity(d["model"], b) / d["model"].Gamma, rtol=1e-14)
    with pytest.raises(ValueError, match="kind"):
        figures.lindblad_noise_data(kind="exact")
    plt.close("all")


def test_static_explorer_grids_of_the_fluctuations_chapter():
    """_config.yml's grids for the chapter's two static explorers: 3-15 values per slider, at most 40 frames,
    the widget's defaults on the grid, and the extreme frames compute finite data."""
    import importlib.util
    from pathlib import Path

    import yaml
    from nadlib import figures
    root = Path(__file__).resolve().parents[1]
    spec_ = importlib.util.spec_from_file_location("static_explorer", root / "book" / "_ext" / "static_explorer.py")
    se = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(se)
    grids = yaml.safe_load((root / "_config.yml").read_text())["sphinx"]["config"]["static_explorer_grids"]
    for name in ("fluctuations", "lindblad_noise"):
        defaults, data = figures.EXPLORERS[name][0], figures.EXPLORERS[name][1]
        sliders = [(p, str(s["values"]), s["label"]) for p, s in grids[name].items()]
        sp = se.make_spec(name, sliders, {})
        sizes = [len(s["values"]) for s in sp["sliders"]]
        assert all(3 <= n <= 15 for n in sizes) and math.prod(sizes) <= 40
        for s in sp["sliders"]:
            assert defaults[s["name"]] in s["values"]
        for corner in (0, -1):
            d = data(**{s["name"]: s["values"][corner] for s in sp["sliders"]})
            assert np.isfinite(d["k"]).all()                  # the cumulants (relative errors may be inf)
            if name == "lindblad_noise":
                assert np.isfinite(d["exact"]).all() and np.isfinite(d["nu"]).all()

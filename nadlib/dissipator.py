"""Non-additivity of the asymptotic dissipator (Sec. V A-B, App. F).

The asymptotic EPA dissipator (51), with Lambda^+ from (55) and
Lambda^- = diag(Gamma_j) - Lambda^+, is split two ways:

* energy basis, Eq. (56): L = L_L + L_R + L_int, with single-bath Lindbladians
  L_alpha (57) of rates gamma^{+-}_{alpha,j} (58) and the interference term L_int (65);
* site basis, Eq. (69): L = Lbar_L + Lbar_R + Lbar_LR, with local Lindbladians (70)
  and the two-site cross term (71).

Conventions (the book's chapter on Sec. V): the asymptotic rates use E_j and
Gamma_j = 2 pi J_N(E_j); phi_j in (58) is the EPA Lorentzian
J_N(w)/[(w - E_j)^2 + Gamma_j^2/4]; gamma^-_{alpha,j} = Gamma_{alpha,j} - gamma^+_{alpha,j}.
With these choices both splits equal (51) exactly.  Partial widths are
Gamma_{alpha,j} = Gamma_j R_{j alpha}^2 (A16; identical to the printed R_{alpha j}^2 for
the R of Eq. (16)).  Sums in (65) and (71) run over j != k and alpha != alpha' (A5).

The closed-form current corrections (79)-(81) live here rather than in
`transport` because they are statements about the split generators.

Statistics.  The rates accept fermionic and bosonic Baths: the gain rates have the same form
with Bose functions, and every loss rate flips from width - gain to width + gain
(`model.loss_rates`): Lambda^- = diag(Gamma_j) + Lambda^+, gamma^-_{alpha,j} = Gamma_{alpha,j} +
gamma^+_{alpha,j}.  The 16x16 superoperators live in the fermionic two-mode Fock space, so
`decompose` and `decompose_local` return None for them with bosonic Baths, and the functions that
build or use Fock-space objects (`asymptotic_generator`, `fixed_point`, `interference_diagonal_form`,
`local_energy_current`, `local_rate_ratio_weak`) refuse bosonic Baths.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from . import fock
from .epa import asymptotic_rates, epa_phi
from .model import check_baths, fermi, loss_rates
from .quadrature import bath_average

__all__ = ["Decomposition", "LocalDecomposition", "bath_rates", "decompose", "decompose_local",
           "xi", "eta", "local_cross_rates", "fixed_point", "effective_site_energy",
           "local_rate_ratio_weak", "asymptotic_generator", "steady_state_epa",
           "local_current_discrepancy", "local_energy_current", "interference_diagonal_form",
           "gaussian_exponent", "interference_entropy_term"]

Decomposition = namedtuple("Decomposition", "gamma_minus gamma_plus xi eta L_L L_R L_int")
Decomposition.__doc__ = """Energy-basis split (56)-(58), (65)-(67).

gamma_minus, gamma_plus : rates [..., alpha, j], shape (*b.shape, 2, 2)
xi, eta : Re and Im of Lambda^+_12, shape b.shape
L_L, L_R, L_int : 16x16 superoperators (only for scalar Baths, else None)
"""

LocalDecomposition = namedtuple(
    "LocalDecomposition",
    "gamma_bar_minus gamma_bar_plus Lambda_bar_plus Lambda_bar_minus L_L L_R L_LR")
LocalDecomposition.__doc__ = """Site-basis split (69)-(75).

gamma_bar_minus, gamma_bar_plus : rates [..., alpha], shape (*b.shape, 2)
Lambda_bar_plus, Lambda_bar_minus : R^T Lambda^+- R, shape (*b.shape, 2, 2)
L_L, L_R, L_LR : 16x16 superoperators (only for scalar Baths, else None)
"""


def _golden_average(kernel, m, b, caller):
    """int kernel(w) n_alpha(w) dw for both baths (Fermi or Bose n), resolving the golden-rule
    peaks. Shape (alpha, *K, *S)."""
    check_baths(m, b, bose=True, caller=caller)
    return bath_average(kernel, m, b, convention="golden")


def bath_rates(m, b):
    """Single-bath rates gamma^{+-}_{alpha,j} of Eq. (58), EPA convention.

    gamma^+_{alpha,j} = Gamma_{alpha,j} int dw phi_j(w) f_alpha(w) and
    gamma^-_{alpha,j} = Gamma_{alpha,j} - gamma^+_{alpha,j}.  Bosonic Baths: f_alpha is the Bose
    function and gamma^-_{alpha,j} = Gamma_{alpha,j} + gamma^+_{alpha,j}.

    Returns
    -------
    gamma_minus, gamma_plus : ndarray, shape (*b.shape, 2, 2), indexed [..., alpha, j]
    """
    Gj = m.Gamma_golden
    partial = Gj[None, :] * m.R.T ** 2                  # Gamma_{alpha,j} = Gamma_j R_{j alpha}^2
    occ = _golden_average(lambda w: epa_phi(m, w), m, b, "bath_rates")   # (alpha, j, *S)
    occ = np.moveaxis(occ, (0, 1), (-2, -1))                              # (*S, alpha, j)
    gp = partial * occ
    return loss_rates(partial, gp, b.statistics), gp


def xi(m, b, printed=False):
    """Real part of Lambda^+_12 from the integral (66), with the corrected prefactor g/(4 Delta) (A3).

    xi = (g / 4 Delta) int dw sum_j Gamma_j phi_j(w) [f_L(w) - f_R(w)].
    printed=True uses the paper's g/(2 Delta), which is twice too large.  Fermionic or bosonic
    Baths (f the Fermi or Bose functions).  Shape b.shape.
    """
    Gj = m.Gamma_golden

    def kern(w):
        phi = epa_phi(m, w)
        return Gj[0] * phi[0] + Gj[1] * phi[1]
    pref = m.g / (2 * m.Delta) if printed else m.g / (4 * m.Delta)
    I = _golden_average(kern, m, b, "xi")
    return pref * (I[0] - I[1])


def eta(m, b):
    """Imaginary part of Lambda^+_12 from the integral (67). Shape b.shape.

    eta = (g / 2 Delta) int dw [(E_1 - w) phi_1 - (E_2 - w) phi_2] [f_L - f_R].
    Fermionic or bosonic Baths.
    """
    E = m.E

    def kern(w):
        phi = epa_phi(m, w)
        return (E[0] - w) * phi[0] - (E[1] - w) * phi[1]
    I = _golden_average(kern, m, b, "eta")
    return m.g / (2 * m.Delta) * (I[0] - I[1])


def local_cross_rates(m, b):
    """Site-basis cross rates Lambdabar^{+-}_LR from the integrals (72)-(75).

    (74)-(75) follow from Lambdabar^- = R^T (diag(Gamma_j) - Lambda^+) R.  For bosonic Baths the
    loss is diag(Gamma_j) + Lambda^+, which flips the sign of the integrals in (74) and of the
    imaginary part in (75).

    Returns
    -------
    Lbar_plus_LR, Lbar_minus_LR : complex arrays of shape b.shape
    """
    Gj, E = m.Gamma_golden, m.E

    def kern(w):
        phi = epa_phi(m, w)
        return np.stack([Gj[1] * phi[1] - Gj[0] * phi[0],
                         (E[0] - w) * phi[0] - (E[1] - w) * phi[1],
                         Gj[1] * phi[1] - Gj[0] * phi[0]])
    IL, IR = _golden_average(kern, m, b, "local_cross_rates")
    # The "2" in (74) multiplies int Gamma_j phi_j, which (26) sets to Gamma_j.  The EPA
    # Lorentzian integrates to 1 - O(Gamma/Omega) (A24); taking Gamma_j itself keeps (74)
    # identical to R^T Lambda^- R with Lambda^- = diag(Gamma_j) - Lambda^+.
    one = Gj[1] - Gj[0]
    re_p = m.g / (4 * m.Delta) * (IL[0] + IR[0])                     # (72)
    im_p = m.g / (2 * m.Delta) * (IL[1] - IR[1])                     # (73)
    re_m = m.g / (4 * m.Delta) * loss_rates(2 * one, IL[2] + IR[2], b.statistics)    # (74)
    return re_p + 1j * im_p, re_m + loss_rates(0, 1j * im_p, b.statistics)       # (75)


def asymptotic_generator(m, b, include_hamiltonian=True):
    """16x16 asymptotic EPA generator: -i[H_S, .] + dissipator (51) with Lambda^+ (55).

    Scalar Baths only.  include_hamiltonian=False gives the dissipator alone.
    """
    check_baths(m, b, scalar=True, caller="asymptotic_generator")
    Lp, Lm = asymptotic_rates(m, b, both=True)
    D = fock.dissipator_from_rates(Lp, Lm)
    if include_hamiltonian:
        D = D + fock.commutator_super(fock.hamiltonian_from_matrix(np.diag(m.E)))
    return D


def steady_state_epa(m, b):
    """NESS correlation matrix of the asymptotic EPA master equation (48) with (55).

    Solves i[H, C] - {Gamma, C}/2 + Lambda^+ = 0 with H = diag(E_j), Gamma = diag(Gamma_j):
    C_jk = Lambda^+_jk / ((Gamma_j + Gamma_k)/2 - i (E_j - E_k)).  Shape (*b.shape, 2, 2).
    Fermionic or bosonic Baths ((48) is the same for both).
    """
    Lp = asymptotic_rates(m, b)
    E, G = m.E, m.Gamma_golden
    den = 0.5 * (G[:, None] + G[None, :]) - 1j * (E[:, None] - E[None, :])
    return Lp / den


def _superops_energy(gm, gp, Lp):
    d = fock.annihilators()
    out = []
    for alpha in range(2):
        L = sum(gm[alpha, j] * fock.lindblad_dissipator(d[j])
                + gp[alpha, j] * fock.lindblad_dissipator(d[j].conj().T) for j in range(2))
        out.append(L)
    off = np.array([[0, 1], [1, 0]], complex) * Lp                  # j != k only (A5)
    # (65): gain-type minus loss-type terms with the same weights Lambda^+_jk
    L_int = fock.dissipator_from_rates(off, -off)
    return out[0], out[1], L_int


def decompose(m, b):
    """Energy-basis decomposition L = L_L + L_R + L_int, Eqs. (56)-(58), (65)-(67).

    Returns
    -------
    Decomposition
        Rates for any Baths shape, fermionic or bosonic (bosons: gamma^- = Gamma_{alpha,j} +
        gamma^+); superoperators only for scalar fermionic Baths, None otherwise (the bosonic
        Fock space is infinite).
    """
    gm, gp = bath_rates(m, b)
    Lp = asymptotic_rates(m, b)
    x, e = Lp[..., 0, 1].real, Lp[..., 0, 1].imag
    if b.shape != () or b.statistics != "fermi":
        return Decomposition(gm, gp, x, e, None, None, None)
    L_L, L_R, L_int = _superops_energy(gm, gp, Lp)
    return Decomposition(gm, gp, x, e, L_L, L_R, L_int)


def decompose_local(m, b):
    """Site-basis decomposition L = Lbar_L + Lbar_R + Lbar_LR, Eqs. (69)-(71).

    gammabar^{+-}_alpha = sum_j gamma^{+-}_{alpha,j}; Lambdabar^{+-} = R^T Lambda^{+-} R
    (A22: not printed, but its diagonal equals gammabar and its off-diagonal (72)-(75)).

    Returns
    -------
    LocalDecomposition
        Rates for any Baths shape, fermionic or bosonic; superoperators only for scalar
        fermionic Baths, None otherwise.
    """
    gm, gp = bath_rates(m, b)
    gbm, gbp = gm.sum(axis=-1), gp.sum(axis=-1)
    Lp, Lm = asymptotic_rates(m, b, both=True)
    R = m.R
    Lbp = np.einsum("ja,...jk,kb->...ab", R, Lp, R)
    Lbm = np.einsum("ja,...jk,kb->...ab", R, Lm, R)
    if b.shape != () or b.statistics != "fermi":
        return LocalDecomposition(gbm, gbp, Lbp, Lbm, None, None, None)
    c = fock.mode_operators(R.T)                                      # c = R^T d
    Ls = [gbm[a] * fock.lindblad_dissipator(c[a]) + gbp[a] * fock.lindblad_dissipator(c[a].conj().T)
          for a in range(2)]
    off = np.array([[0, 1], [1, 0]], complex)
    L_LR = fock.dissipator_from_rates(off * Lbp, off * Lbm, ops=c)
    return LocalDecomposition(gbm, gbp, Lbp, Lbm, Ls[0], Ls[1], L_LR)


def fixed_point(m, b, alpha):
    """Gaussian fixed point r_alpha of L_alpha, Eq. (59): C = diag(int phi_j f_alpha). Returns (4, 4)."""
    check_baths(m, b, scalar=True, caller="fixed_point")
    gm, gp = bath_rates(m, b)
    n = gp[alpha] / (gp[alpha] + gm[alpha])
    return fock.gaussian_state(np.diag(n).astype(complex))


def effective_site_energy(m, b):
    """Effective site energy of Lbar_alpha's fixed point, Eq. (77): T ln(gbar^-/gbar^+) + mu.

    Shape (*b.shape, 2) [alpha].  Needs T_alpha > 0.  Holds for bosonic Baths too: the fixed
    point n = gbar^+/(gbar^- - gbar^+) of a bosonic mode is the Bose occupation at that energy,
    as n = gbar^+/(gbar^- + gbar^+) is the Fermi one for a fermionic mode.
    """
    if np.any(b.T <= 0):
        raise ValueError("Eq. (77) needs T_alpha > 0")
    d = decompose_local(m, b)
    T = np.moveaxis(b.T, 0, -1)
    mu = np.moveaxis(b.mu, 0, -1)
    return T * np.log(d.gamma_bar_minus / d.gamma_bar_plus) + mu


def local_rate_ratio_weak(m, b, general=True):
    """Gamma -> 0 limit of gammabar^-_alpha / gammabar^+_alpha, Eq. (78). Shape (*b.shape, 2).

    With general=True, the weighted form of erratum A8, exact for any delta and Omega,
    sum_j w_aj [1 - f_a(E_j)] / sum_j w_aj f_a(E_j) with w_aj = R_{j a}^2 sqrt(1 - E_j^2/Omega^2).
    With general=False, the printed (78), exact only for delta = 0 and E_j << Omega.
    """
    check_baths(m, b, caller="local_rate_ratio_weak")
    T = np.moveaxis(b.T, 0, -1)[..., None]
    mu = np.moveaxis(b.mu, 0, -1)[..., None]
    if general:
        f = fermi(m.E, mu, T)                                           # (..., alpha, j)
        wgt = m.R.T ** 2 * np.sqrt(1 - (m.E / m.Omega) ** 2)[None, :]
        return np.sum(wgt * (1 - f), -1) / np.sum(wgt * f, -1)
    T, mu = T[..., 0], mu[..., 0]
    if np.any(T <= 0):
        raise ValueError("the printed Eq. (78) needs T > 0")
    x = np.exp((m.h - mu) / T)
    c = np.cosh(m.Delta / (2 * T))
    return (x + c) / (1 + x * c) * x


def local_current_discrepancy(m, C_site):
    """-<Lbar_LR^dag n_L>_inf = (g / 2 Delta)(Gamma_2 - Gamma_1) Re<c_L^dag c_R>, Eq. (80).

    C_site is the site-basis correlation matrix <c_a^dag c_b> (..., 2, 2).
    """
    G = m.Gamma_golden
    return m.g / (2 * m.Delta) * (G[1] - G[0]) * np.real(np.asarray(C_site)[..., 0, 1])


def local_energy_current(m, b, C_site, printed=False):
    """<Lbar_L^dag H_S>_inf from Eq. (81), with the corrected sign + (A4).

    h_L <Lbar_L^dag N_S> + (g/2) sum_j R_1j^2 Gamma_j Re<c_L^dag c_R>; printed=True uses "-".
    <Lbar_L^dag N_S> = gbar^+_L (1 - n_L) - gbar^-_L n_L.
    """
    check_baths(m, b, caller="local_energy_current")          # (1 - n_L): fermionic
    d = decompose_local(m, b)
    C_site = np.asarray(C_site)
    nL = C_site[..., 0, 0].real
    JN = d.gamma_bar_plus[..., 0] * (1 - nL) - d.gamma_bar_minus[..., 0] * nL
    sign = -1 if printed else 1
    coh = m.g / 2 * np.sum(m.R.T[0] ** 2 * m.Gamma_golden) * np.real(C_site[..., 0, 1])
    return m.h_L * JN + sign * coh


def interference_diagonal_form(m, b):
    """Diagonal form (F1) of L_int: rates (|L12|, -|L12|, -|L12|, |L12|) and jump operators.

    L_1 = L_2^dag = (d_1 - e^{-i theta} d_2)/sqrt 2, L_3 = L_4^dag = (d_1 + e^{-i theta} d_2)/sqrt 2,
    theta = arg Lambda^+_12.  Returns (rates (4,), [L_1..L_4] as 4x4 matrices).
    """
    check_baths(m, b, scalar=True, caller="interference_diagonal_form")
    Lp = asymptotic_rates(m, b)
    a = abs(Lp[0, 1])
    th = np.angle(Lp[0, 1])
    d1, d2 = fock.annihilators()
    L1 = (d1 - np.exp(-1j * th) * d2) / np.sqrt(2)
    L3 = (d1 + np.exp(-1j * th) * d2) / np.sqrt(2)
    return np.array([a, -a, -a, a]), [L1, L1.conj().T, L3, L3.conj().T]


def gaussian_exponent(C):
    """Matrix P of the Gaussian form (F6), fixed by C = [e^P + 1]^{-1}: P = ln(C^{-1} - 1).

    Needs 0 < C < 1 strictly.  Shape (2, 2), Hermitian.
    """
    C = np.asarray(C, dtype=complex)
    ev, V = np.linalg.eigh(C)
    if ev.min() <= 0 or ev.max() >= 1:
        raise ValueError("Eq. (F6) needs 0 < C < 1 strictly (a full-rank Gaussian state)")
    return (V * np.log(1 / ev - 1)) @ V.conj().T


def interference_entropy_term(Lambda_plus_12, P):
    """Closed form (F7): Tr[ln rho L_int rho] = -2 Re[Lambda^+_12 P_21]."""
    return -2 * np.real(Lambda_plus_12 * np.asarray(P)[1, 0])

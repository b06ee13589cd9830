"""Brute-force exact dynamics of the finite 2 + 2M site chain (Sec. III A of Mitchison & Plenio 2018).

`FiniteChain` builds the whole single-particle Hamiltonian of Eqs. (10), (11) and (14): two
system sites with energies h_L, h_R and hopping -g/2, each tunnel-coupled with +sqrt(Gamma*Omega)/2
(reading A11) to the first site of its own M-site tight-binding lead with hopping -Omega/2.
Ordered as

    A_{M,L} ... A_{2,L} A_{1,L}  c_L  c_R  A_{1,R} A_{2,R} ... A_{M,R}

the full problem is one open tridiagonal chain of N = 2M + 2 sites, diagonalised once with
`scipy.linalg.eigh_tridiagonal` (MRRR, O(N^2)).  Everything else is exact linear algebra on
that spectrum: the Heisenberg evolution c(t) = U c with U = exp(-i h t), the Gaussian lead
states of Eq. (20), the global Gibbs state of Eq. (39) and App. C, the boundary currents
(40)-(41) and the double occupancy (22).

This module imports nothing from nadlib's analytic modules (spectral, exact, epa, transport,
quadrature), only `nadlib.model`, so it is an independent reference for the analytic solution.
Its only approximation is the finite M.  Results are meaningful before the recurrence time
2M/Omega, when the fastest wave packet launched by the system returns from the far end of a
lead, and at low temperature M must also resolve the leads' Fermi steps: the error is
~exp(-pi T (2M - Omega t)/Omega) (`FiniteChain.finite_size_error`), and the automatic choice
of M accounts for both.

Conventions: hbar = k_B = 1.  C_jk = Tr[rho d_j^dag d_k] in the eigenbasis d = R c of Eq. (16);
mode j = 1, 2 is stored at index 0, 1 (E_1 = h + Delta/2 the upper level).  The site-basis
("local") matrix is C^site_ab = <c_a^dag c_b> with a = L, R at 0, 1, and C = R C^site R^T.
Bath index alpha: 0 = L, 1 = R.
"""
from __future__ import annotations

import warnings
from math import factorial

import numpy as np
from scipy.linalg import eigh_tridiagonal

from .model import (MAX_ELEMENTS, check_baths, check_correlation_matrix, check_double_occupancy,
                    check_size, check_times, fermi, occupation)

__all__ = ["FiniteChain"]

# Largest number of complex amplitudes held at once when evolving many times (memory control):
# 2e6 complex numbers are 32 MB, plus two real work arrays of the same size.
_CHUNK_ELEMENTS = 2_000_000


def _bose_pole_distance(Omega, mu, T):
    """Distance from the real q axis of the nearest singularity of n(-Omega cos q), Bose n.

    The Bose function has poles at w = mu + 2 pi i n T (n integer); with mu < -Omega the n = 0
    pole sits at q = i arccosh(-mu/Omega) and the n = 1 pole at q = arccos(-(mu + 2 pi i T)/Omega).
    The Fourier (cosine) coefficients of n(-Omega cos q) decay like exp(-k * distance).
    """
    q0 = np.arccosh(-mu / Omega)
    q1 = abs(np.arccos(-(mu + 2j * np.pi * T) / Omega).imag)
    return min(q0, q1)


def _cos_moments(K, Omega, mu, T, statistics="fermi"):
    """c(k) = (1/pi) int_0^pi cos(k q) n(-Omega cos q) dq for k = 0..K. Shape (K + 1,).

    n is the Fermi or Bose function (`statistics`).  Composite Gauss-Legendre in q: panels short
    enough for cos(K q), and graded around the feature of n: for fermions the Fermi wave number
    q_F = arccos(-mu/Omega), where the smoothed step sits; for bosons (mu < -Omega) the band
    bottom q = 0, on the scale of the nearest pole of n(-Omega cos q) (`_bose_pole_distance`),
    which is small when mu is close to the band bottom.
    """
    x, w = np.polynomial.legendre.leggauss(40)
    br = list(np.linspace(0, np.pi, int(np.ceil(np.pi * K / 20.0)) + 9))
    if statistics == "bose":
        width = _bose_pole_distance(Omega, mu, T)
        br += list(width * 2.0 ** np.arange(-3, 40))
    else:
        qF = np.arccos(np.clip(-mu / Omega, -1, 1))
        br += [qF]
        if T > 0:
            width = T / (Omega * max(np.sin(qF), 1e-3))
            for s in 2.0 ** np.arange(-3, 12):
                br += [qF - s * width, qF + s * width]
    br = np.unique(np.clip(br, 0, np.pi))
    a, b = br[:-1, None], br[1:, None]
    q = ((a + b) / 2 + (b - a) / 2 * x).ravel()
    wq = ((b - a) / 2 * w).ravel()
    fw = occupation(-Omega * np.cos(q), mu, T, statistics) * wq / np.pi
    k = np.arange(K + 1)
    out = np.empty(K + 1)
    for s in range(0, K + 1, 256):
        out[s:s + 256] = np.cos(np.outer(k[s:s + 256], q)) @ fw
    return out


class FiniteChain:
    """Exact dynamics of the two-site system coupled to two finite tight-binding leads.

    Parameters
    ----------
    m : Model
        System and coupling parameters (h, delta, g, Gamma, Omega).
    b : Baths
        Temperatures and chemical potentials of the leads.  Must be scalar (``b.shape == ()``).
        Fermionic (T = 0 allowed: a step occupation) or bosonic (``statistics="bose"``: T > 0 and
        mu_alpha < -Omega).  The single-particle evolution is the same for both statistics; only
        the lead modes' initial occupations (Fermi or Bose functions) and the admissible initial
        system correlations differ: C0 Hermitian with 0 <= C0 <= 1 for fermions, C0 >= 0 for bosons.
        `double_occupancy` is fermionic only.
    M : int, optional
        Number of sites per lead (M >= 2, so that the energy current (41) is defined).  If None,
        it is chosen from `t_max` as the larger of two rules (see `required_M`):
        the recurrence rule ``M = ceil(1.1 * Omega * t_max / 2) + 50``, which gives
        ``recurrence_time = 2M/Omega >= 1.1 t_max + 100/Omega``, and the thermal rule
        ``M = ceil((Omega t_max + ln(1/tol) Omega/(pi T_min)) / 2)``, which keeps the
        finite-lead error (`finite_size_error`) below `tol` at low temperature.
    t_max : float, optional
        Latest time at which results are wanted.  Required if M is None.  If both are given,
        M must satisfy ``recurrence_time > t_max``.
    tol : float
        Target finite-lead error of the thermal rule (used only when M is None).
    leads : {"finite", "semi-infinite"}
        Initial state of each lead.  "finite": the grand-canonical state of the isolated
        M-site chain (Eq. (20) for a finite lead); at low T its discrete spectrum leaves an
        error ~exp(-pi T (2M - Omega t)/Omega), hence the thermal rule for M.
        "semi-infinite": the grand-canonical state of a semi-infinite lead restricted to its
        first M sites, <A_m^dag A_n> = c(m - n) - c(m + n) with
        c(k) = (1/pi) int_0^pi cos(k q) f(-Omega cos q) dq.  It is exact until the truncation
        is felt at the contact, t = M/Omega, at any temperature (T = 0 included); M is then
        chosen as ceil(1.1 Omega t_max) + 50.
    M_max : int
        Cap on the thermal rule (memory: the eigenvectors take 8 N^2 bytes, N = 2M + 2).  If the
        cap binds, a RuntimeWarning gives the estimated error.  The recurrence rule is never
        capped: it is needed for correctness, and an M beyond `N_max` is refused instead.

    Raises
    ------
    ValueError
        If `b` is not scalar, if M and t_max are both None, if M < 2, if the given M
        recurs before `t_max` (``2M/Omega <= t_max``), or if the chain, given or derived from
        `t_max`, would have more than `N_max` sites.  The size is checked before anything is
        allocated; the message names N, the memory (`memory_estimate`) and the limit.

    Warns
    -----
    RuntimeWarning
        When M is chosen automatically and a lead is at T = 0 with mu inside the band (the
        finite-lead error then decays only algebraically in M), or when `M_max` binds.

    Notes
    -----
    Site order (index in brackets, N = 2M + 2 sites)::

        A_{M,L}[0] ... A_{1,L}[M-1]  c_L[M]  c_R[M+1]  A_{1,R}[M+2] ... A_{M,R}[2M+1]

    The single-particle Hamiltonian h (N x N, real symmetric tridiagonal) has diagonal
    (0, ..., 0, h_L, h_R, 0, ..., 0) and off-diagonal -Omega/2 inside the leads (Eq. (11)),
    +sqrt(Gamma*Omega)/2 on the two contact bonds (Eq. (14), A11) and -g/2 on the c_L-c_R
    bond (Eq. (10)).  With h = V diag(eps) V^T the Heisenberg evolution is
    c_a(t) = sum_b U_ab(t) c_b, U(t) = V exp(-i eps t) V^T, so the correlation matrix
    <c_a^dag(t) c_b(t)> = [U^*(t) C0full U^T(t)]_ab.  Only a few rows of U(t) are ever needed
    (the sites whose correlations are requested); each costs O(N^2) per time.

    The initial state is rho_S(0) x rho_L x rho_R, Eq. (20): each lead is in the grand-canonical
    state of its *isolated* M-site chain, whose correlation matrix f_alpha(h_chain) is built
    from the numerically diagonalised chain (eigenvalues -Omega cos(pi k/(M+1)), Eqs. (12)-(13)).

    Accuracy.  Two finite-M effects limit the reference.  (i) Recurrence: at t = 2M/Omega the
    fastest packet returns from the far end; a RuntimeWarning (or ValueError if strict=True) is
    raised for such times.  (ii) The discrete lead spectrum: the lead's Fermi step is resolved
    only to the level spacing, which aliases the bath correlation function with an error
    ~exp(-pi T (2M - Omega t)/Omega) (see `finite_size_error`).  At Fig. 4(a)'s parameters
    (T = 0.1, Omega = 100, t = 25) the recurrence rule alone (M = 1426) leaves an error of
    3e-3 in C(t) at t = 25, although 2M/Omega = 28.5 > 25; the thermal rule removes it.
    At T = 0 with mu inside the band the error decays only algebraically in M.
    """

    #: Largest number of sites N = 2M + 2.  The eigenvectors then take 8 N^2 = 3.2 GB, and with
    #: the lead states at most 7.2 GB (`memory_estimate`): room to spare on a 24 GiB machine.
    #: Diagonalising such a chain takes about a minute.  Class attribute: raise it deliberately on a
    #: bigger machine.
    N_max = 20000

    @staticmethod
    def memory_estimate(M, leads="finite"):
        """Bytes held by a chain of M sites per lead: the N x N eigenvectors (8 N^2, N = 2M + 2) and
        the lead states (one M x M matrix for "finite" leads; for "semi-infinite" ones, the dense
        M x M correlation matrix of each lead and its eigenvectors, 5 of them with workspace)."""
        N = 2 * int(M) + 2
        return 8 * N ** 2 + 8 * int(M) ** 2 * (1 if leads == "finite" else 5)

    def _check_size(self, M, leads, why):
        N = 2 * M + 2
        if N > self.N_max:
            need, cap = self.memory_estimate(M, leads), self.memory_estimate((self.N_max - 2) // 2, leads)
            raise ValueError(
                f"FiniteChain: {why} gives N = 2M + 2 = {N} sites, which would take "
                f"{need / 2 ** 30:.3g} GiB ({need:.3e} bytes: 8 N^2 for the eigenvectors plus the lead "
                f"states); the limit is N <= N_max = {self.N_max} ({cap / 2 ** 30:.3g} GiB). "
                "Ask for an earlier t_max or a smaller M (or raise FiniteChain.N_max deliberately)")

    def __init__(self, m, b, M=None, t_max=None, tol=1e-6, M_max=4000, leads="finite"):
        check_baths(m, b, scalar=True, bose=True, caller="FiniteChain")
        self.model, self.baths = m, b
        Omega = m.Omega
        if t_max is not None:
            t_max = float(t_max)
            if not np.isfinite(t_max) or t_max < 0:
                raise ValueError(f"t_max must be finite and >= 0, got {t_max}")
        if not 0 < tol < 1:
            raise ValueError(f"tol must satisfy 0 < tol < 1, got {tol}")
        if leads not in ("finite", "semi-infinite"):
            raise ValueError(f"leads must be 'finite' or 'semi-infinite', got {leads!r}")
        self.leads = leads
        M_given = M is not None
        pending = []                                    # warnings, issued once the size is accepted
        if M is None and leads == "semi-infinite":
            if t_max is None:
                raise ValueError("give the lead length M or the latest time t_max (to choose M)")
            M = int(np.ceil(1.1 * Omega * t_max)) + 50
            why = f"t_max = {t_max:g} (recurrence time M/Omega > t_max needs M = {M})"
        elif M is None:
            if t_max is None:
                raise ValueError("give the lead length M or the latest time t_max (to choose M)")
            M_rec, M_th = self.required_M(m, b, t_max, tol)
            if not np.isfinite(M_th):
                pending.append(
                    "a lead at T = 0 with its chemical potential inside the band: the finite-lead "
                    "error then decays only algebraically (~1/M), not exponentially; M is set by the "
                    "recurrence time alone")
                M = M_rec
            elif M_th > M_max:
                M = max(M_rec, M_max)
                pending.append(
                    f"the thermal margin for tol={tol:g} needs M={M_th} > M_max={M_max}; using "
                    f"M={M}, estimated finite-lead error up to "
                    f"{self._thermal_error(m, b, M, t_max):.1e}")
            else:
                M = max(M_rec, M_th)
            why = (f"t_max = {t_max:g} (the recurrence rule 2M/Omega > t_max and the thermal rule "
                   f"give M = {M})")
        else:
            if int(M) != M:
                raise ValueError(f"M must be an integer, got {M}")
            M = int(M)
            if M < 2:
                raise ValueError(f"need M >= 2 sites per lead (the energy current uses A_2), got M={M}")
            factor = 1 if leads == "semi-infinite" else 2
            if t_max is not None and factor * M / Omega <= t_max:
                raise ValueError(
                    f"M={M} too small for t_max={t_max}: recurrence time {factor}M/Omega = "
                    f"{factor * M / Omega:g} <= t_max; the chain ends would spoil the result "
                    f"(need M > {Omega * t_max / factor:g})")
            why = f"M = {M}"
        self._check_size(M, leads, why)
        for msg in pending:
            warnings.warn(msg, RuntimeWarning, stacklevel=2)
        self.M = M
        self.t_max = t_max
        N = 2 * M + 2
        self.N = N
        self.kappa = np.sqrt(m.Gamma * Omega) / 2       # contact hopping, Eq. (14) read as in A11

        # --- index bookkeeping -------------------------------------------------------------
        self.sys_index = np.array([M, M + 1])             # c_L, c_R
        # lead_index[alpha][m-1] is the position of A_{m,alpha}
        self.lead_index = (np.arange(M - 1, -1, -1), np.arange(M + 2, N))

        # --- full tridiagonal Hamiltonian, Eqs. (10), (11), (14) -----------------------------
        diag = np.zeros(N)
        diag[M], diag[M + 1] = m.h_L, m.h_R
        off = np.full(N - 1, -Omega / 2)
        off[M - 1] = self.kappa                              # A_{1,L} - c_L
        off[M] = -m.g / 2                                    # c_L - c_R
        off[M + 1] = self.kappa                              # c_R - A_{1,R}
        self.diagonal, self.offdiagonal = diag, off
        self.energies, self.eigenvectors = eigh_tridiagonal(diag, off)   # h = V diag(eps) V^T

        # --- isolated lead chain, Eqs. (11)-(13): sites A_1 ... A_M --------------------------
        self.chain_energies, self.chain_vectors = eigh_tridiagonal(
            np.zeros(M), np.full(M - 1, -Omega / 2))
        # mode occupations f_alpha(omega_q) of the grand-canonical lead states, Eq. (20)
        # (Fermi or Bose by b.statistics; bosonic lead modes, all above -Omega > mu, are normalisable)
        self.chain_occupations = np.stack([
            occupation(self.chain_energies, b.mu_L, b.T_L, b.statistics),
            occupation(self.chain_energies, b.mu_R, b.T_R, b.statistics)])
        if leads == "finite":
            self.lead_states = [(self.chain_vectors, self.chain_occupations[a]) for a in (0, 1)]
        else:
            # The first M sites of a semi-infinite lead in its grand-canonical state:
            # <A_m^dag A_n> = c(m - n) - c(m + n), c(k) = (1/pi) int_0^pi cos(k q) n(-Omega cos q) dq
            # (image construction for the open end; the same for both statistics, since it only
            # concerns the single-particle modes).  The finite chain then reproduces the
            # semi-infinite one exactly until the far end is felt at the contact, t = M/Omega.
            self.lead_states = []
            hi = 1.0 if b.statistics == "fermi" else np.inf     # Pauli bound; bosons: n >= 0 only
            for mu, T in ((float(b.mu_L), float(b.T_L)), (float(b.mu_R), float(b.T_R))):
                c = _cos_moments(2 * M + 2, Omega, mu, T, b.statistics)
                i = np.arange(1, M + 1)
                lam, W = np.linalg.eigh(c[np.abs(i[:, None] - i[None, :])] - c[i[:, None] + i[None, :]])
                self.lead_states.append((W, np.clip(lam, 0.0, hi)))

    # --- choice of M ---------------------------------------------------------------------------
    @staticmethod
    def _decay_per_site(m, b, tol):
        """Per-site decay rate pi*T_alpha/Omega of the finite-lead error, smallest over the leads.

        Returns 0.0 for a T = 0 lead whose Fermi step lies inside the band (no exponential
        decay) and inf when no lead's occupation varies by more than `tol` across the band.
        Bosonic leads: the distance of the nearest pole of n(-Omega cos q) from the real q axis
        (`_bose_pole_distance`, ~sqrt(2(-Omega - mu)/Omega) for mu just below the band), capped
        at 0.2 so that the growth exp(Omega t sinh a) of the propagating factor stays within the
        estimate exp(-a (2M - Omega t)); inf if n < tol across the band.
        """
        rate = np.inf
        for T, mu in ((float(b.T_L), float(b.mu_L)), (float(b.T_R), float(b.mu_R))):
            if b.statistics == "bose":
                if occupation(-m.Omega, mu, T, "bose") < tol:
                    continue
                rate = min(rate, 0.2, _bose_pole_distance(m.Omega, mu, T))
                continue
            outside = abs(mu) - m.Omega                  # distance of the step from the band
            if T == 0.0:
                if outside < 0:
                    return 0.0
                continue
            if outside > np.log(1 / tol) * T:            # f flat to within tol on [-Omega, Omega]
                continue
            rate = min(rate, np.pi * T / m.Omega)
        return rate

    @classmethod
    def required_M(cls, m, b, t_max, tol=1e-6):
        """Lead lengths needed up to `t_max`: (recurrence rule, thermal rule).

        Recurrence rule: M = ceil(1.1 * Omega * t_max / 2) + 50, so 2M/Omega > t_max with margin.
        Thermal rule: M = ceil((Omega * t_max + ln(1/tol) * Omega / (pi T)) / 2), from the
        finite-lead error model of `finite_size_error`; 0 if no lead has a Fermi step in the
        band, inf if one has it at T = 0.

        Returns
        -------
        (int, int or float)
        """
        M_rec = int(np.ceil(1.1 * m.Omega * t_max / 2)) + 50
        rate = cls._decay_per_site(m, b, tol)
        if rate == 0.0:
            return M_rec, np.inf
        if np.isinf(rate):
            return M_rec, 0
        return M_rec, int(np.ceil((m.Omega * t_max + np.log(1 / tol) / rate) / 2))

    @classmethod
    def _thermal_error(cls, m, b, M, t):
        rate = cls._decay_per_site(m, b, 1e-16)
        if rate == 0.0:
            return np.ones_like(np.asarray(t, float))
        dist = np.maximum(2 * M - m.Omega * np.abs(np.asarray(t, float)), 0.0)
        return np.exp(-rate * dist)

    def finite_size_error(self, t):
        """Estimate of the finite-lead error of C(t): exp(-(pi T/Omega) (2M - Omega |t|)).

        The discrete lead spectrum aliases the bath correlation function Sum_q |tau_q|^2
        f(omega_q) exp(-i omega_q tau) (Eq. (18)).  By Poisson summation over q = pi k/(M+1)
        the aliases are Fourier components of order 2M in q of sin^2 q f(-Omega cos q)
        exp(i Omega tau cos q); the propagating factor spreads over orders |k| < Omega |tau|,
        and the thermally smoothed Fermi step, of width T/v_F >= T/Omega in q (v_F <= Omega the
        Fermi velocity in sites per unit time), has Fourier components decaying at least like
        exp(-pi k T/Omega).  Leads whose occupation is flat across the band (mu outside it by
        more than ~37 T) do not contribute.  So the error is ~exp(-pi T (2M - Omega t)/Omega): it reaches O(1)
        at the recurrence time 2M/Omega and, at low T, is already visible well before it.
        Checked against the analytic solution (Omega = 10, T = 0.1-0.2, M = 150-400): the true
        error is below this estimate, with an exponent 1.1-2.5 times larger.  At T = 0 with
        mu inside the band there is no exponential decay (the error falls only like ~1/M,
        ~1e-3 at M = 2400 for Omega = 10) and the estimate returned is 1.

        Returns
        -------
        ndarray, shape of `t`
        """
        return self._thermal_error(self.model, self.baths, self.M, t)

    def __repr__(self):
        return f"FiniteChain({self.model!r}, {self.baths!r}, M={self.M})"

    # --- derived quantities --------------------------------------------------------------------
    @property
    def recurrence_time(self):
        """Recurrence time 2M/Omega, when the fastest packet returns from the far end of a lead.

        The group velocity of omega_q = -Omega cos q is at most Omega sites per unit time, and
        the round trip is 2M sites.
        """
        return (2 if self.leads == "finite" else 1) * self.M / self.model.Omega

    @property
    def hamiltonian(self):
        """Dense single-particle Hamiltonian h of the whole chain. Shape (N, N), real symmetric."""
        check_size("FiniteChain.hamiltonian", "the dense N x N Hamiltonian", self.N ** 2)
        return (np.diag(self.diagonal) + np.diag(self.offdiagonal, 1)
                + np.diag(self.offdiagonal, -1))

    @property
    def tunnel_couplings(self):
        """tau_q = kappa * <A_1|q> for the numerically diagonalised isolated lead (Eq. (15)).

        Shape (M,), ordered like `chain_energies`.  The eigenvector sign convention of the
        solver is arbitrary, so only |tau_q|^2 is meaningful; analytically
        |tau_q|^2 = Gamma*Omega/(2M+2) sin^2 q.
        """
        return self.kappa * self.chain_vectors[0]

    # --- validation ----------------------------------------------------------------------------
    def _check_times(self, t, strict):
        t = check_times(t, self.model.Omega, allow_negative=True)
        if t.size and np.max(np.abs(t)) >= self.recurrence_time:
            msg = (f"times up to {np.max(np.abs(t)):g} reach the recurrence time 2M/Omega = "
                   f"{self.recurrence_time:g} (M={self.M}): reflections from the chain ends spoil "
                   f"the result; use a larger M")
            if strict:
                raise ValueError(msg)
            warnings.warn(msg, RuntimeWarning, stacklevel=3)
        return t

    # --- core evolution ------------------------------------------------------------------------
    def _amplitudes(self, t, rows):
        """Rows of the propagator U(t) = exp(-i h t).

        Parameters
        ----------
        t : ndarray, shape (nt,)
        rows : ndarray of int, shape (r,)

        Returns
        -------
        ndarray, shape (nt, r, N), complex: U_{rows, :}(t) = V_rows exp(-i eps t) V^T.
        """
        V, eps = self.eigenvectors, self.energies
        ph = eps[None, :] * t[:, None]                          # (nt, N)
        Vr = V[rows]                                            # (r, N)
        # two real GEMMs (cos and sin parts) are cheaper than one complex-by-real product
        re = (Vr[None] * np.cos(ph)[:, None, :]) @ V.T
        im = (Vr[None] * np.sin(ph)[:, None, :]) @ V.T
        return re - 1j * im

    def _correlations(self, t, rows, C0site):
        """<c_a^dag(t) c_b(t)> for a, b in `rows` from the product initial state.

        C0full = C0site (system block, site basis) + f_L(h_chain) + f_R(h_chain); the lead
        blocks are handled in the lead normal-mode basis, where they are diagonal.

        Parameters
        ----------
        t : ndarray, shape (nt,)
        rows : ndarray of int, shape (r,)
        C0site : ndarray, shape (2, 2), the system block <c_a^dag c_b>(0), a, b in (L, R)

        Returns
        -------
        C : ndarray, shape (nt, r, r), complex
        Usys : ndarray, shape (nt, r, 2), complex: the amplitudes U_{rows, (c_L, c_R)}(t)
        """
        nt, r = t.size, len(rows)
        C = np.empty((nt, r, r), dtype=complex)
        Usys = np.empty((nt, r, 2), dtype=complex)
        chunk = max(1, _CHUNK_ELEMENTS // (r * self.N))
        # Empty lead modes (f_q < 1e-18, each contributing at most f_q) are skipped: this drops
        # a third of the work at Fig. 4(a)'s parameters and all of it for empty leads.
        occ = [self.lead_states[a][1] >= 1e-18 for a in (0, 1)]
        Vocc = [self.lead_states[a][0][:, o] for a, o in zip((0, 1), occ)]
        focc = [self.lead_states[a][1][o] for a, o in zip((0, 1), occ)]
        for s in range(0, nt, chunk):
            U = self._amplitudes(t[s:s + chunk], rows)          # (nc, r, N)
            Us = U[:, :, self.sys_index]
            Usys[s:s + chunk] = Us
            # system part: U^* C0 U^T restricted to the system columns
            acc = np.einsum("nac,cd,nbd->nab", Us.conj(), C0site, Us)
            for alpha in (0, 1):
                if focc[alpha].size == 0:
                    continue
                B = U[:, :, self.lead_index[alpha]] @ Vocc[alpha]   # amplitudes on lead normal modes
                acc += np.einsum("naq,q,nbq->nab", B.conj(), focc[alpha], B)
            C[s:s + chunk] = acc
        return C, Usys

    def _prepare(self, t, C0, strict):
        t = self._check_times(t, strict)
        C0 = check_correlation_matrix(C0, statistics=self.baths.statistics)
        R = self.model.R
        return t, C0, R.T @ C0 @ R                               # C^site = R^T C R

    # --- public observables ----------------------------------------------------------------------
    def local_correlation_matrix(self, t, C0=None, strict=False):
        """Site-basis system correlation matrix C^site_ab(t) = <c_a^dag(t) c_b(t)>, a, b in (L, R).

        Parameters
        ----------
        t : array_like
            Times, any shape.
        C0 : array_like, shape (2, 2), optional
            Initial system correlation matrix in the *eigenbasis* (Eq. (21)); default vacuum.
        strict : bool
            If True, raise ValueError instead of warning when a time reaches the recurrence time.

        Returns
        -------
        ndarray, shape (*t.shape, 2, 2), complex
        """
        t, C0, C0site = self._prepare(t, C0, strict)
        C, _ = self._correlations(t.ravel(), self.sys_index, C0site)
        return C.reshape(t.shape + (2, 2))

    def correlation_matrix(self, t, C0=None, strict=False):
        """Eigenbasis correlation matrix C_jk(t) = Tr[rho(t) d_j^dag d_k], Eq. (21), exactly.

        Parameters
        ----------
        t : array_like
            Times, any shape.
        C0 : array_like, shape (2, 2), optional
            Initial C(0) in the eigenbasis, Hermitian with 0 <= C0 <= 1 (bosonic leads: C0 >= 0,
            occupations are unbounded); default vacuum.
        strict : bool
            If True, raise ValueError instead of warning when a time reaches the recurrence time.

        Returns
        -------
        ndarray, shape (*t.shape, 2, 2), complex.  C = R C^site R^T.
        """
        R = self.model.R
        Cs = self.local_correlation_matrix(t, C0, strict)
        return np.einsum("ja,...ab,kb->...jk", R, Cs, R)

    def double_occupancy(self, t, C0=None, D0=0.0, strict=False):
        """Double occupancy D(t) = Tr[rho(t) d_1^dag d_2^dag d_2 d_1], Eq. (22), exactly.

        Parameters
        ----------
        t : array_like
            Times, any shape.
        C0 : array_like, shape (2, 2), optional
            Initial eigenbasis correlation matrix; default vacuum.
        D0 : float
            Initial double occupancy <d_1^dag d_2^dag d_2 d_1>(0).  The initial system state
            may be non-Gaussian; D0 must be consistent with C0 (see Raises).
        strict : bool
            If True, raise ValueError instead of warning when a time reaches the recurrence time.

        Returns
        -------
        ndarray, shape t.shape, real

        Raises
        ------
        ValueError
            "D0 inconsistent with C0" unless max(0, C11+C22-1) <= D0 <= min(C11, C22) and
            |C12|^2 <= (C11-D0)(C22-D0): these are the conditions that the number-conserving
            two-mode state with populations p00 = 1-C11-C22+D0, p11 = D0 and one-particle
            block (C0 - D0 1)^T be positive.

        Notes
        -----
        Derivation.  Write every site operator as x_n (system sites and lead sites) and
        d_j(t) = sum_n u_jn(t) x_n with u = R U_{sys,:}(t).  Then

            D(t) = sum_{abcd} u*_{1a} u*_{2b} u_{2c} u_{1d} <x_a^dag x_b^dag x_c x_d>_0 .

        The initial state rho_S x rho_L x rho_R is a product of even, number-conserving
        factors, the leads being Gaussian.  Sort the four indices by factor: terms with an
        odd number of system indices, or with a factor holding two creators and no annihilator,
        vanish; when two indices sit in the system and two in a lead, moving the (even) lead
        bilinear past the system operators costs exactly the fermionic sign that Wick's
        theorem assigns, so such terms equal their Wick value built from the block-diagonal
        C0full; all-lead terms are Wick by Gaussianity.  So the 4-point function equals its
        Wick value with C0full except for the all-system term, whose connected part is fixed
        for two modes by antisymmetry: in the eigenbasis
        <d_a^dag d_b^dag d_c d_d>_0 = eps_ab eps_dc D0 (eps_12 = -eps_21 = 1), while Wick
        gives eps_ab eps_dc det C0.  The Wick part of D(t) is the Wick value at time t of the
        evolved Gaussian state with the same C0, i.e. C11(t) C22(t) - |C12(t)|^2 = det C(t).
        The remainder is (D0 - det C0) sum u*_{1a} u*_{2b} eps_ab  sum u_{2c} u_{1d} eps_dc
        = (D0 - det C0) |det G(t)|^2, where G_jk(t) = sum u_jn (R^T)_nk over the two system
        sites is the eigenbasis propagator (Eq. (23); diagonal for this model).  Hence

            D(t) = det C(t) + |det G(t)|^2 [D0 - det C0],

        which is Eq. (31) rewritten; for a Gaussian initial state (D0 = det C0) D(t) = det C(t).
        """
        if self.baths.statistics != "fermi":
            raise ValueError("double_occupancy needs fermionic reservoirs: Eq. (22) and the Wick "
                             "argument below use the fermionic two-mode Fock space; got bosonic leads")
        t, C0, C0site = self._prepare(t, C0, strict)
        D0 = check_double_occupancy(C0, D0)
        Cs, Us = self._correlations(t.ravel(), self.sys_index, C0site)
        R = self.model.R
        C = np.einsum("ja,nab,kb->njk", R, Cs, R)
        detC = (C[:, 0, 0] * C[:, 1, 1]).real - np.abs(C[:, 0, 1]) ** 2
        G = np.einsum("ja,nab,kb->njk", R, Us, R)                # d(t) = G d(0) + leads
        detG = G[:, 0, 0] * G[:, 1, 1] - G[:, 0, 1] * G[:, 1, 0]
        detC0 = (C0[0, 0] * C0[1, 1]).real - abs(C0[0, 1]) ** 2
        D = detC + np.abs(detG) ** 2 * (D0 - detC0)
        return D.reshape(t.shape)

    def propagator(self, t, strict=False):
        """Eigenbasis propagator G_jk(t) = <0| d_j(t) d_k^dag |0>, Eq. (23).

        Returns
        -------
        ndarray, shape (*t.shape, 2, 2), complex.  Diagonal up to rounding, since the two
        leads are identical (Eq. (17)).
        """
        t = self._check_times(t, strict)
        R = self.model.R
        tf = t.ravel()
        U = np.empty((tf.size, 2, 2), complex)
        chunk = max(1, _CHUNK_ELEMENTS // (2 * self.N))
        for s in range(0, tf.size, chunk):
            U[s:s + chunk] = self._amplitudes(tf[s:s + chunk], self.sys_index)[:, :, self.sys_index]
        return np.einsum("ja,nab,kb->njk", R, U, R).reshape(t.shape + (2, 2))

    def particle_current(self, t, C0=None, alpha=0, strict=False):
        """Boundary particle current J^P_alpha(t) = -d<N_alpha>/dt, Eq. (40), exactly.

        The current flows from lead alpha into its system site.  From the Heisenberg equation
        with H_SB = kappa (c^dag A_1 + A_1^dag c), kappa = sqrt(Gamma*Omega)/2 (Eq. (14)):
        dN_alpha/dt = i[H, N_alpha] = i kappa (c^dag A_1 - A_1^dag c), so

            J^P_alpha = i kappa <A_1^dag c - c^dag A_1> = 2 kappa Im <c_alpha^dag A_{1,alpha}> .

        Parameters
        ----------
        t : array_like
            Times, any shape.
        C0 : array_like, shape (2, 2), optional
            Initial eigenbasis correlation matrix; default vacuum.
        alpha : {0, 1}
            Lead: 0 = L (default), 1 = R.
        strict : bool
            If True, raise ValueError instead of warning when a time reaches the recurrence time.

        Returns
        -------
        ndarray, shape t.shape, real
        """
        return self._bond_current(t, C0, alpha, 0, strict) * (2 * self.kappa)

    def energy_current(self, t, C0=None, alpha=0, strict=False):
        """Boundary energy current J^E_alpha(t) = -d<H_alpha>/dt, Eq. (41), exactly.

        H_alpha is the isolated lead Hamiltonian (11) (no contact term).  Only H_SB fails to
        commute with H_alpha, and [A_1, H_alpha] = -(Omega/2) A_2, so
        d<H_alpha>/dt = i<[H_SB, H_alpha]> = -i kappa (Omega/2) <c^dag A_2 - A_2^dag c>, i.e.

            J^E_alpha = -kappa * Omega * Im <c_alpha^dag A_{2,alpha}> .

        The energy current is carried by the next-nearest-neighbour correlation between the
        system site and the *second* lead site (equivalently, by Eq. (41):
        sum_q omega_q tau_q a_q = kappa [h_chain A]_1 = -kappa (Omega/2) A_2).  Requires M >= 2.

        Parameters
        ----------
        t : array_like
            Times, any shape.
        C0 : array_like, shape (2, 2), optional
            Initial eigenbasis correlation matrix; default vacuum.
        alpha : {0, 1}
            Lead: 0 = L (default), 1 = R.
        strict : bool
            If True, raise ValueError instead of warning when a time reaches the recurrence time.

        Returns
        -------
        ndarray, shape t.shape, real
        """
        return self._bond_current(t, C0, alpha, 1, strict) * (-self.kappa * self.model.Omega)

    @staticmethod
    def _check_alpha(alpha):
        if alpha not in (0, 1):
            raise ValueError(f"alpha must be 0 (L) or 1 (R), got {alpha}")

    def _bond_current(self, t, C0, alpha, lead_site, strict):
        """Im <c_alpha^dag(t) A_{lead_site+1, alpha}(t)>, shape t.shape."""
        self._check_alpha(alpha)
        t, C0, C0site = self._prepare(t, C0, strict)
        rows = np.array([self.sys_index[alpha], self.lead_index[alpha][lead_site]])
        C, _ = self._correlations(t.ravel(), rows, C0site)
        return C[:, 0, 1].imag.reshape(t.shape)

    def full_correlation_matrix(self, t, C0=None, strict=False):
        """Whole-chain correlation matrix <x_a^dag(t) x_b(t)> over all N sites (chain order).

        Costs O(N^3) per time and holds the N x N amplitudes of one time at once: meant for checks
        on modest chains.  Refused (ValueError) if N^2 exceeds MAX_ELEMENTS / 8 (N > 5792: the
        work arrays of one time would then pass ~1.3 GB) or the output exceeds MAX_ELEMENTS.

        Returns
        -------
        ndarray, shape (*t.shape, N, N), complex
        """
        check_size("FiniteChain.full_correlation_matrix", "the N x N amplitudes of one time",
                   self.N ** 2, limit=MAX_ELEMENTS // 8)
        check_size("FiniteChain.full_correlation_matrix", "the output (Nt x N x N)",
                   np.size(t) * self.N ** 2)
        t, C0, C0site = self._prepare(t, C0, strict)
        C, _ = self._correlations(t.ravel(), np.arange(self.N), C0site)
        return C.reshape(t.shape + (self.N, self.N))

    def lead_number(self, t, C0=None, alpha=0, strict=False):
        """<N_alpha>(t), the particle number on lead alpha. Shape t.shape, real."""
        self._check_alpha(alpha)
        t, C0, C0site = self._prepare(t, C0, strict)
        rows = self.lead_index[alpha]
        out = np.zeros(t.size)
        step = self._row_block()
        for s in range(0, rows.size, step):             # only the diagonal is needed: row blocks
            C, _ = self._correlations(t.ravel(), rows[s:s + step], C0site)
            out += np.einsum("nii->n", C).real
        return out.reshape(t.shape)

    def _row_block(self):
        """Rows per block when many rows are needed, so that one time's amplitudes stay within
        _CHUNK_ELEMENTS."""
        return max(2, _CHUNK_ELEMENTS // self.N)

    def lead_energy(self, t, C0=None, alpha=0, strict=False):
        """<H_alpha>(t) of the isolated lead Hamiltonian (11). Shape t.shape, real.

        H_alpha = -(Omega/2) sum_m (A_m^dag A_{m+1} + h.c.), so
        <H_alpha> = -Omega sum_m Re <A_m^dag A_{m+1}>.
        """
        self._check_alpha(alpha)
        t, C0, C0site = self._prepare(t, C0, strict)
        rows = self.lead_index[alpha]                           # A_1 ... A_M
        out = np.zeros(t.size)
        step = self._row_block()
        for s in range(0, rows.size - 1, step - 1):             # blocks overlap by one row
            C, _ = self._correlations(t.ravel(), rows[s:s + step], C0site)
            out += np.einsum("nii->n", C[:, :-1, 1:]).real      # Re <A_m^dag A_{m+1}>
        return (-self.model.Omega * out).reshape(t.shape)

    def gibbs_state(self, T, mu, statistics=None):
        """Reduced global Gibbs state of the whole chain, Eq. (39) and App. C.

        Tr_B[exp(-(H - mu N)/T)/Z] is Gaussian with system block <c_a^dag c_b> = [n(h)]_ab,
        n the Fermi or Bose function of the full single-particle Hamiltonian h (real symmetric,
        so no transpose matters).

        Parameters
        ----------
        T : float
            Temperature, T >= 0 (T = 0: ground state of H - mu N, with occupation 1/2 for a
            level exactly at mu).  Bosons need T > 0.
        mu : float
            Chemical potential.  Bosons need mu below every single-particle level of the whole
            chain (for a chain without bound states those all lie inside (-Omega, Omega), so
            mu < -Omega suffices); otherwise the Gibbs state is not normalisable.
        statistics : {"fermi", "bose"}, optional
            Default: that of the chain's Baths.

        Returns
        -------
        ndarray, shape (2, 2), complex: the eigenbasis matrix C = R C^site R^T.
        """
        T, mu = float(T), float(mu)
        statistics = self.baths.statistics if statistics is None else statistics
        if not (np.isfinite(T) and np.isfinite(mu)):
            raise ValueError("T and mu must be finite")
        if T < 0:
            raise ValueError(f"temperatures must satisfy T >= 0, got T={T}")
        if statistics == "bose":
            if T <= 0:
                raise ValueError(f"a bosonic Gibbs state needs T > 0, got T={T}")
            if mu >= self.energies[0]:
                raise ValueError(
                    f"a bosonic Gibbs state needs mu below the lowest single-particle level of the "
                    f"whole chain, {self.energies[0]:.6g}; got mu={mu:g} (the state would condense)")
        Vs = self.eigenvectors[self.sys_index]                  # (2, N)
        Cs = (Vs * occupation(self.energies, mu, T, statistics)) @ Vs.T
        R = self.model.R
        return (R @ Cs @ R.T).astype(complex)

    # --- full counting statistics (beyond the paper) -------------------------------------------
    #: Largest memory (bytes) that `counting_cumulants` may hold at once for its per-time matrices.
    COUNTING_MEMORY = 512 * 2 ** 20
    #: Highest cumulant order of `counting_cumulants`.
    COUNTING_MAX_ORDER = 8

    def _correlations_from_amplitudes(self, U, C0site):
        """<c_a^dag(t) c_b(t)> for the rows of given amplitudes U (nt, r, N): U^* C0full U^T.

        The same propagation as `_correlations`, for callers that also need the amplitudes.
        Returns (nt, r, r), complex.
        """
        Us = U[:, :, self.sys_index]
        C = (Us.conj() @ C0site) @ Us.transpose(0, 2, 1)
        for alpha in (0, 1):
            W, f = self.lead_states[alpha]
            occ = f >= 1e-18                       # empty lead modes contribute at most f_q
            if np.any(occ):
                B = U[:, :, self.lead_index[alpha]] @ W[:, occ]
                C += (B.conj() * f[occ]) @ B.transpose(0, 2, 1)
        return C

    def counting_matrix(self, t, alpha=0, C0=None, strict=False):
        """The 2M x 2M matrix T(t) whose determinant formula gives the counting statistics of lead alpha.

        Two-time measurement of N_alpha (the particle number of lead alpha): measure at 0, evolve,
        measure at t; Delta N = N_alpha(0) - N_alpha(t) counts the particles that *leave* the lead.
        The initial state is Gaussian and commutes with N_alpha, so its generating function is
        Klich's determinant over the single-particle space (Klich 2003; Schoenhammer 2007),

            chi(lambda, t) = <e^{i lambda N} e^{-i lambda N(t)}>
            = det[1 - n + n e^{i lambda P} u^dag e^{-i lambda P} u],

        with u = exp(-i h t), P the projector on the lead's sites, and n the one-body density matrix
        n_ab = <c_b^dag c_a>(0) (the transpose of C_ab = <c_a^dag c_b>).  Since
        e^{i lambda P} = 1 + a P with a = e^{i lambda} - 1, and likewise b = e^{-i lambda} - 1 for
        P(t) = u^dag P u, the matrix minus 1 is n times a matrix of rank 2M; with
        det(1 + X Y) = det(1 + Y X) this gives

            chi(lambda, t) = det[1 + diag(a 1_M, b 1_M) T(t)],
            T = [[n_L (1 - V^dag V), -n_L V^dag], [D V, D]],   D = Q - V n_L V^dag,

        where n_L is the lead block of n at t = 0, V = u_LL the lead block of the propagator and
        Q = (u n u^dag)_LL = C_LL(t)^T the lead block of the one-body density matrix at time t.
        At t = 0, V = 1 and Q = n_L, so T is nilpotent and chi = 1.

        Parameters
        ----------
        t : array_like, times
        alpha : {0, 1}
        C0 : (2, 2) array_like, optional
            Initial eigenbasis correlation matrix of the system (its state is taken Gaussian);
            default vacuum.

        Returns
        -------
        ndarray, shape (*t.shape, 2M, 2M), complex
        """
        t, tf, C0site = self._counting_prepare(t, alpha, C0, strict)
        M = self.M
        total = 64 * M * M * tf.size
        if total > self.COUNTING_MEMORY:
            raise ValueError(f"{tf.size} counting matrices of size 2M = {2 * M} take {total / 2**20:.0f} MB, "
                             f"above FiniteChain.COUNTING_MEMORY = {self.COUNTING_MEMORY / 2**20:.0f} MB; "
                             "ask for fewer times (counting_cumulants has no such limit)")
        out = np.empty((tf.size, 2 * M, 2 * M), complex)
        for s, Tm in self._counting_matrices(tf, alpha, C0site):
            out[s] = Tm
        return out.reshape(t.shape + (2 * M, 2 * M))

    def _counting_prepare(self, t, alpha, C0, strict, order=1):
        """Validate the counting arguments and the memory one time needs; flatten the times."""
        self._check_alpha(alpha)
        t, C0, C0site = self._prepare(t, C0, strict)
        need = self._counting_bytes_per_time(order)
        if need > self.COUNTING_MEMORY:
            raise ValueError(
                f"counting statistics of M={self.M} lead sites need {need / 2**20:.0f} MB per time, "
                f"above FiniteChain.COUNTING_MEMORY = {self.COUNTING_MEMORY / 2**20:.0f} MB")
        return t, t.ravel(), C0site

    def _counting_bytes_per_time(self, order=1):
        # the amplitudes (M x N), four M x M blocks, T and its `order` scaled copies, the powers
        # of the series and temporaries (2M x 2M each)
        return 16 * (self.M * self.N + 4 * self.M ** 2 * (order + 6))

    def _counting_matrices(self, tf, alpha, C0site, order=1):
        """Yield (slice, T) for memory-bounded chunks of the flat times tf; T (nc, 2M, 2M) of
        `counting_matrix`."""
        M = self.M
        idx = self.lead_index[alpha]
        W, f = self.lead_states[alpha]
        nL = (W * f) @ W.T                                   # <A_m^dag A_n>(0): real symmetric, = n_L
        chunk = max(1, int(self.COUNTING_MEMORY // self._counting_bytes_per_time(order)))
        for s in range(0, tf.size, chunk):
            U = self._amplitudes(tf[s:s + chunk], idx)       # (nc, M, N): lead rows of u = exp(-i h t)
            V = U[:, :, idx]
            Q = self._correlations_from_amplitudes(U, C0site).transpose(0, 2, 1)   # n(t) = C(t)^T
            del U
            Vh = V.conj().transpose(0, 2, 1)
            D = Q - V @ nL @ Vh
            Tm = np.empty((V.shape[0], 2 * M, 2 * M), complex)
            Tm[:, :M, :M] = nL - nL @ (Vh @ V)
            Tm[:, :M, M:] = -nL @ Vh
            Tm[:, M:, :M] = D @ V
            Tm[:, M:, M:] = D
            yield slice(s, s + chunk), Tm

    def counting_cumulants(self, t, order=3, alpha=0, C0=None, strict=False):
        """Exact cumulants <<Delta N^n>>(t), n = 1..order, of the particles that leave lead alpha by time t.

        The two-time-measurement statistics of `counting_matrix`: ln chi = Tr ln[1 + Y(x)] with
        x = i lambda and Y(x) = diag(a 1, b 1) T, a = e^x - 1 = sum_k x^k/k!,
        b = e^-x - 1 = sum_k (-x)^k/k!.  The cumulants are n! times the Taylor coefficients of
        Tr ln(1 + Y) in x, which are traces of products of the coefficient matrices
        Y_k = diag(1, (-1)^k) T / k!: exact, no finite differences.  The first is
        <N_alpha>(0) - <N_alpha>(t).

        Before the reflections (t < `recurrence_time`) and after the transients, the cumulants grow
        linearly, with the Levitov-Lesovik slopes of the semi-infinite leads.

        Parameters
        ----------
        t : array_like
            Times, any shape.
        order : int, 1 <= order <= COUNTING_MAX_ORDER
        alpha : {0, 1}
            Lead whose particles are counted: 0 = L (default), 1 = R.
        C0 : (2, 2) array_like, optional
            Initial eigenbasis correlation matrix of the (Gaussian) system state; default vacuum.
        strict : bool
            If True, raise ValueError instead of warning when a time reaches the recurrence time.

        Returns
        -------
        ndarray, shape (*t.shape, order), real
        """
        if isinstance(order, bool) or int(order) != order or not 1 <= order <= self.COUNTING_MAX_ORDER:
            raise ValueError(f"order must be an integer with 1 <= order <= {self.COUNTING_MAX_ORDER}, "
                             f"got {order!r}")
        order = int(order)
        t, tf, C0site = self._counting_prepare(t, alpha, C0, strict, order)
        M = self.M
        fact = np.array([factorial(k) for k in range(order + 1)], float)
        out = np.empty((tf.size, order))
        for s, Tm in self._counting_matrices(tf, alpha, C0site, order):
            Y = []
            for k in range(1, order + 1):
                Yk = Tm / fact[k]                            # diag(1, (-1)^k) T / k!
                if k % 2:
                    Yk[:, M:] *= -1.0
                Y.append(Yk)
            del Tm
            out[s] = (_trace_log_series(Y) * fact[1:]).real
        return out.reshape(t.shape + (order,))


def _trace_log_series(Y):
    """Taylor coefficients c_1..c_K of Tr ln[1 + Y(x)], Y(x) = sum_{k=1}^K x^k Y_k.

    Tr ln(1 + Y) = sum_m (-1)^{m+1}/m Tr Y^m.  The coefficient of x^j in Tr Y^m is a sum of traces
    of products of m coefficient matrices; the powers Y^p are formed only up to p = ceil(K/2), and
    the longer products are traces of two such powers (an elementwise sum), which keeps the
    number of matrix products small (one for K <= 3, three for K = 4).

    Parameters
    ----------
    Y : list of K arrays, shape (..., D, D)

    Returns
    -------
    ndarray, shape (..., K), complex
    """
    K = len(Y)
    h = (K + 1) // 2

    def tr(A, B):                                            # Tr(A B) without forming A B
        return np.sum(A * np.swapaxes(B, -1, -2), axis=(-2, -1))

    # P[p][i]: coefficient of x^i in Y(x)^p, for 1 <= p <= h and p <= i <= K - 1
    P = {1: {i: Y[i - 1] for i in range(1, K + 1)}}
    for p in range(2, h + 1):
        P[p] = {}
        for i in range(p, K):
            P[p][i] = sum(P[p - 1][i - k] @ Y[k - 1] for k in range(1, i - p + 2))
    c = np.zeros(Y[0].shape[:-2] + (K,), complex)
    for j in range(1, K + 1):
        c[..., j - 1] += np.trace(Y[j - 1], axis1=-2, axis2=-1)   # m = 1
        for m in range(2, j + 1):
            p = min(m - 1, h)
            q = m - p                                        # 1 <= q <= h
            term = sum(tr(P[p][i], P[q][j - i]) for i in range(p, j - q + 1))
            c[..., j - 1] += (-1) ** (m + 1) / m * term
    return c

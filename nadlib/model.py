"""The two-mode model, its reservoirs and the validators every layer shares (Sec. III A).

`Model` holds the system and coupling parameters and everything that follows from them in
closed form: the splitting Delta, the eigen-energies E_j, the rotation R of Eq. (16), the
renormalised pole E'_j - i Gamma_j/2 of Eq. (36), the spectral distributions phi_j (35) and
their Hilbert transforms (37), and the self-energy (B9).  `Baths` holds the temperatures and
chemical potentials of the two leads and their occupation functions.  `spectral_density` is the
Newns density (19).

The validators at the end (`check_baths`, `check_times`, `check_correlation_matrix`,
`check_double_occupancy`) are the single place where inputs are checked, so that every layer
raises the same ValueError for the same broken condition.

Conventions: hbar = k_B = 1.  Mode index j = 1, 2 is stored at 0, 1 (E_1 is the upper level);
bath index alpha: 0 = L, 1 = R.
"""
from __future__ import annotations

import numpy as np

__all__ = ["Model", "Baths", "spectral_density", "fermi", "bose", "occupation", "STATISTICS",
           "CONVENTIONS", "check_baths", "check_times", "check_correlation_matrix",
           "check_double_occupancy", "check_size", "MAX_ELEMENTS", "MAX_PHASE", "loss_rates"]

#: The quantum statistics a reservoir may have, Fermi-Dirac (the paper) or Bose-Einstein.
STATISTICS = ("fermi", "bose")

#: The pole conventions. "shifted" is E'_j - i Gamma_j/2 of Eq. (36) (exact pole, EPA dynamics);
#: "golden" is E_j - i pi J_N(E_j) (the asymptotic rates of Sec. V, as the paper states after (53)).
CONVENTIONS = ("shifted", "golden")

_TOL = 1e-12                 # slack of the matrix validity checks (Hermiticity, 0 <= C <= 1)

#: Largest array (in complex numbers, 16 bytes each) that any nadlib function allocates in one
#: piece: 2**28, i.e. 4 GiB.  Work that would need more is chunked, or refused by `check_size`.
MAX_ELEMENTS = 2 ** 28
#: Largest phase Omega t accepted by the time-dependent functions (`check_times` with Omega).
MAX_PHASE = 1e300


def _finite(name, value):
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return arr


def spectral_density(w, Gamma, Omega):
    """Newns (semicircular) spectral density J_N(w), Eq. (19).

    J_N(w) = Gamma/(2 pi) * sqrt(1 - w^2/Omega^2) for real |w| < Omega, zero outside.  For
    complex w it is the analytic continuation with the principal root, which is analytic in the
    disc |w| < Omega and positive on the real band (the contour of App. E, Fig. 8).

    Parameters
    ----------
    w : array_like, real or complex, any shape
    Gamma, Omega : float
        Coupling strength and half-bandwidth.

    Returns
    -------
    ndarray, shape of `w` (real for real w, complex for complex w)
    """
    w = np.asarray(w)
    if not np.all(np.isfinite(w)):
        raise ValueError("frequencies w must be finite")
    if np.iscomplexobj(w):
        return Gamma / (2 * np.pi) * np.sqrt(1 - (w / Omega) ** 2)
    w = w.astype(float)
    return Gamma / (2 * np.pi) * np.sqrt(np.clip(1.0 - (w / Omega) ** 2, 0.0, None))


def fermi(w, mu, T):
    """Fermi function 1/(exp((w - mu)/T) + 1), broadcasting w against mu and T.

    T = 0 gives the step Theta(mu - w), with the value 1/2 at w = mu.
    Written with a clipped exponent so that no overflow warning is raised.
    """
    w, mu, T = np.asarray(w, float), np.asarray(mu, float), np.asarray(T, float)
    if np.all(T > 0):
        # no step to special-case: the same expression as below, without the masks (the hot
        # path of the counting-statistics maps, ~10x faster on large node arrays)
        with np.errstate(over="ignore"):
            z = np.clip((w - mu) / T, -700.0, 700.0)
        return 0.5 * (1.0 - np.tanh(0.5 * z))
    w, mu, T = np.broadcast_arrays(w, mu, T)
    x = w - mu
    out = np.where(x < 0, 1.0, np.where(x > 0, 0.0, 0.5))
    hot = T > 0
    if np.any(hot):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            z = np.clip(np.where(hot, x / np.where(hot, T, 1.0), 0.0), -700.0, 700.0)
        # 0.5*(1 - tanh(z/2)) is the numerically symmetric form of 1/(e^z + 1)
        out = np.where(hot, 0.5 * (1.0 - np.tanh(0.5 * z)), out)
    return out


def bose(w, mu, T):
    """Bose function 1/(exp((w - mu)/T) - 1) for w > mu, broadcasting w against mu and T.

    Defined for w > mu only (the occupation of a mode below the chemical potential is not
    normalisable).  T = 0 gives 0.  Computed as 1/expm1(x), exact to round-off for small and
    large x; x is capped so that no overflow warning is raised.

    Raises
    ------
    ValueError
        If some w <= mu.
    """
    w, mu, T = np.broadcast_arrays(np.asarray(w, float), np.asarray(mu, float),
                                   np.asarray(T, float))
    x = w - mu
    if np.any(x <= 0):
        raise ValueError("the Bose function needs w > mu: a bosonic mode at or below the chemical "
                         "potential has no normalisable thermal state")
    hot = T > 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z = np.minimum(np.where(hot, x / np.where(hot, T, 1.0), 800.0), 800.0)
        return np.where(hot, 1.0 / np.expm1(z), 0.0)


def occupation(w, mu, T, statistics="fermi"):
    """Occupation n(w) of a reservoir: `fermi` or `bose` by `statistics`. Broadcasts w, mu, T."""
    if statistics == "fermi":
        return fermi(w, mu, T)
    if statistics == "bose":
        return bose(w, mu, T)
    raise ValueError(f"statistics must be one of {STATISTICS}, got {statistics!r}")


def loss_rates(width, gain, statistics="fermi"):
    """Loss rates Lambda^- from the decay width and the gain Lambda^+, index order of Eq. (51).

    The C equation (48) fixes only the width Gamma that the loss and gain terms of (51) produce
    together: Lambda^- + Lambda^+ = Gamma for fermions (anticommutators), Lambda^- - Lambda^+ =
    Gamma for bosons (commutators; derived in the book's chapter on bosonic reservoirs).  So
    Lambda^- = Gamma - Lambda^+ (fermions) or Gamma + Lambda^+ (bosons).  The same relation holds
    bath by bath for the single-reservoir rates (58): gamma^- = Gamma_{alpha,j} -+ gamma^+.

    Parameters
    ----------
    width, gain : array_like, broadcasting (matrices Gamma, Lambda^+ or per-bath rate arrays)
    statistics : {"fermi", "bose"}

    Returns
    -------
    ndarray, the broadcast shape of `width` and `gain`
    """
    if statistics == "fermi":
        return np.subtract(width, gain)
    if statistics == "bose":
        return np.add(width, gain)
    raise ValueError(f"statistics must be one of {STATISTICS}, got {statistics!r}")


class Model:
    """Two coupled sites, each tunnel-coupled to a semi-infinite chain.

    The paper's sites and leads are fermionic; the single-particle parameters here serve bosons
    as well (see `Baths`), since the Heisenberg equations of the quadratic Hamiltonian are the
    same for both statistics.  Eq. (34) excludes a bound state below (or above) the band, which
    for bosons would also be a mode below every admissible mu_alpha < -Omega (it would condense).

    Parameters
    ----------
    h : float
        Mean on-site energy h = (h_L + h_R)/2.
    delta : float
        Detuning delta = h_L - h_R.
    g : float
        Inter-site hopping, g >= 0 (Eq. (10); Eq. (16) assumes g >= 0).
    Gamma : float
        System-bath coupling, 0 < Gamma < Omega.
    Omega : float
        Half-bandwidth of the leads (band [-Omega, Omega]).

    Raises
    ------
    ValueError
        For non-finite input, g < 0, Gamma <= 0, Gamma >= Omega, Delta = 0
        (the rotation R of Eq. (16) is undefined), or a violated Eq. (34)
        (a level too close to the band edge: a bound state may split off and
        the steady state is then not unique).
    """

    def __init__(self, h, delta, g, Gamma, Omega):
        for name, v in (("h", h), ("delta", delta), ("g", g), ("Gamma", Gamma), ("Omega", Omega)):
            _finite(name, v)
            if np.ndim(v) != 0:
                raise ValueError(f"{name} must be a scalar, got shape {np.shape(v)}")
        self.h, self.delta, self.g = float(h), float(delta), float(g)
        self.Gamma, self.Omega = float(Gamma), float(Omega)
        if self.Omega <= 0:
            raise ValueError(f"Omega must be positive, got {Omega}")
        if self.g < 0:
            raise ValueError(f"g must be >= 0 (Eq. (16) assumes g >= 0), got {g}")
        if self.Gamma <= 0:
            raise ValueError(f"Gamma must be positive (Gamma > 0), got {Gamma}")
        if self.Gamma >= self.Omega:
            raise ValueError(f"need Gamma < Omega, got Gamma={Gamma}, Omega={Omega}")
        if self.Delta == 0:
            raise ValueError("Delta = sqrt(g^2 + delta^2) = 0: the eigenbasis rotation R of "
                             "Eq. (16) is undefined (degenerate levels)")
        bad = np.sqrt(self.E ** 2 + self.Gamma * self.Omega) >= self.Omega
        if np.any(bad):
            raise ValueError(
                "Eq. (34) violated: sqrt(E_j^2 + Gamma*Omega) < Omega fails for "
                f"E_j = {self.E[bad]} (Gamma={self.Gamma}, Omega={self.Omega}); the closed forms "
                "(35)-(36) need it (Gamma_j real), and a level closer still (|E_j| > Omega - Gamma/2) "
                "binds a state outside the band, so that no unique steady state exists")

    def __repr__(self):
        return (f"Model(h={self.h}, delta={self.delta}, g={self.g}, "
                f"Gamma={self.Gamma}, Omega={self.Omega})")

    # --- system ---------------------------------------------------------------
    @property
    def h_L(self):
        return self.h + self.delta / 2

    @property
    def h_R(self):
        return self.h - self.delta / 2

    @property
    def h_S(self):
        """Single-particle system Hamiltonian in the site basis (L, R), Eq. (10). Shape (2, 2)."""
        return np.array([[self.h_L, -self.g / 2], [-self.g / 2, self.h_R]])

    @property
    def Delta(self):
        """Level splitting Delta = sqrt(g^2 + delta^2), Eq. (16)."""
        return float(np.hypot(self.g, self.delta))

    @property
    def E(self):
        """Eigen-energies [E_1, E_2] = h +- Delta/2 (E_1 the upper). Shape (2,)."""
        return np.array([self.h + self.Delta / 2, self.h - self.Delta / 2])

    @property
    def R(self):
        """Rotation d = R c from site to eigenmodes, Eq. (16). Shape (2, 2), real orthogonal."""
        D, d = self.Delta, self.delta
        a, b = np.sqrt(D + d), np.sqrt(D - d)
        return np.array([[a, -b], [b, a]]) / np.sqrt(2 * D)

    # --- coupling to the chains ---------------------------------------------
    def spectral_density(self, w):
        """J_N(w) of Eq. (19) with this model's Gamma and Omega (complex w: continuation)."""
        return spectral_density(w, self.Gamma, self.Omega)

    @property
    def E_shifted(self):
        """Renormalised pole positions E'_j of Eq. (36). Shape (2,)."""
        r = self.Gamma / self.Omega
        return (1 - r / 2) / (1 - r) * self.E

    @property
    def Gamma_j(self):
        """Exact pole widths Gamma_j of Eq. (36). Shape (2,)."""
        r = self.Gamma / self.Omega
        return np.sqrt(1 - r - (self.E / self.Omega) ** 2) / (1 - r) * self.Gamma

    @property
    def Gamma_golden(self):
        """Golden-rule widths 2 pi J_N(E_j) used by the asymptotic EPA rates (Sec. IV B). Shape (2,)."""
        return 2 * np.pi * self.spectral_density(self.E)

    def pole(self, convention="shifted"):
        """Pole w0_j = E_j - i Gamma_j/2 of the single-mode propagator. Shape (2,), complex.

        "shifted": the exact pole E'_j - i Gamma_j/2 of Eq. (36), which the EPA dynamics (53)
        use; "golden": E_j - i pi J_N(E_j), which the asymptotic rates (55) use (Sec. IV B).
        """
        if convention == "shifted":
            return self.E_shifted - 0.5j * self.Gamma_j
        if convention == "golden":
            return self.E - 0.5j * self.Gamma_golden
        raise ValueError(f"convention must be 'shifted' (E'_j, Gamma_j of Eq. (36)) or "
                         f"'golden' (E_j, 2 pi J_N(E_j)), got {convention!r}")

    def peaks(self, convention="shifted"):
        """The Lorentzian features (centre, full width) of the two modes, for the band quadrature.

        Returns a tuple ((Re w0_1, -2 Im w0_1), (Re w0_2, -2 Im w0_2)) of floats, w0 = `pole`.
        """
        w0 = self.pole(convention)
        return tuple((float(z.real), float(-2 * z.imag)) for z in w0)

    def phi(self, w):
        """Exact spectral distributions phi_j(w), Eq. (35). Shape (2, *w.shape).

        Zero outside the band for real w.  For complex w, the analytic continuation used by the
        contour deformation of App. E (principal root in J_N).
        """
        w = np.asarray(w)
        Ep = self.E_shifted.reshape((2,) + (1,) * w.ndim)
        Gj = self.Gamma_j.reshape((2,) + (1,) * w.ndim)
        return (self.spectral_density(w) / (1 - self.Gamma / self.Omega)
                / ((w - Ep) ** 2 + Gj ** 2 / 4))

    def self_energy(self, z):
        """Bath self-energy W(z) of the Newns density, Eq. (B9), on the correct branch.

        W(z) = (Gamma / 2 Omega) (z sqrt(1 + Omega^2/z^2) - z) with the principal root, which is
        the branch that is positive for Re z > 0 and negative for Re z < 0 (typo/extraction A12:
        the naive sqrt(z^2 + Omega^2) is wrong for Re z < 0).  Shape of z, complex.
        """
        z = np.asarray(z, dtype=complex)
        return self.Gamma / (2 * self.Omega) * (z * np.sqrt(1 + self.Omega ** 2 / z ** 2) - z)

    def theta(self, w):
        """Hilbert transforms vartheta_j(w) of phi_j, Eq. (33). Shape (2, *w.shape).

        Inside the band the closed form (37) is used.  Outside it phi_j = 0 and vartheta_j is
        the real boundary value 1/(w - E_j - Im W(-i w)) of the propagator (B5), with the
        self-energy (B9) continued to the real frequency w (z = -i w).
        """
        w = np.asarray(w, dtype=float)
        if not np.all(np.isfinite(w)):
            raise ValueError("frequencies w must be finite")
        Ej = self.E.reshape((2,) + (1,) * w.ndim)
        inside = np.abs(w) < self.Omega
        ws = np.where(inside, w, 0.0)
        Ep = self.E_shifted.reshape((2,) + (1,) * w.ndim)
        Gj = self.Gamma_j.reshape((2,) + (1,) * w.ndim)
        th_in = (((1 - self.Gamma / (2 * self.Omega)) * ws - Ej)
                 / (1 - self.Gamma / self.Omega) / ((ws - Ep) ** 2 + Gj ** 2 / 4))
        # outside the band W(-i w) is purely imaginary: G~(-i w) = i / (w - E_j - Im W)
        wo = np.where(inside, 2 * self.Omega, w)
        th_out = 1.0 / (wo - Ej - self.self_energy(-1j * wo).imag)
        return np.where(inside, th_in, th_out)


class Baths:
    """Temperatures and chemical potentials of the left (alpha=0) and right (alpha=1) leads.

    The four fields may be arrays; they are broadcast together to `shape`, so one
    `Baths` can hold a whole mu_L x mu_R or T_L x T_R grid.

    Parameters
    ----------
    T_L, T_R, mu_L, mu_R : array_like
        Temperatures and chemical potentials.
    statistics : {"fermi", "bose"}
        Quantum statistics of both reservoirs.  Fermions (the paper) allow T = 0 (a step
        occupation).  Bosons need T > 0 here, and mu_alpha below the bottom of the band,
        mu_alpha < -Omega, which is checked where the Baths meets a Model (`check_baths`).

    Raises
    ------
    ValueError
        For non-finite values, T < 0, an unknown statistics, or bosons with T <= 0.
    """

    def __init__(self, T_L, T_R, mu_L, mu_R, statistics="fermi"):
        if statistics not in STATISTICS:
            raise ValueError(f"statistics must be one of {STATISTICS}, got {statistics!r}")
        vals = {}
        for name, v in (("T_L", T_L), ("T_R", T_R), ("mu_L", mu_L), ("mu_R", mu_R)):
            vals[name] = _finite(name, v)
        for name in ("T_L", "T_R"):
            if np.any(vals[name] < 0):
                raise ValueError(f"temperatures must satisfy T >= 0, got {name}={vals[name]}")
            if statistics == "bose" and np.any(vals[name] <= 0):
                raise ValueError(f"bosonic reservoirs need T > 0, got {name}={vals[name]}")
        arrs = np.broadcast_arrays(vals["T_L"], vals["T_R"], vals["mu_L"], vals["mu_R"])
        self.T_L, self.T_R, self.mu_L, self.mu_R = (np.array(a) for a in arrs)
        self.statistics = statistics
        self.shape = self.T_L.shape

    def __repr__(self):
        def s(a):
            return repr(float(a)) if a.ndim == 0 else f"<array {a.shape}>"
        stat = "" if self.statistics == "fermi" else f", statistics={self.statistics!r}"
        return (f"Baths(T_L={s(self.T_L)}, T_R={s(self.T_R)}, mu_L={s(self.mu_L)}, "
                f"mu_R={s(self.mu_R)}{stat})")

    @property
    def T(self):
        """Temperatures [T_L, T_R] stacked along a new first axis, shape (2, *shape)."""
        return np.stack([self.T_L, self.T_R])

    @property
    def mu(self):
        """Chemical potentials [mu_L, mu_R] stacked along a new first axis, shape (2, *shape)."""
        return np.stack([self.mu_L, self.mu_R])

    @property
    def is_equilibrium(self):
        """True where T_L = T_R and mu_L = mu_R. Shape `shape`."""
        return (self.T_L == self.T_R) & (self.mu_L == self.mu_R)

    def __getitem__(self, idx):
        return Baths(self.T_L[idx], self.T_R[idx], self.mu_L[idx], self.mu_R[idx],
                     statistics=self.statistics)

    def occupation(self, w):
        """Occupation functions n_alpha(w) (Fermi or Bose, by `statistics`). Shape (2, *shape, *w.shape)."""
        w = np.asarray(w, dtype=float)
        ex = (Ellipsis,) + (None,) * w.ndim
        return occupation(w, self.mu[ex], self.T[ex], self.statistics)

    def F(self, m, w):
        """Occupation matrix F(w) = R diag(n_L, n_R) R^T in the eigenbasis.

        Returns shape (*shape, *w.shape, 2, 2).
        """
        n = np.moveaxis(self.occupation(w), 0, -1)        # (*shape, *w.shape, 2)
        R = m.R
        return np.einsum("ja,...a,ka->...jk", R, n, R)


# --------------------------------------------------------------------------- validators

def check_baths(m, b, scalar=False, bose=False, caller="this function"):
    """Validate the reservoirs `b` for use with the model `m`; return `b`.

    Parameters
    ----------
    m : Model
    b : Baths
    scalar : bool
        Require scalar fields (time-dependent quantities, superoperators, the finite chain).
    bose : bool
        Whether `caller` supports bosonic reservoirs.  If it does, their chemical potentials
        must lie below the band, mu_alpha < -Omega, where the bosonic lead state is normalisable.
    caller : str
        Named in the error messages.

    Raises
    ------
    ValueError
        Naming the broken condition.
    """
    if not isinstance(b, Baths):
        raise ValueError(f"b must be a nadlib.Baths instance, got {type(b).__name__}")
    if scalar and b.shape != ():
        raise ValueError(f"{caller} needs scalar Baths; got fields of shape {b.shape} "
                         "(index the Baths, e.g. b[i, j])")
    if b.statistics == "bose":
        if not bose:
            raise ValueError(f"{caller} needs fermionic reservoirs (the two-mode Fock space and "
                             "Pauli-bounded occupations); got Baths(statistics='bose')")
        if np.any(b.mu >= -m.Omega):
            raise ValueError("bosonic reservoirs need mu_alpha < -Omega (below the band bottom); "
                             f"got max mu = {float(np.max(b.mu)):g} with Omega = {m.Omega:g}: a lead "
                             "mode at or below mu has no normalisable thermal state")
    return b


def check_times(t, Omega=None, allow_negative=False):
    """Times as a float array, finite and t >= 0 (the solution runs forward from t = 0).

    With `Omega`, also Omega |t| <= MAX_PHASE (1e300): beyond, the phases Omega t overflow double
    precision.  (Long before, at Omega t ~ 1e16, they carry no digits; the quantities they multiply
    have then decayed like (Omega t)^(-3/2) and below.)
    """
    t = np.asarray(t, dtype=float)
    if not np.all(np.isfinite(t)):
        raise ValueError("times must be finite")
    if not allow_negative and np.any(t < 0):
        raise ValueError("times must satisfy t >= 0 (the solution runs forward from t = 0)")
    if Omega is not None and t.size and Omega * np.max(np.abs(t)) > MAX_PHASE:
        raise ValueError(f"times must satisfy Omega |t| <= {MAX_PHASE:g} (the phases Omega t overflow "
                         f"beyond); got Omega |t| = {Omega * np.max(np.abs(t)):g}.  The system has "
                         "long reached its steady state (steady_state) by then")
    return t


def check_correlation_matrix(C, name="C0", statistics="fermi"):
    """Validate a 2x2 one-body correlation matrix C_jk = Tr[rho d_j^dag d_k].

    Fermions: Hermitian with 0 <= C <= 1 (Pauli principle).  Bosons: Hermitian with C >= 0 only,
    since bosonic occupations are unbounded.  Returns it as a complex (2, 2) array,
    Hermitian-symmetrised; raises ValueError naming the broken condition.  None gives the
    vacuum (zeros).
    """
    if statistics not in STATISTICS:
        raise ValueError(f"statistics must be one of {STATISTICS}, got {statistics!r}")
    if C is None:
        return np.zeros((2, 2), complex)
    C = np.asarray(C, dtype=complex)
    if C.shape != (2, 2):
        raise ValueError(f"{name} must have shape (2, 2), got {C.shape}")
    if not np.all(np.isfinite(C)):
        raise ValueError(f"{name} must be finite")
    if np.max(np.abs(C - C.conj().T)) > _TOL:
        raise ValueError(f"{name} is not a valid correlation matrix: it must be Hermitian "
                         "(C_jk = Tr[rho d_j^dag d_k])")
    ev = np.linalg.eigvalsh(C)
    if statistics == "bose":
        # no upper bound, so the slack scales with the occupations
        if ev[0] < -_TOL * max(1.0, ev[-1]):
            raise ValueError(f"{name} is not a valid bosonic correlation matrix: it must satisfy "
                             f"{name} >= 0 (positive semidefinite); eigenvalues {ev}")
    elif ev[0] < -_TOL or ev[-1] > 1 + _TOL:
        raise ValueError(f"{name} is not a valid correlation matrix: it must satisfy 0 <= {name} <= 1 "
                         f"(Pauli principle); eigenvalues {ev}")
    return 0.5 * (C + C.conj().T)


def check_double_occupancy(C0, D0):
    """Validate the double occupancy D0 of a number-conserving two-mode state with correlations C0.

    The state has populations p00 = 1 - C11 - C22 + D0, p11 = D0 and one-particle block
    (C0 - D0 1)^T, all of which must be non-negative.  Returns D0 as a float.
    """
    D0 = np.real_if_close(D0)
    if np.iscomplexobj(D0) or np.ndim(D0) != 0:
        raise ValueError(f"D0 must be a real scalar, got {D0!r}")
    D0 = float(D0)
    if not np.isfinite(D0):
        raise ValueError(f"D0 inconsistent with C0: D0 = {D0} is not finite")
    c11, c22, c12 = C0[0, 0].real, C0[1, 1].real, C0[0, 1]
    lo, hi = max(0.0, c11 + c22 - 1.0), min(c11, c22)
    if D0 < lo - _TOL or D0 > hi + _TOL or abs(c12) ** 2 > (c11 - D0) * (c22 - D0) + _TOL:
        raise ValueError(
            "D0 inconsistent with C0: a two-mode state needs max(0, C11 + C22 - 1) <= D0 <= "
            f"min(C11, C22) and |C12|^2 <= (C11 - D0)(C22 - D0); got D0={D0}, C11={c11:.6g}, "
            f"C22={c22:.6g}, |C12|={abs(c12):.6g}")
    return D0


def check_size(caller, what, n_elements, limit=None, hint="ask for fewer points at once"):
    """Refuse, before anything is allocated, an array of `n_elements` complex numbers beyond `limit`.

    The limit defaults to `MAX_ELEMENTS`.  Raises ValueError naming the caller, the array, its size
    in elements and bytes, the limit and what to do instead (`hint`).  Returns `n_elements` as an int.
    """
    limit = MAX_ELEMENTS if limit is None else int(limit)
    n = int(n_elements)
    if n > limit:
        raise ValueError(f"{caller}: {what} would hold {n:.3e} complex numbers ({16 * n / 2 ** 30:.3g} GiB), "
                         f"beyond the limit of {limit:.3e} ({16 * limit / 2 ** 30:.3g} GiB, "
                         f"nadlib.model.MAX_ELEMENTS); {hint}")
    return n

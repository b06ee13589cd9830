"""The two-mode model and its reservoirs (Sec. III A of Mitchison & Plenio 2018).

`Model` holds the system and coupling parameters and the quantities derived from
them in closed form: the splitting Delta, the eigen-energies E_j, the rotation R
of Eq. (16), and the renormalised pole position E'_j and width Gamma_j of Eq. (36).
`Baths` holds the temperatures and chemical potentials of the two leads and
evaluates their Fermi functions.  `spectral_density` is the Newns density (19).

Conventions: hbar = k_B = 1.  Mode index j = 1, 2 is stored at 0, 1 (E_1 is the
upper level); bath index alpha: 0 = L, 1 = R.
"""
from __future__ import annotations

import numpy as np

__all__ = ["Model", "Baths", "spectral_density", "fermi"]


def _finite(name, value):
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return arr


def spectral_density(w, Gamma, Omega):
    """Newns (semicircular) spectral density J_N(w), Eq. (19).

    J_N(w) = Gamma/(2 pi) * sqrt(1 - w^2/Omega^2) for |w| < Omega, zero outside.

    Parameters
    ----------
    w : array_like
        Frequencies, any shape.
    Gamma, Omega : float
        Coupling strength and half-bandwidth.

    Returns
    -------
    ndarray, shape of `w`
    """
    w = np.asarray(w, dtype=float)
    x = 1.0 - (w / Omega) ** 2
    return Gamma / (2 * np.pi) * np.sqrt(np.clip(x, 0.0, None))


def fermi(w, mu, T):
    """Fermi function 1/(exp((w - mu)/T) + 1), broadcasting w against mu and T.

    T = 0 gives the step Theta(mu - w), with the value 1/2 at w = mu.
    Written with a clipped exponent so that no overflow warning is raised.
    """
    w, mu, T = np.broadcast_arrays(np.asarray(w, float), np.asarray(mu, float),
                                   np.asarray(T, float))
    x = w - mu
    out = np.where(x < 0, 1.0, np.where(x > 0, 0.0, 0.5))
    hot = T > 0
    if np.any(hot):
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            z = np.clip(np.where(hot, x / np.where(hot, T, 1.0), 0.0), -700.0, 700.0)
        # 0.5*(1 - tanh(z/2)) is the numerically symmetric form of 1/(e^z + 1)
        out = np.where(hot, 0.5 * (1.0 - np.tanh(0.5 * z)), out)
    return out


class Model:
    """Two coupled fermionic sites, each tunnel-coupled to a semi-infinite chain.

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
        """J_N(w) of Eq. (19) with this model's Gamma and Omega."""
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

    def phi(self, w):
        """Exact spectral distributions phi_j(w), Eq. (35). Shape (2, *w.shape); zero outside the band."""
        w = np.asarray(w, dtype=float)
        Ep = self.E_shifted.reshape((2,) + (1,) * w.ndim)
        Gj = self.Gamma_j.reshape((2,) + (1,) * w.ndim)
        return (self.spectral_density(w) / (1 - self.Gamma / self.Omega)
                / ((w - Ep) ** 2 + Gj ** 2 / 4))

    def theta(self, w):
        """Hilbert transforms vartheta_j(w) of phi_j, Eq. (33). Shape (2, *w.shape).

        Inside the band the closed form (37) is used.  Outside it phi_j = 0 and
        vartheta_j is the real boundary value 1/(w - E_j - Re W(w)) of the
        propagator (B5), with the self-energy (B9) continued to real w.
        """
        w = np.asarray(w, dtype=float)
        Ej = self.E.reshape((2,) + (1,) * w.ndim)
        inside = np.abs(w) < self.Omega
        ws = np.where(inside, w, 0.0)
        Ep = self.E_shifted.reshape((2,) + (1,) * w.ndim)
        Gj = self.Gamma_j.reshape((2,) + (1,) * w.ndim)
        th_in = (((1 - self.Gamma / (2 * self.Omega)) * ws - Ej)
                 / (1 - self.Gamma / self.Omega) / ((ws - Ep) ** 2 + Gj ** 2 / 4))
        # outside the band phi_j = 0, so (B5) at z = 0+ - i w is purely imaginary
        wo = np.where(inside, 2 * self.Omega, w)
        sig = self.Gamma / (2 * self.Omega) * (wo - np.sign(wo) * np.sqrt(wo ** 2 - self.Omega ** 2))
        th_out = 1.0 / (wo - Ej - sig)
        return np.where(inside, th_in, th_out)


class Baths:
    """Temperatures and chemical potentials of the left (alpha=0) and right (alpha=1) leads.

    The four fields may be arrays; they are broadcast together to `shape`, so one
    `Baths` can hold a whole mu_L x mu_R or T_L x T_R grid.  T = 0 is allowed
    (step Fermi function).

    Raises
    ------
    ValueError
        For T < 0 or non-finite values.
    """

    def __init__(self, T_L, T_R, mu_L, mu_R):
        vals = {}
        for name, v in (("T_L", T_L), ("T_R", T_R), ("mu_L", mu_L), ("mu_R", mu_R)):
            vals[name] = _finite(name, v)
        for name in ("T_L", "T_R"):
            if np.any(vals[name] < 0):
                raise ValueError(f"temperatures must satisfy T >= 0, got {name}={vals[name]}")
        arrs = np.broadcast_arrays(vals["T_L"], vals["T_R"], vals["mu_L"], vals["mu_R"])
        self.T_L, self.T_R, self.mu_L, self.mu_R = (np.array(a) for a in arrs)
        self.shape = self.T_L.shape

    def __repr__(self):
        def s(a):
            return repr(float(a)) if a.ndim == 0 else f"<array {a.shape}>"
        return f"Baths(T_L={s(self.T_L)}, T_R={s(self.T_R)}, mu_L={s(self.mu_L)}, mu_R={s(self.mu_R)})"

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
        return Baths(self.T_L[idx], self.T_R[idx], self.mu_L[idx], self.mu_R[idx])

    def fermi(self, w):
        """Fermi functions f_alpha(w). Shape (2, *shape, *w.shape)."""
        w = np.asarray(w, dtype=float)
        ex = (Ellipsis,) + (None,) * w.ndim
        return fermi(w, self.mu[ex], self.T[ex])

    def F(self, m, w):
        """Occupation matrix F(w) = R diag(f_L, f_R) R^T in the eigenbasis.

        Returns shape (*shape, *w.shape, 2, 2).
        """
        f = np.moveaxis(self.fermi(w), 0, -1)           # (*shape, *w.shape, 2)
        R = m.R
        return np.einsum("ja,...a,ka->...jk", R, f, R)

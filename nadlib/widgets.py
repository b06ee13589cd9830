"""Interactive explorers (ipywidgets) for the book and the Voila app.

Each explorer comes as four functions, so that the live widget and the static figure of the book are
the same code:

- ``<name>_data(**params) -> dict``: the numbers, computed through nadlib's fast paths;
- ``<name>_figure(data=None, **params) -> Figure``: the plot (calls ``<name>_data`` if no data are given);
- ``<name>_readout(data) -> str``: a short HTML readout with rounded numbers;
- ``<name>_explorer(**params) -> ipywidgets.VBox``: sliders, the readout and an Output with the figure.
  Moving a slider recomputes data, figure and readout.

The explorers: ``transmission`` (T(w), Eqs. (45)-(46), Fig. 3), ``dynamics`` (exact vs EPA C(t),
Eqs. (29)-(30), (53), Fig. 4), ``anm_map`` (nu_inf / Gamma over mu_L x mu_R, Eq. (82), Fig. 5),
``rates`` (the rates of the energy-basis and local splits, Eqs. (58), (66)-(67), (70)-(75)) and
``bloch`` (the Bloch-vector argument of App. F, Fig. 9).  ``all_explorers()`` puts these five in a
Tab.  Beyond the paper: ``fluctuations`` (exact noise, Fano factor and k_3 over mu_L x mu_R).

Sliders use ``continuous_update=False``: a figure is recomputed when a slider is released, not on
every intermediate position.  Invalid parameter combinations (e.g. a violated Eq. (34)) do not raise
in a callback: the readout shows nadlib's ValueError message instead.

The Bloch-vector normalisation (App. F) is the book's choice; see `bloch_data`.
"""
from __future__ import annotations

import html

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import clear_output, display

from . import fock
from .anm import nu_infinity, nu_map_mu
from .counting import cumulants, fano_from_cumulants
from .dissipator import (decompose, decompose_local, gaussian_exponent, interference_entropy_term,
                         steady_state_epa)
from .epa import asymptotic_rates
from .exact import correlation_matrix
from .model import Baths, Model
from .transport import transmission, transmission_weak

__all__ = ["TRANSMISSION_DEFAULTS", "DYNAMICS_DEFAULTS", "ANM_MAP_DEFAULTS", "RATES_DEFAULTS",
           "BLOCH_DEFAULTS",
           "transmission_data", "transmission_figure", "transmission_readout", "transmission_explorer",
           "dynamics_data", "dynamics_figure", "dynamics_readout", "dynamics_explorer",
           "anm_map_data", "anm_map_figure", "anm_map_readout", "anm_map_explorer",
           "rates_data", "rates_figure", "rates_readout", "rates_explorer",
           "bloch_data", "bloch_figure", "bloch_readout", "bloch_explorer",
           "FLUCTUATIONS_DEFAULTS", "fluctuations_data", "fluctuations_figure", "fluctuations_readout",
           "fluctuations_explorer", "all_explorers", "explorer_sliders"]


def _g(x, sig=3):
    """A number rounded to `sig` significant digits, as text (negative zero printed as 0)."""
    x = float(x)
    if x == 0 or abs(x) < 1e-300:
        return "0"
    s = f"{x:.{sig}g}"
    return "0" if s in ("-0", "0") else s


# =========================================================================== transmission (Fig. 3)

#: Defaults of the transmission explorer (Fig. 3's h = 1, g = delta = 0.5, Omega = 10; Gamma = 0.2 Delta).
TRANSMISSION_DEFAULTS = dict(Gamma_ratio=0.2, delta=0.5, g=0.5, h=1.0, Omega=10.0, n=2001)


def _local_maxima(x, y):
    """Positions and heights of the interior local maxima of y(x), refined by a parabola through 3 points."""
    i = np.flatnonzero((y[1:-1] > y[:-2]) & (y[1:-1] >= y[2:])) + 1
    out = []
    for k in i:
        y0, y1, y2 = y[k - 1], y[k], y[k + 1]
        den = y0 - 2 * y1 + y2
        s = 0.5 * (y0 - y2) / den if den != 0 else 0.0
        dx = x[k + 1] - x[k]
        out.append((x[k] + s * dx, y1 - 0.25 * (y0 - y2) * s))
    return out


def transmission_data(Gamma_ratio=0.2, delta=0.5, g=0.5, h=1.0, Omega=10.0, n=2001):
    """T(w) of Eq. (45) and its weak-coupling form (46) for Gamma = Gamma_ratio * Delta.

    The frequency window is h +- (Delta + 2 Gamma), clipped to the band.

    Returns
    -------
    dict with model, w (n,), T, T_weak, peaks [(w, T(w)), ...] of the exact curve, max_weak_error
    """
    Delta = float(np.hypot(g, delta))
    m = Model(h=h, delta=delta, g=g, Gamma=Gamma_ratio * Delta, Omega=Omega)
    half = Delta + 2 * m.Gamma
    w = np.linspace(max(-Omega, h - half), min(Omega, h + half), int(n))
    T = transmission(m, w)
    Tw = transmission_weak(m, w)
    return dict(model=m, Gamma_ratio=float(Gamma_ratio), w=w, T=T, T_weak=Tw,
                peaks=_local_maxima(w, T), max_weak_error=float(np.max(np.abs(T - Tw))),
                weak_height=m.g ** 2 / (2 * np.pi * m.Delta ** 2))


def transmission_figure(data=None, **params):
    """T(w) (Eq. (45), solid) and Eq. (46) (green dotted) against w/Omega; E'_j dotted. Returns a Figure."""
    d = data if data is not None else transmission_data(**params)
    m = d["model"]
    x = d["w"] / m.Omega
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(x, d["T"], color="C0", lw=1.8, label=rf"Eq. (45), $\Gamma={d['Gamma_ratio']:.3g}\Delta$")
    ax.plot(x, d["T_weak"], ":", color="green", lw=2, label="Eq. (46)")
    for E in m.E_shifted:
        ax.axvline(E / m.Omega, color="0.6", ls=":", lw=1)
    ax.axhline(d["weak_height"], color="0.8", ls="--", lw=1, label=r"$g^2/2\pi\Delta^2$")
    ax.set_xlabel(r"$\omega/\Omega$")
    ax.set_ylabel(r"$\mathcal{T}(\omega)$")
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(0, 1.15 * max(d["T"].max(), d["T_weak"].max(), d["weak_height"]))
    ax.set_title(rf"$h={m.h:g},\ \delta={m.delta:g},\ g={m.g:g},\ \Omega={m.Omega:g}$", fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig


def transmission_readout(d):
    """HTML readout: Gamma, the peaks of T(w) (position w/Omega and height), the error of (46)."""
    m = d["model"]
    peaks = "; ".join(f"&omega;/&Omega; = {w / m.Omega:.4f}, T = {_g(t)}" for w, t in d["peaks"])
    return (f"&Gamma; = {_g(m.Gamma)} ({_g(d['Gamma_ratio'])} &Delta;), &Delta; = {_g(m.Delta)}. "
            f"Peaks of T(&omega;): {peaks or 'none'}. "
            f"max |T &minus; T<sub>(46)</sub>| = {_g(d['max_weak_error'], 2)}")


# =========================================================================== dynamics (Fig. 4)

#: Defaults of the dynamics explorer (Fig. 4(a) at Omega = 10 to keep an update fast; Gamma/Omega = 0.02).
DYNAMICS_DEFAULTS = dict(Gamma_over_Omega=0.02, h=1.0, delta=0.1, g=0.5, Omega=10.0,
                         T_L=0.1, T_R=0.1, mu_L=1.0, mu_R=0.0, n_exact=30, n_epa=200, t_end=5.0)

_COMPONENTS = (("C_{11}", lambda C: C[..., 0, 0].real, "C0", "o"),
               ("C_{22}", lambda C: C[..., 1, 1].real, "C1", "s"),
               (r"\mathrm{Re}\,C_{12}", lambda C: C[..., 0, 1].real, "C2", "^"),
               (r"\mathrm{Im}\,C_{12}", lambda C: C[..., 0, 1].imag, "C3", "D"))


def dynamics_data(Gamma_over_Omega=0.02, h=1.0, delta=0.1, g=0.5, Omega=10.0, T_L=0.1, T_R=0.1,
                  mu_L=1.0, mu_R=0.0, n_exact=30, n_epa=200, t_end=5.0):
    """Exact C(t) (points, Eqs. (29)-(30)) and EPA C(t) (lines, Eq. (53)) from the vacuum, Gamma t in [0, t_end].

    Returns
    -------
    dict with model, baths, gt_exact (n_exact,), gt_epa (n_epa,), C_exact, C_epa (…, 2, 2),
    deviation (n_exact,) = max_jk |C_exact - C_epa| at the exact points
    """
    m = Model(h=h, delta=delta, g=g, Gamma=Gamma_over_Omega * Omega, Omega=Omega)
    b = Baths(T_L=T_L, T_R=T_R, mu_L=mu_L, mu_R=mu_R)
    gt_exact = np.linspace(0.0, t_end, int(n_exact))
    gt_epa = np.linspace(0.0, t_end, int(n_epa))
    C_exact = correlation_matrix(m, b, gt_exact / m.Gamma, method="exact")
    C_epa = correlation_matrix(m, b, gt_epa / m.Gamma, method="epa")
    C_epa_pts = correlation_matrix(m, b, gt_exact / m.Gamma, method="epa")
    dev = np.abs(C_exact - C_epa_pts).max(axis=(-1, -2))
    return dict(model=m, baths=b, gt_exact=gt_exact, gt_epa=gt_epa, C_exact=C_exact, C_epa=C_epa,
                deviation=dev)


def dynamics_figure(data=None, **params):
    """C_11, C_22, Re C_12, Im C_12 against Gamma t: exact points, EPA lines; deviation below. Returns a Figure."""
    d = data if data is not None else dynamics_data(**params)
    m = d["model"]
    fig, (ax, axd) = plt.subplots(2, 1, figsize=(6.4, 4.8), sharex=True,
                                  gridspec_kw=dict(height_ratios=(3, 1)))
    for name, get, color, marker in _COMPONENTS:
        ax.plot(d["gt_epa"], get(d["C_epa"]), color=color, lw=1.4)
        ax.plot(d["gt_exact"], get(d["C_exact"]), marker, color=color, ms=3.5, ls="none",
                label=f"${name}$")
    ax.set_ylabel("correlation")
    ax.set_title(rf"$\Gamma/\Omega={m.Gamma / m.Omega:.3g}$ ($\Omega={m.Omega:g}$): "
                 "exact (points), EPA (lines)", fontsize=10)
    ax.legend(frameon=False, ncol=2, fontsize=8)
    dev = d["deviation"][1:]
    axd.semilogy(d["gt_exact"][1:], np.maximum(dev, 1e-16), "k.-", ms=3)
    axd.set_xlabel(r"$\Gamma t$")
    axd.set_ylabel(r"$\max|C-C_{\rm EPA}|$", fontsize=8)
    fig.tight_layout()
    return fig


def dynamics_readout(d):
    """HTML readout: Gamma, Gamma/Omega and the largest exact-vs-EPA deviation with its time."""
    m = d["model"]
    k = int(np.argmax(d["deviation"]))
    return (f"&Gamma; = {_g(m.Gamma)}, &Gamma;/&Omega; = {_g(m.Gamma / m.Omega)}. "
            f"max<sub>t,jk</sub> |C<sub>jk</sub> &minus; C<sup>EPA</sup><sub>jk</sub>| = "
            f"{_g(d['deviation'][k], 2)} at &Gamma;t = {d['gt_exact'][k]:.2f}")


# =========================================================================== ANM map (Fig. 5)

#: Defaults of the ANM-map explorer (Fig. 5's model; mu_L, mu_R in [0, 2] on a 101 x 101 grid).
ANM_MAP_DEFAULTS = dict(T=0.01, h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0, mu_range=(0.0, 2.0), n=101)


def anm_map_data(T=0.01, h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0, mu_range=(0.0, 2.0), n=101):
    """nu_inf / Gamma (Eq. (82), EPA rates (55)) on the mu_L x mu_R grid at T_L = T_R = T.

    Returns
    -------
    dict with model, T, mu (n,), nu (n, n) = nu_inf / Gamma indexed [mu_L, mu_R], argmax (mu_L, mu_R)
    """
    m = Model(h=h, delta=delta, g=g, Gamma=Gamma, Omega=Omega)
    mu = np.linspace(mu_range[0], mu_range[1], int(n))
    nu = nu_map_mu(m, mu, mu, T) / m.Gamma
    i, k = np.unravel_index(int(np.argmax(nu)), nu.shape)
    return dict(model=m, T=float(T), mu=mu, nu=nu, argmax=(float(mu[i]), float(mu[k])))


def anm_map_figure(data=None, **params):
    """Colour map of nu_inf / Gamma over (mu_L, mu_R) with E_1, E_2 as white dotted lines. Returns a Figure."""
    d = data if data is not None else anm_map_data(**params)
    m = d["model"]
    fig, ax = plt.subplots(figsize=(5.4, 4.4))
    vmax = max(float(d["nu"].max()), 1e-6)
    im = ax.pcolormesh(d["mu"], d["mu"], d["nu"].T, shading="auto", cmap="viridis", vmin=0, vmax=vmax)
    for E in m.E:
        ax.axvline(E, color="w", ls=":", lw=1)
        ax.axhline(E, color="w", ls=":", lw=1)
    ax.set_xlabel(r"$\mu_L$")
    ax.set_ylabel(r"$\mu_R$")
    ax.set_title(rf"$T_L=T_R={d['T']:.3g}$", fontsize=10)
    ax.set_aspect("equal")
    fig.colorbar(im, ax=ax, label=r"$\nu_\infty/\Gamma$")
    fig.tight_layout()
    return fig


def anm_map_readout(d):
    """HTML readout: the maximum of nu_inf / Gamma on the grid and where it is."""
    mx = float(d["nu"].max())
    where = (f" at &mu;<sub>L</sub> = {d['argmax'][0]:.2f}, &mu;<sub>R</sub> = {d['argmax'][1]:.2f}"
             if mx > 0 else "")
    frac = float(np.mean(d["nu"] > 1e-9))
    return (f"T = {_g(d['T'])}: max &nu;<sub>&infin;</sub>/&Gamma; = {_g(mx)}{where}; "
            f"&nu;<sub>&infin;</sub> &gt; 0 on {100 * frac:.0f}% of the grid")


# =========================================================================== rates (Sec. V A-B)

#: Defaults of the rates explorer (Fig. 5's model; mu_L = 1 between E_2 and E_1, mu_R = 0.2, T = 0.01).
RATES_DEFAULTS = dict(mu_L=1.0, mu_R=0.2, T=0.01, h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0)


def rates_data(mu_L=1.0, mu_R=0.2, T=0.01, h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0):
    """Rates of the asymptotic dissipator's two splits at T_L = T_R = T, all divided by Gamma.

    gamma^{+-}_{alpha,j} (58), xi = Re Lambda^+_12 and eta = Im Lambda^+_12 ((66)-(67)), |Lambda^+_12|;
    local gammabar^{+-}_alpha and Lambdabar^{+-}_LR ((70)-(75)); nu_inf (82).

    Returns
    -------
    dict with model, baths and the rates (floats or small arrays, in units of Gamma)
    """
    m = Model(h=h, delta=delta, g=g, Gamma=Gamma, Omega=Omega)
    b = Baths(T_L=T, T_R=T, mu_L=mu_L, mu_R=mu_R)
    dec = decompose(m, b)
    loc = decompose_local(m, b)
    G = m.Gamma
    return dict(model=m, baths=b,
                gamma_minus=np.asarray(dec.gamma_minus) / G, gamma_plus=np.asarray(dec.gamma_plus) / G,
                xi=float(dec.xi) / G, eta=float(dec.eta) / G, abs_L12=float(np.hypot(dec.xi, dec.eta)) / G,
                gamma_bar_minus=np.asarray(loc.gamma_bar_minus) / G,
                gamma_bar_plus=np.asarray(loc.gamma_bar_plus) / G,
                Lbar_plus_LR=complex(loc.Lambda_bar_plus[0, 1]) / G,
                Lbar_minus_LR=complex(loc.Lambda_bar_minus[0, 1]) / G,
                nu_inf=float(nu_infinity(m, b)) / G)


def rates_figure(data=None, **params):
    """Bar charts of the energy-basis rates, Lambda^+_12 and the local rates (units of Gamma). Returns a Figure."""
    d = data if data is not None else rates_data(**params)
    b = d["baths"]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.6), gridspec_kw=dict(width_ratios=(4, 2.2, 4)))
    ax = axes[0]
    x = np.arange(4)
    lab = [r"$L,1$", r"$L,2$", r"$R,1$", r"$R,2$"]
    ax.bar(x - 0.2, d["gamma_minus"].ravel(), 0.4, color="C0", label=r"$\gamma^-_{\alpha,j}$")
    ax.bar(x + 0.2, d["gamma_plus"].ravel(), 0.4, color="C3", label=r"$\gamma^+_{\alpha,j}$")
    ax.set_xticks(x, lab)
    ax.set_ylabel(r"rate $/\Gamma$")
    ax.set_title("energy basis, Eq. (58)", fontsize=10)
    ax.legend(frameon=False, fontsize=8, loc="upper center")
    ax = axes[1]
    vals = [d["abs_L12"], d["xi"], d["eta"], d["nu_inf"]]
    ax.bar(np.arange(4), vals, 0.6, color=["C2", "C2", "C2", "C4"])
    ax.set_xticks(np.arange(4), [r"$|\Lambda^+_{12}|$", r"$\xi$", r"$\eta$", r"$\nu_\infty$"])
    ax.axhline(0, color="k", lw=0.6)
    ax.set_title(r"$\mathcal{L}_{\rm int}$, Eqs. (66)-(67), (82)", fontsize=10)
    ax = axes[2]
    names = [r"$\bar\gamma^-_L$", r"$\bar\gamma^+_L$", r"$\bar\gamma^-_R$", r"$\bar\gamma^+_R$",
             r"Re$\bar\Lambda^+_{LR}$", r"Im$\bar\Lambda^+_{LR}$", r"Re$\bar\Lambda^-_{LR}$",
             r"Im$\bar\Lambda^-_{LR}$"]
    vals = [d["gamma_bar_minus"][0], d["gamma_bar_plus"][0], d["gamma_bar_minus"][1], d["gamma_bar_plus"][1],
            d["Lbar_plus_LR"].real, d["Lbar_plus_LR"].imag, d["Lbar_minus_LR"].real, d["Lbar_minus_LR"].imag]
    ax.bar(np.arange(8), vals, 0.6, color=["C0", "C3", "C0", "C3", "C2", "C2", "C9", "C9"])
    ax.set_xticks(np.arange(8), names, rotation=45, ha="right", fontsize=8)
    ax.axhline(0, color="k", lw=0.6)
    ax.set_title("site basis, Eqs. (70)-(75)", fontsize=10)
    fig.suptitle(rf"$\mu_L={float(b.mu_L):.3g},\ \mu_R={float(b.mu_R):.3g},\ T_L=T_R={float(b.T_L):.3g}$"
                 rf"$\quad(\Gamma={d['model'].Gamma:g})$", fontsize=10)
    fig.tight_layout()
    return fig


def rates_readout(d):
    """HTML readout: every rate of the two splits, in units of Gamma, to 3 significant digits."""
    gm, gp = d["gamma_minus"], d["gamma_plus"]
    rows = [
        "&gamma;<sup>&minus;</sup><sub>&alpha;,j</sub>/&Gamma; (L1, L2, R1, R2) = "
        + ", ".join(_g(v) for v in gm.ravel()),
        "&gamma;<sup>+</sup><sub>&alpha;,j</sub>/&Gamma; (L1, L2, R1, R2) = " + ", ".join(_g(v) for v in gp.ravel()),
        f"|&Lambda;<sup>+</sup><sub>12</sub>|/&Gamma; = {_g(d['abs_L12'])} (&xi;/&Gamma; = {_g(d['xi'])}, "
        f"&eta;/&Gamma; = {_g(d['eta'])}); &nu;<sub>&infin;</sub>/&Gamma; = {_g(d['nu_inf'])}",
        f"local: &gamma;&#772;<sup>&minus;</sup>/&Gamma; (L, R) = {_g(d['gamma_bar_minus'][0])}, "
        f"{_g(d['gamma_bar_minus'][1])}; &gamma;&#772;<sup>+</sup>/&Gamma; (L, R) = "
        f"{_g(d['gamma_bar_plus'][0])}, {_g(d['gamma_bar_plus'][1])}",
        f"&Lambda;&#772;<sup>+</sup><sub>LR</sub>/&Gamma; = {_g(d['Lbar_plus_LR'].real)} "
        f"{'+' if d['Lbar_plus_LR'].imag >= 0 else '&minus;'} {_g(abs(d['Lbar_plus_LR'].imag))}i; "
        f"&Lambda;&#772;<sup>&minus;</sup><sub>LR</sub>/&Gamma; = {_g(d['Lbar_minus_LR'].real)} "
        f"{'+' if d['Lbar_minus_LR'].imag >= 0 else '&minus;'} {_g(abs(d['Lbar_minus_LR'].imag))}i",
    ]
    return "<br>".join(rows)


# =========================================================================== Bloch vector (App. F, Fig. 9)

#: Defaults of the Bloch explorer (Fig. 5's h, delta, g, Omega; Gamma = 0.1 so that the coherence is visible).
BLOCH_DEFAULTS = dict(mu_L=1.0, mu_R=0.2, T=0.05, Gamma=0.1, h=1.0, delta=0.0, g=0.5, Omega=10.0)


def _binary_entropy(c):
    c = np.clip(np.asarray(c, float), 1e-300, 1 - 1e-16)
    return -(c * np.log(c) + (1 - c) * np.log1p(-c))


def bloch_data(mu_L=1.0, mu_R=0.2, T=0.05, Gamma=0.1, h=1.0, delta=0.0, g=0.5, Omega=10.0):
    """Bloch vector v of the EPA NESS and the flow u generated by L_int (App. F, Fig. 9).

    Normalisation (the book's choice).  The NESS correlation matrix C (``steady_state_epa``) is
    written as C = (Tr C / 2) 1 + (1/2) v . sigma with the Pauli components of C itself, after the
    phase of d_2 is chosen so that C_12 is real and non-negative (v then lies in the xz-plane):

        v = (2 |C_12|, 0, C_11 - C_22).

    The paper's printed projections, x = C_12 and z = (C_11 - C_22)/2 (typo A14 corrected), are v/2.
    |v| is the difference of the two eigenvalues of C, so |v| <= 1, with |v| = 1 only for a
    pure Gaussian state; for fixed Tr C the von Neumann entropy of the Gaussian NESS decreases as |v|
    grows.  This is the Bloch vector of the normalised one-body matrix, which plays the role of the
    one-particle-sector state of App. F.

    The flow u = dv/dt under L_int alone is computed independently of the formula of App. F: the
    16 x 16 superoperator L_int of ``decompose`` acts on the Fock-space Gaussian NESS, and dC is read
    off the result (same gauge).  App. F predicts u = 2 (Tr[Gamma]/2 - i Delta)|C_12| in x + i y, an
    angle phi = arctan(2 Delta / Tr[Gamma]) below the x axis, and u . v >= 0.

    Returns
    -------
    dict with model, baths, C (2, 2), v (3,), u (3,), norm_v, phi_formula, phi_flow (radians; nan if
    u = 0), dv_dt = u . v / |v|, entropy (of the Gaussian NESS), entropy_term = Tr[ln rho L_int rho]
    ((F7); nan if C has an eigenvalue too close to 0 or 1)
    """
    m = Model(h=h, delta=delta, g=g, Gamma=Gamma, Omega=Omega)
    b = Baths(T_L=T, T_R=T, mu_L=mu_L, mu_R=mu_R)
    C = steady_state_epa(m, b)
    c12 = C[0, 1]
    phase = np.exp(-1j * np.angle(c12)) if abs(c12) > 0 else 1.0
    v = np.array([2 * abs(c12), 0.0, (C[0, 0] - C[1, 1]).real])
    # flow from the Fock-space superoperator L_int acting on the Gaussian NESS
    rho = fock.gaussian_state(0.5 * (C + C.conj().T))
    drho = fock.unvec(decompose(m, b).L_int @ fock.vec(rho))
    dC = fock.correlation_from_rho(drho)
    du = 2 * dC[0, 1] * phase
    u = np.array([du.real, du.imag, (dC[0, 0] - dC[1, 1]).real])
    norm_v = float(np.linalg.norm(v))
    norm_u = float(np.linalg.norm(u))
    phi_formula = float(np.arctan(2 * m.Delta / m.Gamma_golden.sum()))
    phi_flow = float(abs(np.arctan2(u[1], u[0]))) if norm_u > 1e-15 else float("nan")
    ev = np.linalg.eigvalsh(0.5 * (C + C.conj().T))
    entropy = float(np.sum(_binary_entropy(ev)))
    try:
        Lp12 = asymptotic_rates(m, b)[0, 1]
        ent_term = float(interference_entropy_term(Lp12, gaussian_exponent(C)))
    except ValueError:
        ent_term = float("nan")
    return dict(model=m, baths=b, C=C, v=v, u=u, norm_v=norm_v, norm_u=norm_u, phi_formula=phi_formula,
                phi_flow=phi_flow, dv_dt=float(u @ v / norm_v) if norm_v > 0 else 0.0,
                entropy=entropy, entropy_term=ent_term)


def _arrow(ax, x0, y0, dx, dy, color, label=None, lw=2, side=1.0):
    """Arrow from (x0, y0) by (dx, dy), labelled beside its middle (side = +-1 picks the side)."""
    ax.annotate("", xy=(x0 + dx, y0 + dy), xytext=(x0, y0),
                arrowprops=dict(arrowstyle="-|>", color=color, lw=lw, shrinkA=0, shrinkB=0))
    if label:
        n = np.hypot(dx, dy)
        ox, oy = (-dy / n, dx / n) if n > 0 else (0.0, 1.0)
        ax.text(x0 + 0.5 * dx + side * 0.09 * ox, y0 + 0.5 * dy + side * 0.09 * oy, label, color=color,
                fontsize=12, ha="center", va="center")


def bloch_figure(data=None, u_length=0.35, **params):
    """Fig. 9 computed: v in the xz-plane (side view) and u in the xy-plane (top view). Returns a Figure.

    u is drawn with the fixed length `u_length` (its size is O(Gamma); the readout gives it).
    """
    d = data if data is not None else bloch_data(**params)
    v, u = d["v"], d["u"]
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 4.2))
    t = np.linspace(0, 2 * np.pi, 400)
    scale = u_length / d["norm_u"] if d["norm_u"] > 1e-15 else 0.0
    for ax, (i, j), (xl, yl), title in ((axes[0], (0, 2), ("x", "z"), "side view (xz-plane)"),
                                        (axes[1], (0, 1), ("x", "y"), "top view (xy-plane)")):
        ax.plot(np.cos(t), np.sin(t), color="0.3", lw=1)
        r_tip = np.hypot(v[i], v[j])             # circle through the tip of v's projection
        ax.plot(r_tip * np.cos(t), r_tip * np.sin(t), color="0.7", ls="--", lw=0.8)
        ax.axhline(0, color="0.85", lw=0.8)
        ax.axvline(0, color="0.85", lw=0.8)
        _arrow(ax, 0, 0, v[i], v[j], "C0", r"$\mathbf{v}$", side=-1.0)
        if scale:
            _arrow(ax, v[i], v[j], scale * u[i], scale * u[j], "C3", r"$\mathbf{u}$", side=1.0)
        ax.set_xlim(-1.15, 1.15)
        ax.set_ylim(-1.15, 1.15)
        ax.set_aspect("equal")
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
        ax.set_title(title, fontsize=10)
    if scale and np.isfinite(d["phi_flow"]):
        ax = axes[1]
        r = 0.6 * u_length
        sgn = np.sign(u[1]) or 1.0
        a = np.linspace(0, sgn * d["phi_flow"], 50)
        ax.plot(v[0] + r * np.cos(a), r * np.sin(a), color="C3", lw=1)
        ax.plot([v[0], v[0] + 1.3 * u_length], [0, 0], color="C3", lw=0.8, ls=":")
        ax.text(v[0] + 1.05 * r * np.cos(a[-1] / 2) + 0.05, 1.05 * r * np.sin(a[-1] / 2), r"$\varphi$",
                color="C3", fontsize=12, va="center")
    b = d["baths"]
    fig.suptitle(rf"$\mu_L={float(b.mu_L):.3g},\ \mu_R={float(b.mu_R):.3g},\ T={float(b.T_L):.3g},"
                 rf"\ \Gamma={d['model'].Gamma:.3g}$ (dashed: circle through the tip of $\mathbf{{v}}$;"
                 r" $\mathbf{u}$ not to scale)", fontsize=10)
    fig.tight_layout()
    return fig


def bloch_readout(d):
    """HTML readout: |v|, its components, the angle phi (formula and measured flow), d|v|/dt, entropy terms."""
    v = d["v"]
    phi_f = np.degrees(d["phi_formula"])
    phi_u = "&mdash;" if not np.isfinite(d["phi_flow"]) else f"{np.degrees(d['phi_flow']):.2f}&deg;"
    et = "n/a" if not np.isfinite(d["entropy_term"]) else _g(d["entropy_term"], 2)
    return (f"|v| = {_g(d['norm_v'])} (v<sub>x</sub> = {_g(v[0])}, v<sub>z</sub> = {_g(v[2])}); "
            f"&phi; = arctan(2&Delta;/Tr&Gamma;) = {phi_f:.2f}&deg;, angle of the flow u from L<sub>int</sub>: "
            f"{phi_u}; |u| = {_g(d['norm_u'], 2)}, d|v|/dt = u&middot;v/|v| = {_g(d['dv_dt'], 2)} (&ge; 0)<br>"
            f"NESS entropy S = {_g(d['entropy'])}; Tr[ln &rho; L<sub>int</sub> &rho;] (F7) = {et}")


# =========================================================================== widget plumbing

def _log_slider(value, lo, hi, description, fmt=".3g"):
    return widgets.FloatLogSlider(value=value, base=10, min=np.log10(lo), max=np.log10(hi), step=0.02,
                                  description=description, readout_format=fmt, continuous_update=False,
                                  style={"description_width": "initial"},
                                  layout=widgets.Layout(width="420px"))


def _slider(value, lo, hi, step, description, fmt=".2f"):
    return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                               readout_format=fmt, continuous_update=False,
                               style={"description_width": "initial"},
                               layout=widgets.Layout(width="420px"))


def _explorer(title, sliders, fixed, data_fn, figure_fn, readout_fn):
    """VBox(title, sliders, readout, Output); each slider change recomputes data, figure and readout."""
    out = widgets.Output(layout=widgets.Layout(min_height="300px"))
    readout = widgets.HTML(layout=widgets.Layout(width="100%"))

    def update(change=None):
        params = dict(fixed)
        params.update({k: s.value for k, s in sliders.items()})
        try:
            data = data_fn(**params)
        except ValueError as exc:              # e.g. a violated Eq. (34): say so, keep the last figure
            readout.value = f"<b>invalid parameters</b>: {html.escape(str(exc))}"
            return
        fig = figure_fn(data=data)
        readout.value = readout_fn(data)
        with out:
            clear_output(wait=True)
            display(fig)
        plt.close(fig)

    for s in sliders.values():
        s.observe(update, names="value")
    update()
    box = widgets.VBox([widgets.HTML(f"<b>{title}</b>"), widgets.VBox(list(sliders.values())), readout, out])
    box.sliders = sliders          # for tests and for programmatic use: name -> slider
    box.readout = readout
    box.output = out
    box.refresh = update
    return box


def explorer_sliders(box):
    """The sliders of an explorer (found by walking its children), in display order."""
    found = []

    def walk(w):
        if isinstance(w, (widgets.FloatSlider, widgets.FloatLogSlider, widgets.IntSlider)):
            found.append(w)
        for c in getattr(w, "children", ()):
            walk(c)
    walk(box)
    return found


def transmission_explorer(**fixed):
    """T(w) (45) and its weak-coupling form (46) as Gamma/Delta, delta and g vary (h = 1, Omega = 10).

    Keyword arguments override the defaults of TRANSMISSION_DEFAULTS (e.g. h, Omega, n) and the
    initial slider values.
    """
    p = dict(TRANSMISSION_DEFAULTS, **fixed)
    sliders = dict(Gamma_ratio=_log_slider(p.pop("Gamma_ratio"), 0.01, 3.0, "Γ/Δ"),
                   delta=_slider(p.pop("delta"), -1.0, 1.0, 0.05, "δ"),
                   g=_slider(p.pop("g"), 0.05, 1.5, 0.05, "g"))
    return _explorer("Transmission function T(ω), Eqs. (45)-(46)", sliders, p,
                     transmission_data, transmission_figure, transmission_readout)


def dynamics_explorer(**fixed):
    """Exact (points) vs EPA (lines) C(t) from the vacuum as Gamma/Omega varies (Omega = 10, Fig. 4(a) otherwise)."""
    p = dict(DYNAMICS_DEFAULTS, **fixed)
    sliders = dict(Gamma_over_Omega=_log_slider(p.pop("Gamma_over_Omega"), 0.005, 0.3, "Γ/Ω"))
    return _explorer("Dynamics from the vacuum: exact vs EPA, Eqs. (29)-(30), (53)", sliders, p,
                     dynamics_data, dynamics_figure, dynamics_readout)


def anm_map_explorer(**fixed):
    """nu_inf / Gamma over mu_L x mu_R (Fig. 5 model, 101 x 101 grid) as T_L = T_R = T varies (1e-3 to 1)."""
    p = dict(ANM_MAP_DEFAULTS, **fixed)
    sliders = dict(T=_log_slider(p.pop("T"), 1e-3, 1.0, "T"))
    return _explorer("Asymptotic non-Markovianity ν∞/Γ, Eq. (82)", sliders, p,
                     anm_map_data, anm_map_figure, anm_map_readout)


def rates_explorer(**fixed):
    """The rates of L = L_L + L_R + L_int and of the local split as mu_L, mu_R and T vary (Fig. 5 model)."""
    p = dict(RATES_DEFAULTS, **fixed)
    sliders = dict(mu_L=_slider(p.pop("mu_L"), 0.0, 2.0, 0.01, "μ_L"),
                   mu_R=_slider(p.pop("mu_R"), 0.0, 2.0, 0.01, "μ_R"),
                   T=_log_slider(p.pop("T"), 1e-3, 1.0, "T"))
    return _explorer("Rates of the asymptotic dissipator, Eqs. (58), (66)-(67), (70)-(75)", sliders, p,
                     rates_data, rates_figure, rates_readout)


def bloch_explorer(**fixed):
    """The Bloch vector v of the NESS and the flow u of L_int (App. F, Fig. 9) as mu_L, mu_R, T and Gamma vary."""
    p = dict(BLOCH_DEFAULTS, **fixed)
    sliders = dict(mu_L=_slider(p.pop("mu_L"), 0.0, 2.0, 0.01, "μ_L"),
                   mu_R=_slider(p.pop("mu_R"), 0.0, 2.0, 0.01, "μ_R"),
                   T=_log_slider(p.pop("T"), 1e-3, 1.0, "T"),
                   Gamma=_log_slider(p.pop("Gamma"), 0.005, 1.0, "Γ"))
    return _explorer("Bloch-vector picture of the NESS, App. F (Fig. 9)", sliders, p,
                     bloch_data, bloch_figure, bloch_readout)


def all_explorers():
    """The five explorers in one Tab."""
    items = [("Transmission", transmission_explorer), ("Dynamics", dynamics_explorer),
             ("ANM map", anm_map_explorer), ("Rates", rates_explorer), ("Bloch vector", bloch_explorer)]
    return widgets.Tab(children=[f() for _, f in items], titles=[t for t, _ in items])


# =========================================================================== current fluctuations (beyond the paper)

#: Defaults of the fluctuations explorer (Fig. 5's model, its panel (a) temperature, a 101 x 101 grid).
FLUCTUATIONS_DEFAULTS = dict(T=0.01, g=0.5, h=1.0, delta=0.0, Gamma=0.01, Omega=10.0,
                             mu_range=(0.0, 2.0), n=101)


def fluctuations_data(T=0.01, g=0.5, h=1.0, delta=0.0, Gamma=0.01, Omega=10.0, mu_range=(0.0, 2.0),
                      n=101):
    """Exact noise k_2, Fano factor k_2/|k_1| and skewness k_3/|k_1| of the particles leaving L over
    mu_L x mu_R at T_L = T_R = T (Levitov-Lesovik cumulants, `nadlib.cumulants`)."""
    m = Model(h=h, delta=delta, g=g, Gamma=Gamma, Omega=Omega)
    mu = np.linspace(*mu_range, n)
    k = cumulants(m, Baths(T, T, mu[:, None], mu[None, :]), order=3)
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = np.where(k[..., 0] == 0, 0.0, k[..., 2] / np.abs(k[..., 0]))
    return dict(model=m, mu=mu, T=T, k=k, fano=fano_from_cumulants(k), skew=skew)


def fluctuations_figure(data=None, **params):
    """Three maps over (mu_L, mu_R): k_2/Gamma, the Fano factor (colour scale 0-2) and k_3/|k_1|."""
    d = fluctuations_data(**params) if data is None else data
    m, mu = d["model"], d["mu"]
    fig, axes = plt.subplots(1, 3, figsize=(13.5, 4.0), constrained_layout=True)
    panels = [(d["k"][..., 1] / m.Gamma, r"noise $k_2/\Gamma$", "viridis", None, None),
              (np.clip(d["fano"], 0, 2), r"Fano factor $k_2/|k_1|$", "magma", 0.0, 2.0),
              (d["skew"], r"$k_3/|k_1|$", "RdBu_r", -1.0, 1.0)]
    for ax, (z, title, cmap, lo, hi) in zip(axes, panels):
        im = ax.pcolormesh(mu, mu, z.T, cmap=cmap, vmin=lo, vmax=hi, shading="auto")
        fig.colorbar(im, ax=ax)
        for E in m.E:
            ax.axvline(E, color="w", ls=":", lw=0.8)
            ax.axhline(E, color="w", ls=":", lw=0.8)
        ax.set(xlabel=r"$\mu_L$", ylabel=r"$\mu_R$", title=title, aspect="equal")
    fig.suptitle(f"Particles leaving L, T = {_g(d['T'])}, g = {_g(m.g)}, Γ = {_g(m.Gamma)}")
    return fig


def fluctuations_readout(d):
    m, k, F = d["model"], d["k"], d["fano"]
    off = np.isfinite(F)
    return (f"max k<sub>2</sub>/&Gamma; = {_g(k[..., 1].max() / m.Gamma)}; Fano factor from "
            f"{_g(F[off].min())} to {_g(F[off].max())} off the diagonal (k<sub>1</sub> = 0 on it); "
            f"levels E<sub>1,2</sub> = {_g(m.E[0])}, {_g(m.E[1])}")


def fluctuations_explorer(**fixed):
    """Noise, Fano factor and k_3 over mu_L x mu_R (Fig. 5 model) as T_L = T_R = T and g vary."""
    p = dict(FLUCTUATIONS_DEFAULTS, **fixed)
    sliders = dict(T=_log_slider(p.pop("T"), 1e-3, 1.0, "T"),
                   g=_slider(p.pop("g"), 0.1, 1.0, 0.05, "g"))
    return _explorer("Current fluctuations: noise and Fano factor (Levitov-Lesovik)", sliders, p,
                     fluctuations_data, fluctuations_figure, fluctuations_readout)

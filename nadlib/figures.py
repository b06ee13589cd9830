"""The plotting layer of nadlib: the figures of the paper and the explorers of the book.

Every matplotlib call of the package lives in this module; `nadlib.widgets` only wraps the
functions below in sliders.  Two kinds of function:

- one function per figure of the paper, ``figN_<name>(...)``, returning a matplotlib Figure
  (Figs. 1-9), with the numbers behind the computed ones in ``figN_data``;
- five explorers, each a triple ``<name>_data(**params) -> dict``,
  ``<name>_figure(data) -> Figure`` and ``<name>_readout(data) -> str`` (an HTML line of rounded
  numbers), with its default parameters in ``<NAME>_DEFAULTS`` and nowhere else.  ``EXPLORERS``
  lists them: transmission (Fig. 3), dynamics (Fig. 4), anm_map (Fig. 5), rates (Sec. V A-B)
  and bloch (Fig. 9, which is the bloch explorer's figure).

Parameter sets are the paper's (captions of Figs. 3-5).  Where the paper is silent (Fig. 5's
fixed temperatures and chemical potentials) the defaults are the book's stated choices, see the
chapter on Sec. V.

matplotlib is an optional extra of nadlib (``pip install 'nadlib[plot]'``); the numerics do not
need it.
"""
from __future__ import annotations

try:
    import matplotlib.pyplot as plt
    from matplotlib import colors, ticker
    from matplotlib.lines import Line2D
except ImportError as exc:                      # pragma: no cover - exercised in a subprocess test
    raise ImportError("nadlib.figures needs matplotlib, an optional extra of nadlib: "
                      "pip install 'nadlib[plot]'") from exc

import html

import numpy as np

from . import fock
from .anm import nu_infinity, nu_map_mu, nu_map_T
from .dissipator import (decompose, decompose_local, gaussian_exponent, interference_entropy_term,
                         steady_state_epa)
from .epa import asymptotic_rates
from .exact import correlation_matrix
from .model import Baths, Model
from .transport import transmission, transmission_weak

__all__ = ["FIG3_PARAMS", "FIG4_PARAMS", "FIG5_PARAMS", "FIG5_CHOICES", "fig3_transmission",
           "fig4_data", "fig4_dynamics", "fig5_data", "fig5_anm", "fig5_anm_log", "fig6_network",
           "fig7_contours", "fig8_contour", "fig9_bloch"]

#: Parameters of the Fig. 3 caption (h = 1, g = delta = 0.5, Omega = 10; Gamma = 0.02, 0.2, 2 Delta).
FIG3_PARAMS = dict(h=1.0, delta=0.5, g=0.5, Omega=10.0, ratios=(0.02, 0.2, 2.0))

#: Parameters of the two Fig. 4 panels (common Gamma = 0.2, Omega = 100, delta = 0.1, g = 0.5).
FIG4_PARAMS = {
    "a": dict(model=dict(h=1.0, delta=0.1, g=0.5, Gamma=0.2, Omega=100.0),
              baths=dict(T_L=0.1, T_R=0.1, mu_L=1.0, mu_R=0.0)),
    "b": dict(model=dict(h=50.0, delta=0.1, g=0.5, Gamma=0.2, Omega=100.0),
              baths=dict(T_L=10.0, T_R=0.01, mu_L=49.0, mu_R=49.0)),
}

#: Parameters of the Fig. 5 caption (h = 1, delta = 0, g = 0.5, Gamma = 0.01, Omega = 10).
FIG5_PARAMS = dict(h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0)

#: The book's choices for what the Fig. 5 caption leaves unstated (see Sec. V C).
FIG5_CHOICES = dict(T_a=0.01, T_b=0.1, mu_c=0.75, mu_range=(0.0, 2.0), T_range=(1e-3, 1.0))

# The four real components of C(t) drawn in Fig. 4 and by the dynamics explorer: label, getter,
# colour, marker of the exact points.
COMPONENTS = (("C_{11}", lambda C: C[..., 0, 0].real, "C0", "o"),
              ("C_{22}", lambda C: C[..., 1, 1].real, "C1", "s"),
              (r"\mathrm{Re}\,C_{12}", lambda C: C[..., 0, 1].real, "C2", "^"),
              (r"\mathrm{Im}\,C_{12}", lambda C: C[..., 0, 1].imag, "C3", "D"))


def _params(defaults, params, caller):
    """`defaults` updated by `params`; an unknown name is a ValueError (a typo must not pass silently)."""
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise ValueError(f"{caller}: unknown parameter(s) {unknown}; the parameters are {sorted(defaults)}")
    return {**defaults, **params}


def _g(x, sig=3):
    """A number rounded to `sig` significant digits, as text (negative zero printed as 0)."""
    x = float(x)
    if x == 0 or abs(x) < 1e-300:
        return "0"
    s = f"{x:.{sig}g}"
    return "0" if s in ("-0", "0") else s


def _decade_log_axis(ax, values):
    """Log y axis over whole decades around `values`: labels at the decades only, unlabelled minor ticks."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v) & (v > 0)]
    if v.size:
        ax.set_ylim(10.0 ** np.floor(np.log10(v.min())), 10.0 ** np.ceil(np.log10(v.max())))
    ax.yaxis.set_major_locator(ticker.LogLocator(base=10, numticks=4))
    ax.yaxis.set_minor_locator(ticker.LogLocator(base=10, subs=np.arange(2, 10), numticks=12))
    ax.yaxis.set_minor_formatter(ticker.NullFormatter())
    ax.tick_params(axis="y", which="minor", length=2, width=0.5)


def _exact_epa_key(ax, **legend_kw):
    """A key that explains the two symbol kinds: points = exact solution, lines = EPA."""
    handles = [Line2D([], [], color="0.25", marker="o", ls="none", ms=4, label="points: exact, Eqs. (29)-(30)"),
               Line2D([], [], color="0.25", lw=1.4, label="lines: EPA, Eq. (53)")]
    return ax.legend(handles=handles, frameon=False, **legend_kw)


def _vacuum_dynamics(m, b, n_exact, n_epa, t_end):
    """Exact (points) and EPA (lines) C(t) from the vacuum for 0 <= Gamma t <= t_end, and their deviation."""
    gt_exact = np.linspace(0.0, t_end, int(n_exact))
    gt_epa = np.linspace(0.0, t_end, int(n_epa))
    C_exact = correlation_matrix(m, b, gt_exact / m.Gamma)
    C_epa = correlation_matrix(m, b, gt_epa / m.Gamma, method="epa")
    C_epa_at_exact = correlation_matrix(m, b, gt_exact / m.Gamma, method="epa")
    return dict(model=m, baths=b, gt_exact=gt_exact, gt_epa=gt_epa, C_exact=C_exact, C_epa=C_epa,
                deviation=np.abs(C_exact - C_epa_at_exact).max(axis=(-1, -2)))


def _draw_components(ax, d):
    """C_11, C_22, Re C_12, Im C_12 against Gamma t: EPA lines and exact points, one colour each."""
    for name, get, color, marker in COMPONENTS:
        ax.plot(d["gt_epa"], get(d["C_epa"]), color=color, lw=1.4)
        ax.plot(d["gt_exact"], get(d["C_exact"]), marker, color=color, ms=3.5, ls="none", label=f"${name}$")
    ax.set_ylabel(r"$C_{jk}(t)$")


def _draw_deviation(axd, d):
    """max_jk |C - C_EPA| at the exact points (t > 0) on a log axis with decade labels."""
    dev = np.maximum(d["deviation"][1:], 1e-16)
    axd.semilogy(d["gt_exact"][1:], dev, "k.-", ms=3, lw=1)
    _decade_log_axis(axd, dev)
    axd.set_xlabel(r"$\Gamma t$")
    axd.set_ylabel(r"$\max_{jk}|C-C_{\rm EPA}|$", fontsize=8)


# --------------------------------------------------------------------------- computed figures of the paper

def fig3_transmission(n=1201, params=FIG3_PARAMS):
    """Fig. 3: transmission T(w) of Eq. (45) against w/Omega, with the weak-coupling form (46)."""
    p = dict(params)
    ratios = p.pop("ratios")
    Delta = np.hypot(p["g"], p["delta"])
    x = np.linspace(0.04, 0.18, n)
    fig, ax = plt.subplots(figsize=(6, 3.8))
    for r in ratios:
        m = Model(Gamma=r * Delta, **p)
        ax.plot(x, transmission(m, x * m.Omega), label=rf"$\Gamma={r:g}\Delta$")
    m = Model(Gamma=ratios[0] * Delta, **p)
    ax.plot(x, transmission_weak(m, x * m.Omega), ":", color="green", lw=2,
            label=rf"Eq. (46), $\Gamma={ratios[0]:g}\Delta$")
    ax.set_xlabel(r"$\omega/\Omega$")
    ax.set_ylabel(r"$\mathcal{T}(\omega)$")
    ax.set_xlim(x[0], x[-1])
    ax.set_ylim(0, None)
    ax.legend(frameon=False)
    fig.tight_layout()
    return fig


def fig4_data(panel, n_exact=41, n_epa=401, t_end=5.0):
    """Exact points and EPA lines of Fig. 4 for panel "a" or "b" (parameters FIG4_PARAMS).

    Returns dict with model, baths, Gamma t grids gt_exact (n_exact,), gt_epa (n_epa,), the
    correlation matrices C_exact, C_epa (..., 2, 2) and deviation (n_exact,) = max_jk |C - C_EPA|.
    """
    if panel not in FIG4_PARAMS:
        raise ValueError(f"panel must be 'a' or 'b', got {panel!r}")
    prm = FIG4_PARAMS[panel]
    return _vacuum_dynamics(Model(**prm["model"]), Baths(**prm["baths"]), n_exact, n_epa, t_end)


def fig4_dynamics(panels=("a", "b"), data=None):
    """Fig. 4: C_jk(t) from the vacuum, exact (points) and EPA (lines), with their deviation below."""
    data = data or {p: fig4_data(p) for p in panels}
    fig, axes = plt.subplots(2, len(panels), figsize=(5.2 * len(panels), 5.8), sharex=True,
                             gridspec_kw=dict(height_ratios=(3, 1)), squeeze=False)
    for col, p in enumerate(panels):
        _draw_components(axes[0, col], data[p])
        axes[0, col].set_title(f"({p})")
        _draw_deviation(axes[1, col], data[p])
    components = axes[0, 0].legend(frameon=False, ncol=2, fontsize=8, loc="upper left")
    axes[0, 0].add_artist(components)
    _exact_epa_key(axes[0, -1], fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


def fig5_data(n=201, choices=FIG5_CHOICES):
    """nu_inf / Gamma maps of Fig. 5: (a), (b) over mu_L x mu_R at T_a, T_b; (c) over T_L x T_R at mu_c."""
    m = Model(**FIG5_PARAMS)
    mu = np.linspace(*choices["mu_range"], n)
    T = np.geomspace(*choices["T_range"], n)
    return dict(model=m, mu=mu, T=T,
                a=nu_map_mu(m, mu, mu, choices["T_a"]) / m.Gamma,
                b=nu_map_mu(m, mu, mu, choices["T_b"]) / m.Gamma,
                c=nu_map_T(m, T, T, choices["mu_c"]) / m.Gamma, choices=choices)


def _mark_levels(ax, m, color="w"):
    for E in m.E:
        ax.axvline(E, color=color, ls=":", lw=1)
        ax.axhline(E, color=color, ls=":", lw=1)


def fig5_anm(data=None, n=201):
    """Fig. 5: asymptotic non-Markovianity nu_inf/Gamma, three panels, E_1,2 marked by dotted lines."""
    d = data or fig5_data(n)
    m, ch = d["model"], d["choices"]
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.9))
    for ax, key, title in ((axes[0], "a", rf"(a) $T_L=T_R={ch['T_a']:g}$"),
                           (axes[1], "b", rf"(b) $T_L=T_R={ch['T_b']:g}$")):
        im = ax.pcolormesh(d["mu"], d["mu"], d[key].T, shading="auto", cmap="viridis")
        _mark_levels(ax, m)
        ax.set_xlabel(r"$\mu_L$")
        ax.set_ylabel(r"$\mu_R$")
        ax.set_title(title)
        fig.colorbar(im, ax=ax, label=r"$\nu_\infty/\Gamma$")
    ax = axes[2]
    im = ax.pcolormesh(d["T"], d["T"], d["c"].T, shading="auto", cmap="viridis")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$T_L$")
    ax.set_ylabel(r"$T_R$")
    ax.set_title(rf"(c) $\mu_L=\mu_R={ch['mu_c']:g}$")
    fig.colorbar(im, ax=ax, label=r"$\nu_\infty/\Gamma$")
    fig.tight_layout()
    return fig


def fig5_anm_log(data=None, n=201, floor=1e-4):
    """Companion of Fig. 5(a): nu_inf/Gamma on a logarithmic colour scale.

    A linear scale hides how far the map is positive: nu_inf is small but non-zero almost everywhere
    off the diagonal, also where both chemical potentials lie outside the levels.  Values below
    `floor` (in units of Gamma) are clipped to it; exact zeros (the equilibrium diagonal) are grey.
    """
    d = data or fig5_data(n)
    m, ch = d["model"], d["choices"]
    A = np.ma.masked_less_equal(d["a"], 0.0)
    cmap = plt.get_cmap("viridis").copy()
    cmap.set_bad("0.6")
    fig, ax = plt.subplots(figsize=(5.4, 4.3))
    im = ax.pcolormesh(d["mu"], d["mu"], np.ma.maximum(A, floor).T, shading="auto", cmap=cmap,
                       norm=colors.LogNorm(vmin=floor, vmax=max(float(A.max()), 10 * floor)))
    _mark_levels(ax, m)
    ax.set_xlabel(r"$\mu_L$")
    ax.set_ylabel(r"$\mu_R$")
    ax.set_aspect("equal")
    ax.set_title(rf"(a) on a log scale, $T_L=T_R={ch['T_a']:g}$ (grey: $\nu_\infty=0$)", fontsize=10)
    fig.colorbar(im, ax=ax, label=r"$\nu_\infty/\Gamma$")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- diagrams of the appendices

def _arrow(ax, xy_from, xy_to, color="k", lw=1.5, ms=12, **kw):
    ax.annotate("", xy=xy_to, xytext=xy_from,
                arrowprops=dict(arrowstyle="-|>", color=color, lw=lw, mutation_scale=ms,
                                shrinkA=0, shrinkB=0, **kw))


def fig6_network(nx=6, ny=4):
    """Fig. 6 (App. A): a network S whose boundary regions V_1, V_2 couple to reservoirs B_1, B_2.

    Red arrows: a loop current, allowed in an energy eigenstate by the constraint (A10).
    Blue arrows: a source-to-sink current, which violates (A10) on the boundary sites and so
    needs coherence in the energy eigenbasis.
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    X, Y = np.meshgrid(np.arange(nx), np.arange(ny))
    for x in range(nx):
        ax.plot([x, x], [0, ny - 1], color="0.75", lw=1, zorder=1)
    for y in range(ny):
        ax.plot([0, nx - 1], [y, y], color="0.75", lw=1, zorder=1)
    ax.plot(X, Y, "o", color="0.3", ms=6, zorder=3)
    for x0, name in ((0, "V_1"), (nx - 1, "V_2")):
        ax.add_patch(plt.Rectangle((x0 - 0.3, -0.35), 0.6, ny - 0.3, color="C1", alpha=0.18, zorder=0))
        ax.text(x0, -0.45, f"${name}$", ha="center", va="top", fontsize=11)
    for xc, name in ((-1.6, "B_1"), (nx - 0.4, "B_2")):
        ax.add_patch(plt.Rectangle((xc, 0), 1.0, ny - 1, color="0.55", alpha=0.35, zorder=0))
        ax.text(xc + 0.5, (ny - 1) / 2, f"${name}$", ha="center", va="center", fontsize=13)
    for y in range(ny):                                   # couplings to the reservoirs
        ax.plot([-0.6, 0], [y, y], color="0.4", lw=1, ls="--", zorder=1)
        ax.plot([nx - 1, nx - 0.4], [y, y], color="0.4", lw=1, ls="--", zorder=1)
    # red: a circulating loop around one plaquette (allowed in an eigenstate)
    cx, cy = 2, 0
    loop = [(cx, cy), (cx + 1, cy), (cx + 1, cy + 1), (cx, cy + 1), (cx, cy)]
    for p, q in zip(loop[:-1], loop[1:]):
        a = (0.8 * p[0] + 0.2 * q[0], 0.8 * p[1] + 0.2 * q[1])
        b = (0.2 * p[0] + 0.8 * q[0], 0.2 * p[1] + 0.8 * q[1])
        _arrow(ax, a, b, color="C3", lw=2)
    # blue: source-to-sink current from V_1 to V_2 along one row
    yb = ny - 1
    for x in range(nx - 1):
        _arrow(ax, (x + 0.2, yb), (x + 0.8, yb), color="C0", lw=2)
    _arrow(ax, (-0.55, yb), (-0.05, yb), color="C0", lw=2)
    _arrow(ax, (nx - 0.95, yb), (nx - 0.45, yb), color="C0", lw=2)
    ax.set_xlim(-1.8, nx + 0.8)
    ax.set_ylim(-1.0, ny - 0.4)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("network $S$: loop current (red) and boundary-driven current (blue)", fontsize=10)
    fig.tight_layout()
    return fig


def fig7_contours(Omega=1.0):
    """Fig. 7 (App. B): contours of the inverse Laplace transform (B10) in the complex z plane.

    Panel (a) shows the Bromwich line C_1 to the right of the branch cut [-i Omega, i Omega] (thick
    red).  Panel (b) shows the closed contour: C_1, the large arcs C_3 and C_5, the channel C_4 along the negative
    real axis, and C_2 around the cut (clockwise).  It encloses no singularity, and C_3 + C_4 + C_5
    vanish as R -> infinity, eps -> 0, so int_{C_1} = -int_{C_2}.
    """
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
    Rr, c, eps = 2.2 * Omega, 0.45 * Omega, 0.12 * Omega
    for ax, title in zip(axes, ("(a)", "(b)")):
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.plot([0, 0], [-Omega, Omega], color="red", lw=4, solid_capstyle="butt", zorder=3)
        ax.plot([0, 0], [-Omega, Omega], "o", color="red", ms=5, zorder=4)
        ax.text(-0.25 * Omega, Omega, r"$+i\Omega$", ha="right", va="center", fontsize=9)
        ax.text(-0.25 * Omega, -Omega, r"$-i\Omega$", ha="right", va="center", fontsize=9)
        ax.set_xlim(-1.25 * Rr, 1.25 * Rr)
        ax.set_ylim(-1.25 * Rr, 1.25 * Rr)
        ax.set_aspect("equal")
        ax.set_xlabel(r"$\mathrm{Re}\,z$")
        ax.set_ylabel(r"$\mathrm{Im}\,z$")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, loc="left")
    ax = axes[0]
    ax.plot([c, c], [-1.2 * Rr, 1.2 * Rr], color="C0", lw=2)
    _arrow(ax, (c, -0.2), (c, 0.35), color="C0")
    ax.text(c + 0.08, 0.6 * Rr, "$C_1$", color="C0", fontsize=12)
    ax = axes[1]
    h = np.sqrt(Rr ** 2 - c ** 2)
    ax.plot([c, c], [-h, h], color="C0", lw=2)                       # C_1
    _arrow(ax, (c, -0.2), (c, 0.35), color="C0")
    ax.text(c + 0.08, 0.45 * Rr, "$C_1$", color="C0", fontsize=12)
    a0, a1 = np.arctan2(h, c), np.pi - np.arcsin(eps / Rr)
    th = np.linspace(a0, a1, 100)
    ax.plot(Rr * np.cos(th), Rr * np.sin(th), color="C2", lw=2)      # C_3
    _arrow(ax, (Rr * np.cos(1.9), Rr * np.sin(1.9)), (Rr * np.cos(2.0), Rr * np.sin(2.0)), color="C2")
    ax.text(-0.9 * Rr, 0.85 * Rr, "$C_3$", color="C2", fontsize=12)
    th = np.linspace(-a1, -a0, 100)
    ax.plot(Rr * np.cos(th), Rr * np.sin(th), color="C2", lw=2)      # C_5
    _arrow(ax, (Rr * np.cos(-2.0), Rr * np.sin(-2.0)), (Rr * np.cos(-1.9), Rr * np.sin(-1.9)), color="C2")
    ax.text(-0.9 * Rr, -0.95 * Rr, "$C_5$", color="C2", fontsize=12)
    xl = -Rr * np.cos(np.arcsin(eps / Rr))
    for s in (1, -1):                                                  # C_4: the two channel lines
        ax.plot([xl, -eps], [s * eps, s * eps], color="C4", lw=2)
    _arrow(ax, (-0.7 * Rr, eps), (-0.55 * Rr, eps), color="C4")
    _arrow(ax, (-0.55 * Rr, -eps), (-0.7 * Rr, -eps), color="C4")
    ax.text(-0.62 * Rr, 0.25 * Omega, "$C_4$", color="C4", fontsize=12)
    # C_2: a racetrack around the cut, traversed clockwise, open where the channel joins
    th = np.linspace(0, np.pi, 60)
    top = np.column_stack([eps * np.cos(th), Omega + eps * np.sin(th)])
    bot = np.column_stack([-eps * np.cos(th), -Omega - eps * np.sin(th)])
    path = np.vstack([[[-eps, eps], [-eps, Omega]], top[::-1], [[eps, Omega], [eps, -Omega]],
                      bot[::-1], [[-eps, -Omega], [-eps, -eps]]])
    ax.plot(path[:, 0], path[:, 1], color="C1", lw=2)
    _arrow(ax, (-eps, 0.45 * Omega), (-eps, 0.6 * Omega), color="C1")
    _arrow(ax, (eps, 0.1 * Omega), (eps, -0.05 * Omega), color="C1")
    ax.text(0.25 * Omega, -0.55 * Omega, "$C_2$", color="C1", fontsize=12)
    ax.plot([0, Rr * np.cos(2.6)], [0, Rr * np.sin(2.6)], color="0.4", lw=0.8, ls="--")
    ax.text(0.5 * Rr * np.cos(2.6), 0.5 * Rr * np.sin(2.6) + 0.12, "$R$", fontsize=11)
    fig.tight_layout()
    return fig


def fig8_contour(m=None, j=0):
    """Fig. 8 (App. E): the contour behind the EPA in the complex omega plane.

    The band integral (24) along [-Omega, Omega] is closed by the lower semicircle C_err of radius
    Omega (traversed from +Omega to -Omega, so the closed loop runs clockwise).  The loop encloses
    the pole of the continued phi_j at E'_j - i Gamma_j/2 (solid circle), whose residue gives the
    EPA term; the arc gives err_j(t) of Eq. (E3).  The square root of J_N is continued with its
    principal branch, whose cuts run along the real axis outside the band (thin red).  The default
    model exaggerates Gamma/Omega so that the pole is visible.
    """
    if m is None:
        m = Model(h=3.5, delta=0.5, g=0.5, Gamma=1.5, Omega=10.0)
    Om = m.Omega
    w0 = m.E_shifted[j] - 0.5j * m.Gamma_j[j]
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.axhline(0, color="0.6", lw=0.8)
    ax.axvline(0, color="0.6", lw=0.8)
    for s in (1, -1):
        ax.plot([s * Om, s * 1.3 * Om], [0, 0], color="red", lw=2.5)
    ax.plot([-Om, Om], [0, 0], color="C0", lw=2.5)
    _arrow(ax, (-0.1 * Om, 0), (0.1 * Om, 0), color="C0", ms=16)
    th = np.linspace(0, np.pi, 200)
    ax.plot(Om * np.cos(th), -Om * np.sin(th), color="C1", lw=2.5)
    _arrow(ax, (Om * np.cos(1.45), -Om * np.sin(1.45)), (Om * np.cos(1.7), -Om * np.sin(1.7)),
           color="C1", ms=16)
    ax.text(0.62 * Om, -0.85 * Om, r"$C_{\rm err}$", color="C1", fontsize=13)
    ax.plot([w0.real], [w0.imag], "o", color="k", ms=8)
    ax.annotate(r"pole $E'_j - i\Gamma_j/2$", (w0.real, w0.imag), (w0.real + 0.12 * Om, w0.imag - 0.28 * Om),
                arrowprops=dict(arrowstyle="-", color="0.3"), fontsize=10)
    ax.text(Om, 0.06 * Om, r"$\Omega$", ha="center", fontsize=11)
    ax.text(-Om, 0.06 * Om, r"$-\Omega$", ha="center", fontsize=11)
    ax.set_xlim(-1.35 * Om, 1.35 * Om)
    ax.set_ylim(-1.15 * Om, 0.3 * Om)
    ax.set_aspect("equal")
    ax.set_xlabel(r"$\mathrm{Re}\,\omega$")
    ax.set_ylabel(r"$\mathrm{Im}\,\omega$")
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- diagrams of Secs. II-III (chapters 2, 3)

__all__ += ["fig1_network", "fig2_model"]


def _site(ax, xy, label=None, color="0.3", r=0.22, fc="white", fontsize=11, zorder=4):
    ax.add_patch(plt.Circle(xy, r, ec=color, fc=fc, lw=1.6, zorder=zorder))
    if label:
        ax.text(xy[0], xy[1], label, ha="center", va="center", fontsize=fontsize, zorder=zorder + 1)


def _reservoir(ax, xy, w, h, label, color="0.55"):
    ax.add_patch(plt.Rectangle((xy[0] - w / 2, xy[1] - h / 2), w, h, color=color, alpha=0.3, zorder=0))
    ax.text(xy[0], xy[1], label, ha="center", va="center", fontsize=11)


def fig1_network():
    """Fig. 1 (Sec. II): an open network S of coupled sites, parts of its boundary attached to reservoirs B_alpha.

    A schematic only: each reservoir has its own temperature T_alpha and chemical potential mu_alpha, and
    exchanges energy and particles with the sites it touches (currents J_alpha into S).
    """
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    sites = np.array([[0.0, 0.0], [1.0, 0.6], [1.0, -0.6], [2.0, 0.0], [3.0, 0.6], [3.0, -0.6], [2.0, 1.2]])
    bonds = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (3, 4), (3, 5), (4, 5), (1, 6), (6, 4)]
    ax.add_patch(plt.Rectangle((-0.45, -1.05), 3.9, 2.6, fc="C0", alpha=0.08, ec="C0", ls="--", zorder=0))
    ax.text(3.4, 1.4, "$S$", ha="right", va="top", fontsize=13, color="C0")
    for i, k in bonds:
        ax.plot(*sites[[i, k]].T, color="0.5", lw=1.2, zorder=1)
    for p in sites:
        _site(ax, p, r=0.13, fc="0.85")
    reservoirs = [((-1.6, 0.0), 0, r"$B_1$" "\n" r"$T_1,\ \mu_1$"),
                  ((4.6, 1.0), 4, r"$B_2$" "\n" r"$T_2,\ \mu_2$"),
                  ((4.6, -1.0), 5, r"$B_3$" "\n" r"$T_3,\ \mu_3$")]
    for xy, i, label in reservoirs:
        _reservoir(ax, xy, 1.2, 0.9, label)
        a = np.array(xy) + np.sign(sites[i, 0] - xy[0]) * np.array([0.62, 0.0])
        b = sites[i] - 0.18 * (sites[i] - a) / np.linalg.norm(sites[i] - a)
        _arrow(ax, a, b, color="C3", lw=1.6)
        mid = (a + b) / 2
        ax.text(mid[0], mid[1] + 0.1, rf"$J_{label[3]}$", color="C3", fontsize=10, ha="center", va="bottom")
    ax.set_xlim(-2.3, 5.3)
    ax.set_ylim(-1.6, 1.7)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.tight_layout()
    return fig


def fig2_model():
    """Fig. 2 (Sec. III A): (a) the two-site system and its reservoirs; (b) the reservoirs as tight-binding chains.

    (a) Sites L and R with energies h_L, h_R and tunnelling g; reservoir B_alpha at T_alpha, mu_alpha feeds
    the currents J^{E,P}_alpha into S.  (b) Each reservoir is a chain A_{1,alpha}, A_{2,alpha}, ... with
    tunnelling energy Omega; the contact bond has tunnelling energy sqrt(Gamma Omega).  (The Hamiltonians
    (11) and (14) carry these as Omega/2 and sqrt(Gamma Omega)/2.)
    """
    fig, (ax, bx) = plt.subplots(2, 1, figsize=(7.2, 3.9), gridspec_kw=dict(height_ratios=(1.15, 1)))
    # (a) system and reservoirs
    L, R = np.array([-0.8, 0.0]), np.array([0.8, 0.0])
    ax.plot([L[0], R[0]], [0, 0], color="0.3", lw=1.6, zorder=1)
    ax.text(0, 0.12, "$g$", ha="center", va="bottom", fontsize=12)
    _site(ax, L, "$h_L$", r=0.32)
    _site(ax, R, "$h_R$", r=0.32)
    ax.add_patch(plt.Rectangle((-1.35, -0.55), 2.7, 1.1, fc="C0", alpha=0.08, ec="C0", ls="--", zorder=0))
    ax.text(1.3, 0.5, "$S$", ha="right", va="top", fontsize=12, color="C0")
    _reservoir(ax, (-3.1, 0.0), 1.5, 1.1, r"$B_L$" "\n" r"$T_L,\ \mu_L$")
    _reservoir(ax, (3.1, 0.0), 1.5, 1.1, r"$B_R$" "\n" r"$T_R,\ \mu_R$")
    ax.plot([-2.35, -1.12], [0, 0], color="0.3", lw=1.2, ls="--", zorder=1)
    ax.plot([1.12, 2.35], [0, 0], color="0.3", lw=1.2, ls="--", zorder=1)
    _arrow(ax, (-2.3, 0.3), (-1.35, 0.3), color="C3")
    _arrow(ax, (2.3, 0.3), (1.35, 0.3), color="C3")
    ax.text(-1.82, 0.36, r"$J^{E,P}_L$", color="C3", ha="center", va="bottom", fontsize=10)
    ax.text(1.82, 0.36, r"$J^{E,P}_R$", color="C3", ha="center", va="bottom", fontsize=10)
    ax.set_xlim(-4.0, 4.0)
    ax.set_ylim(-0.75, 0.95)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("(a)", loc="left", fontsize=11)
    # (b) chains
    x_sys = (-0.5, 0.5)
    n_lead = 4
    xs_L = [-1.5 - k for k in range(n_lead)]
    xs_R = [1.5 + k for k in range(n_lead)]
    for xs, side in ((xs_L, "L"), (xs_R, "R")):
        for k, x in enumerate(xs):
            if k + 1 < len(xs):
                bx.plot([x, xs[k + 1]], [0, 0], color="0.5", lw=1.4, zorder=1)
                bx.text((x + xs[k + 1]) / 2, 0.1, r"$\Omega$", ha="center", va="bottom", fontsize=10)
            _site(bx, (x, 0), r=0.2, fc="0.85")
            bx.text(x, -0.3, rf"$A_{{{k + 1},{side}}}$", ha="center", va="top", fontsize=9)
        end = xs[-1] + (0.9 if side == "R" else -0.9)
        bx.text(end, 0, r"$\cdots$", ha="center", va="center", fontsize=13)
    for xc, xa in ((x_sys[0], xs_L[0]), (x_sys[1], xs_R[0])):
        bx.plot([xc, xa], [0, 0], color="C1", lw=1.8, zorder=1)
        bx.text((xc + xa) / 2, 0.1, r"$\sqrt{\Gamma\Omega}$", ha="center", va="bottom", fontsize=10, color="C1")
    bx.plot(list(x_sys), [0, 0], color="0.3", lw=1.6, zorder=1)
    bx.text(0, 0.1, "$g$", ha="center", va="bottom", fontsize=11)
    _site(bx, (x_sys[0], 0), "$c_L$", r=0.24, fontsize=10)
    _site(bx, (x_sys[1], 0), "$c_R$", r=0.24, fontsize=10)
    bx.text(-3.0, 0.62, "$B_L$", ha="center", fontsize=11)
    bx.text(3.0, 0.62, "$B_R$", ha="center", fontsize=11)
    bx.set_xlim(-6.0, 6.0)
    bx.set_ylim(-0.7, 0.9)
    bx.set_aspect("equal")
    bx.axis("off")
    bx.set_title("(b)", loc="left", fontsize=11)
    fig.tight_layout()
    return fig
# --------------------------------------------------------------------------- Sec. IV-V companions (chapters 4, 5)

__all__ += ["generator_departure_data", "fig_generator_departure", "fig5_mu_scan_data", "fig5_mu_scan"]


def generator_departure_data(panel="a", gt=None):
    """Exact gain matrix Lambda^+(t) of Eq. (47) against the EPA (54) up to late times, Fig. 4 parameters.

    The exact propagator G_j(t) carries a band-edge tail ~ t^{-3/2} that outlives the pole term
    p_j exp(-i E'_j t - Gamma_j t/2); G^{-1} in (47) then amplifies it and the exact generator leaves
    its plateau (book, chapter on Sec. IV).  Returns the Gamma t grid, both Lambda^+, their largest
    element-wise deviation, and |G_j|, the pole term and the tail |G_j - pole| (shape (2, nt)).
    """
    import warnings
    from .epa import lambda_plus
    from .exact import tcl_generator
    from .spectral import propagator, residue_weight
    prm = FIG4_PARAMS[panel]
    m, b = Model(**prm["model"]), Baths(**prm["baths"])
    gt = np.geomspace(0.05, 50.0, 40) if gt is None else np.asarray(gt, float)
    t = gt / m.Gamma
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)    # the tail warning is the point here
        gen = tcl_generator(m, b, t)
    Lp_epa = lambda_plus(m, b, t)
    G = propagator(m, t)
    pole = residue_weight(m)[:, None] * np.exp(-1j * np.multiply.outer(m.E_shifted - 0.5j * m.Gamma_j, t))
    k = 1j * np.diagonal(gen.H, axis1=-2, axis2=-1) + 0.5 * np.diagonal(gen.Gamma, axis1=-2, axis2=-1)
    k_epa = 1j * m.E_shifted + 0.5 * m.Gamma_j                   # -G^{-1} dG/dt of the EPA (53)
    return dict(model=m, baths=b, gt=gt, Lambda_plus=gen.Lambda_plus, Lambda_plus_epa=Lp_epa,
                deviation=np.abs(gen.Lambda_plus - Lp_epa).max(axis=(-1, -2)),
                rate_deviation=np.abs(k - k_epa).max(axis=-1),
                G=np.abs(G), pole=np.abs(pole), tail=np.abs(G - pole))


def fig_generator_departure(data=None):
    """Late-time departure of the exact generator (47): (a) pole term and band-edge tail of |G_j(t)|;
    (b) max |Lambda^+(t) - Lambda^+_EPA(t)| on log axes."""
    d = data or generator_departure_data()
    gt = d["gt"]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.8))
    m = d["model"]
    ax.semilogy(gt, d["pole"][0], "-", color="C0", label=r"pole term $|p_1e^{-iE'_1t-\Gamma_1t/2}|$")
    ax.semilogy(gt, d["tail"][0], ":", color="C0", lw=2, label=r"tail $|G_1-\mathrm{pole}|$")
    ax.semilogy(gt, m.Omega / abs(m.E_shifted[0] - 0.5j * m.Gamma_j[0]) * d["tail"][0], "--", color="C3",
                lw=1, label=r"tail $\times\,\Omega/|E'_1-i\Gamma_1/2|$")
    ax.set_xlabel(r"$\Gamma t$")
    ax.set_ylabel("magnitude")
    ax.set_title("(a) exact propagator $G_1(t)$", fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    bx.loglog(gt, d["deviation"], "k.-", label=r"$\max|\Lambda^+(t)-\Lambda^+_{\rm EPA}(t)|$")
    bx.loglog(gt, d["rate_deviation"], ".-", color="C3",
              label=r"$\max_j|(i\mathbf{H}+\frac{1}{2}\boldsymbol{\Gamma})_{jj}-(iE'_j+\frac{1}{2}\Gamma_j)|$")
    bx.axhline(m.Gamma * m.Gamma / m.Omega, color="0.6", ls="--", lw=1, label=r"$\Gamma\cdot\Gamma/\Omega$")
    bx.set_xlabel(r"$\Gamma t$")
    bx.set_ylabel("deviation")
    bx.set_title("(b) exact generator (47) against the EPA", fontsize=10)
    bx.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def fig5_mu_scan_data(mu_c=None, T=None, params=FIG5_PARAMS, choices=FIG5_CHOICES):
    """Largest nu_inf/Gamma over a T_L x T_R grid (Fig. 5(c)'s window) as a function of mu_L = mu_R = mu_c.

    Default mu_c: 41 points on Fig. 5's mu range plus 13 points within +-3 Gamma of E_2.
    Returns dict(model, mu_c, T, nu_max (len(mu_c),), argmax_T (len(mu_c), 2)).
    """
    from .anm import nu_infinity
    m = Model(**params)
    if mu_c is None:
        mu_c = np.unique(np.concatenate([np.linspace(*choices["mu_range"], 41),
                                         m.E[1] + m.Gamma * np.linspace(-3, 3, 13)]))
    if T is None:
        T = np.geomspace(*choices["T_range"], 31)
    mu_c, T = np.asarray(mu_c, float), np.asarray(T, float)
    nu = nu_infinity(m, Baths(T[None, :, None], T[None, None, :], mu_c[:, None, None],
                              mu_c[:, None, None])) / m.Gamma
    flat = nu.reshape(len(mu_c), -1)
    i, k = np.unravel_index(flat.argmax(axis=1), nu.shape[1:])
    return dict(model=m, mu_c=mu_c, T=T, nu_max=flat.max(axis=1), argmax_T=np.stack([T[i], T[k]], -1))


def fig5_mu_scan(data=None):
    """max over (T_L, T_R) of nu_inf/Gamma against the common chemical potential mu_c; E_1,2 dotted."""
    d = data or fig5_mu_scan_data()
    m, mu, y = d["model"], d["mu_c"], d["nu_max"]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(10, 3.6))
    ax.plot(mu, y, "k.-", ms=4)
    for E in m.E:
        ax.axvline(E, color="0.5", ls=":", lw=1)
    ax.set_xlabel(r"$\mu_L=\mu_R=\mu_c$")
    ax.set_ylabel(r"$\max_{T_L,T_R}\,\nu_\infty/\Gamma$")
    ax.set_title("(a) thermally driven ANM against $\\mu_c$", fontsize=10)
    near = np.abs(mu - m.E[1]) <= 3.01 * m.Gamma
    bx.plot((mu[near] - m.E[1]) / m.Gamma, y[near], "k.-")
    bx.axvline(0, color="0.5", ls=":", lw=1)
    bx.set_xlabel(r"$(\mu_c-E_2)/\Gamma$")
    bx.set_ylabel(r"$\max_{T_L,T_R}\,\nu_\infty/\Gamma$")
    bx.set_title("(b) zoom on $E_2$", fontsize=10)
    fig.tight_layout()
    return fig




# =========================================================================== the explorers
# Each explorer: <NAME>_DEFAULTS (its parameters, in one place), <name>_data(**params) -> dict,
# <name>_figure(data) -> Figure, <name>_readout(data) -> str.  nadlib.widgets adds the sliders.

__all__ += ["EXPLORERS", "TRANSMISSION_DEFAULTS", "DYNAMICS_DEFAULTS", "ANM_MAP_DEFAULTS", "RATES_DEFAULTS",
            "BLOCH_DEFAULTS",
            "transmission_data", "transmission_figure", "transmission_readout",
            "dynamics_data", "dynamics_figure", "dynamics_readout",
            "anm_map_data", "anm_map_figure", "anm_map_readout",
            "rates_data", "rates_figure", "rates_readout",
            "bloch_data", "bloch_figure", "bloch_readout",
            "MASTER_EQUATIONS_DEFAULTS", "MASTER_EQUATIONS_AXES", "MASTER_EQUATIONS_QUANTITIES",
            "master_equations_data", "master_equations_figure", "master_equations_readout"]

# --------------------------------------------------------------------------- transmission (Fig. 3)

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


def transmission_data(**params):
    """T(w) of Eq. (45) and its weak-coupling form (46) for Gamma = Gamma_ratio * Delta.

    Parameters: those of TRANSMISSION_DEFAULTS.  The frequency window is h +- (Delta + 2 Gamma),
    clipped to the band.

    Returns
    -------
    dict with model, Gamma_ratio, w (n,), T, T_weak, peaks [(w, T(w)), ...] of the exact curve,
    max_weak_error = max |T - T_weak|, weak_height = g^2 / (2 pi Delta^2)
    """
    p = _params(TRANSMISSION_DEFAULTS, params, "transmission_data")
    Delta = float(np.hypot(p["g"], p["delta"]))
    m = Model(h=p["h"], delta=p["delta"], g=p["g"], Gamma=p["Gamma_ratio"] * Delta, Omega=p["Omega"])
    half = Delta + 2 * m.Gamma
    w = np.linspace(max(-m.Omega, m.h - half), min(m.Omega, m.h + half), int(p["n"]))
    T = transmission(m, w)
    Tw = transmission_weak(m, w)
    return dict(model=m, Gamma_ratio=float(p["Gamma_ratio"]), w=w, T=T, T_weak=Tw,
                peaks=_local_maxima(w, T), max_weak_error=float(np.max(np.abs(T - Tw))),
                weak_height=m.g ** 2 / (2 * np.pi * m.Delta ** 2))


def transmission_figure(data):
    """T(w) (Eq. (45), solid) and Eq. (46) (green dotted) against w/Omega; E'_j dotted. Returns a Figure."""
    d = data
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


def transmission_readout(data):
    """HTML readout: Gamma, the peaks of T(w) (position w/Omega and height), the error of (46)."""
    d, m = data, data["model"]
    peaks = "; ".join(f"&omega;/&Omega; = {w / m.Omega:.4f}, T = {_g(t)}" for w, t in d["peaks"])
    return (f"&Gamma; = {_g(m.Gamma)} ({_g(d['Gamma_ratio'])} &Delta;), &Delta; = {_g(m.Delta)}. "
            f"Peaks of T(&omega;): {peaks or 'none'}. "
            f"max |T &minus; T<sub>(46)</sub>| = {_g(d['max_weak_error'], 2)}")


# --------------------------------------------------------------------------- dynamics (Fig. 4)

#: Defaults of the dynamics explorer (Fig. 4(a) at Omega = 10 to keep an update fast; Gamma/Omega = 0.02).
DYNAMICS_DEFAULTS = dict(Gamma_over_Omega=0.02, h=1.0, delta=0.1, g=0.5, Omega=10.0,
                         T_L=0.1, T_R=0.1, mu_L=1.0, mu_R=0.0, n_exact=30, n_epa=200, t_end=5.0)


def dynamics_data(**params):
    """Exact C(t) (points, Eqs. (29)-(30)) and EPA C(t) (lines, Eq. (53)) from the vacuum, Gamma t in [0, t_end].

    Parameters: those of DYNAMICS_DEFAULTS (Gamma = Gamma_over_Omega * Omega).

    Returns
    -------
    dict with model, baths, gt_exact (n_exact,), gt_epa (n_epa,), C_exact, C_epa (..., 2, 2),
    deviation (n_exact,) = max_jk |C_exact - C_epa| at the exact points (as `fig4_data`)
    """
    p = _params(DYNAMICS_DEFAULTS, params, "dynamics_data")
    m = Model(h=p["h"], delta=p["delta"], g=p["g"], Gamma=p["Gamma_over_Omega"] * p["Omega"], Omega=p["Omega"])
    b = Baths(T_L=p["T_L"], T_R=p["T_R"], mu_L=p["mu_L"], mu_R=p["mu_R"])
    return _vacuum_dynamics(m, b, p["n_exact"], p["n_epa"], p["t_end"])


def dynamics_figure(data):
    """C_jk(t) against Gamma t, exact points and EPA lines, deviation below (one panel of Fig. 4). A Figure."""
    d = data
    m = d["model"]
    fig, (ax, axd) = plt.subplots(2, 1, figsize=(6.4, 4.9), sharex=True, gridspec_kw=dict(height_ratios=(3, 1)))
    _draw_components(ax, d)
    ax.set_title(rf"$\Gamma/\Omega={m.Gamma / m.Omega:.3g}$ ($\Omega={m.Omega:g}$)", fontsize=10)
    components = ax.legend(frameon=False, ncol=2, fontsize=8, loc="upper left")
    ax.add_artist(components)
    _exact_epa_key(ax, fontsize=8, loc="center right")
    _draw_deviation(axd, d)
    fig.tight_layout()
    return fig


def dynamics_readout(data):
    """HTML readout: Gamma, Gamma/Omega and the largest exact-vs-EPA deviation with its time."""
    d, m = data, data["model"]
    k = int(np.argmax(d["deviation"]))
    return (f"&Gamma; = {_g(m.Gamma)}, &Gamma;/&Omega; = {_g(m.Gamma / m.Omega)}. "
            f"max<sub>t,jk</sub> |C<sub>jk</sub> &minus; C<sup>EPA</sup><sub>jk</sub>| = "
            f"{_g(d['deviation'][k], 2)} at &Gamma;t = {d['gt_exact'][k]:.2f}")


# --------------------------------------------------------------------------- ANM map (Fig. 5)

#: Defaults of the ANM-map explorer (Fig. 5's model; mu_L, mu_R in [0, 2] on a 101 x 101 grid).
ANM_MAP_DEFAULTS = dict(T=0.01, h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0, mu_range=(0.0, 2.0), n=101)


def anm_map_data(**params):
    """nu_inf / Gamma (Eq. (82), EPA rates (55)) on the mu_L x mu_R grid at T_L = T_R = T.

    Parameters: those of ANM_MAP_DEFAULTS.

    Returns
    -------
    dict with model, T, mu (n,), nu (n, n) = nu_inf / Gamma indexed [mu_L, mu_R], argmax (mu_L, mu_R)
    """
    p = _params(ANM_MAP_DEFAULTS, params, "anm_map_data")
    m = Model(h=p["h"], delta=p["delta"], g=p["g"], Gamma=p["Gamma"], Omega=p["Omega"])
    mu = np.linspace(p["mu_range"][0], p["mu_range"][1], int(p["n"]))
    nu = nu_map_mu(m, mu, mu, p["T"]) / m.Gamma
    i, k = np.unravel_index(int(np.argmax(nu)), nu.shape)
    return dict(model=m, T=float(p["T"]), mu=mu, nu=nu, argmax=(float(mu[i]), float(mu[k])))


def anm_map_figure(data):
    """Colour map of nu_inf / Gamma over (mu_L, mu_R) with E_1, E_2 as white dotted lines. Returns a Figure."""
    d = data
    fig, ax = plt.subplots(figsize=(5.4, 4.4))
    vmax = max(float(d["nu"].max()), 1e-6)
    im = ax.pcolormesh(d["mu"], d["mu"], d["nu"].T, shading="auto", cmap="viridis", vmin=0, vmax=vmax)
    _mark_levels(ax, d["model"])
    ax.set_xlabel(r"$\mu_L$")
    ax.set_ylabel(r"$\mu_R$")
    ax.set_title(rf"$T_L=T_R={d['T']:.3g}$", fontsize=10)
    ax.set_aspect("equal")
    fig.colorbar(im, ax=ax, label=r"$\nu_\infty/\Gamma$")
    fig.tight_layout()
    return fig


def anm_map_readout(data):
    """HTML readout: the maximum of nu_inf / Gamma on the grid and where it is."""
    d = data
    mx = float(d["nu"].max())
    where = (f" at &mu;<sub>L</sub> = {d['argmax'][0]:.2f}, &mu;<sub>R</sub> = {d['argmax'][1]:.2f}"
             if mx > 0 else "")
    frac = float(np.mean(d["nu"] > 1e-9))
    return (f"T = {_g(d['T'])}: max &nu;<sub>&infin;</sub>/&Gamma; = {_g(mx)}{where}; "
            f"&nu;<sub>&infin;</sub> &gt; 0 on {100 * frac:.0f}% of the grid")


# --------------------------------------------------------------------------- rates (Sec. V A-B)

#: Defaults of the rates explorer (Fig. 5's model; mu_L = 1 between E_2 and E_1, mu_R = 0.2, T = 0.01).
RATES_DEFAULTS = dict(mu_L=1.0, mu_R=0.2, T=0.01, h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0)


def rates_data(**params):
    """Rates of the asymptotic dissipator's two splits at T_L = T_R = T, all divided by Gamma.

    gamma^{+-}_{alpha,j} (58), xi = Re Lambda^+_12 and eta = Im Lambda^+_12 ((66)-(67)), |Lambda^+_12|;
    local gammabar^{+-}_alpha and Lambdabar^{+-}_LR ((70)-(75)); nu_inf (82).  Parameters: those of
    RATES_DEFAULTS.

    Returns
    -------
    dict with model, baths and the rates (floats or small arrays, in units of Gamma)
    """
    p = _params(RATES_DEFAULTS, params, "rates_data")
    m = Model(h=p["h"], delta=p["delta"], g=p["g"], Gamma=p["Gamma"], Omega=p["Omega"])
    b = Baths(T_L=p["T"], T_R=p["T"], mu_L=p["mu_L"], mu_R=p["mu_R"])
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


def rates_figure(data):
    """Bar charts of the energy-basis rates, Lambda^+_12 and the local rates (units of Gamma). Returns a Figure."""
    d = data
    b = d["baths"]
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.8), gridspec_kw=dict(width_ratios=(4, 2.2, 4)))
    ax = axes[0]
    x = np.arange(4)
    ax.bar(x - 0.2, d["gamma_minus"].ravel(), 0.4, color="C0", label=r"$\gamma^-_{\alpha,j}$ (loss)")
    ax.bar(x + 0.2, d["gamma_plus"].ravel(), 0.4, color="C3", label=r"$\gamma^+_{\alpha,j}$ (gain)")
    ax.set_xticks(x, [r"$L,1$", r"$L,2$", r"$R,1$", r"$R,2$"])
    ax.set_xlabel(r"bath $\alpha$, mode $j$")
    ax.set_ylabel(r"rate $/\Gamma$")
    top = max(float(d["gamma_minus"].max()), float(d["gamma_plus"].max()), 1e-12)
    ax.set_ylim(0, 1.35 * top)                  # head room for the legend above the bars
    ax.legend(frameon=False, fontsize=8, ncol=2, loc="upper center")
    ax.set_title("energy basis, Eq. (58)", fontsize=10)
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
    ax.set_xticks(np.arange(8), names, rotation=45, ha="right", fontsize=9)
    ax.axhline(0, color="k", lw=0.6)
    ax.set_title("site basis, Eqs. (70)-(75)", fontsize=10)
    fig.suptitle(rf"$\mu_L={float(b.mu_L):.3g},\ \mu_R={float(b.mu_R):.3g},\ T_L=T_R={float(b.T_L):.3g}$"
                 rf"$\quad(\Gamma={d['model'].Gamma:g})$", fontsize=10)
    fig.tight_layout()
    return fig


def rates_readout(data):
    """HTML readout: every rate of the two splits, in units of Gamma, to 3 significant digits."""
    d = data
    gm, gp = d["gamma_minus"], d["gamma_plus"]

    def cplx(z):
        return f"{_g(z.real)} {'+' if z.imag >= 0 else '&minus;'} {_g(abs(z.imag))}i"
    rows = [
        "&gamma;<sup>&minus;</sup><sub>&alpha;,j</sub>/&Gamma; (L1, L2, R1, R2) = "
        + ", ".join(_g(v) for v in gm.ravel()),
        "&gamma;<sup>+</sup><sub>&alpha;,j</sub>/&Gamma; (L1, L2, R1, R2) = " + ", ".join(_g(v) for v in gp.ravel()),
        f"|&Lambda;<sup>+</sup><sub>12</sub>|/&Gamma; = {_g(d['abs_L12'])} (&xi;/&Gamma; = {_g(d['xi'])}, "
        f"&eta;/&Gamma; = {_g(d['eta'])}); &nu;<sub>&infin;</sub>/&Gamma; = {_g(d['nu_inf'])}",
        f"local: &gamma;&#772;<sup>&minus;</sup>/&Gamma; (L, R) = {_g(d['gamma_bar_minus'][0])}, "
        f"{_g(d['gamma_bar_minus'][1])}; &gamma;&#772;<sup>+</sup>/&Gamma; (L, R) = "
        f"{_g(d['gamma_bar_plus'][0])}, {_g(d['gamma_bar_plus'][1])}",
        f"&Lambda;&#772;<sup>+</sup><sub>LR</sub>/&Gamma; = {cplx(d['Lbar_plus_LR'])}; "
        f"&Lambda;&#772;<sup>&minus;</sup><sub>LR</sub>/&Gamma; = {cplx(d['Lbar_minus_LR'])}",
    ]
    return "<br>".join(rows)


# --------------------------------------------------------------------------- Bloch vector (App. F, Fig. 9)

#: Defaults of the Bloch explorer and of Fig. 9 (Fig. 5's h, delta, g, Omega; Gamma = 0.1 so that the
#: coherence is visible).
BLOCH_DEFAULTS = dict(mu_L=1.0, mu_R=0.2, T=0.05, Gamma=0.1, h=1.0, delta=0.0, g=0.5, Omega=10.0)


def _binary_entropy(c):
    c = np.clip(np.asarray(c, float), 1e-300, 1 - 1e-16)
    return -(c * np.log(c) + (1 - c) * np.log1p(-c))


def bloch_data(**params):
    """Bloch vector v of the EPA NESS and the flow u generated by L_int (App. F, Fig. 9).

    Parameters: those of BLOCH_DEFAULTS (T_L = T_R = T).

    Normalisation (the book's choice).  The NESS correlation matrix C (``steady_state_epa``) is
    written as C = (Tr C / 2) 1 + (1/2) v . sigma with the Pauli components of C itself, after the
    phase of d_2 is chosen so that C_12 is real and non-negative (v then lies in the xz-plane):

        v = (2 |C_12|, 0, C_11 - C_22).

    The paper's printed projections, x = C_12 and z = (C_11 - C_22)/2 (typo A14 corrected), are v/2.
    |v| is the difference of the two eigenvalues of C, so |v| <= 1, with |v| = 1 only for a
    pure Gaussian state; for fixed Tr C the von Neumann entropy of the Gaussian NESS decreases as |v|
    grows.

    The flow u = dv/dt under L_int alone is computed independently of the formula of App. F: the
    16 x 16 superoperator L_int of ``decompose`` acts on the Fock-space Gaussian NESS, and dC is read
    off the result (same gauge).  App. F predicts u = 2 (Tr[Gamma]/2 - i Delta)|C_12| in x + i y, an
    angle phi = arctan(2 Delta / Tr[Gamma]) below the x axis, and u . v >= 0.

    Returns
    -------
    dict with model, baths, C (2, 2), v (3,), u (3,), norm_v, norm_u, phi_formula, phi_flow (radians;
    nan if u = 0), dv_dt = u . v / |v|, entropy (of the Gaussian NESS), entropy_term =
    Tr[ln rho L_int rho] ((F7); nan if C has an eigenvalue too close to 0 or 1)
    """
    p = _params(BLOCH_DEFAULTS, params, "bloch_data")
    m = Model(h=p["h"], delta=p["delta"], g=p["g"], Gamma=p["Gamma"], Omega=p["Omega"])
    b = Baths(T_L=p["T"], T_R=p["T"], mu_L=p["mu_L"], mu_R=p["mu_R"])
    C = steady_state_epa(m, b)
    c12 = C[0, 1]
    phase = np.exp(-1j * np.angle(c12)) if abs(c12) > 0 else 1.0
    v = np.array([2 * abs(c12), 0.0, (C[0, 0] - C[1, 1]).real])
    # flow from the Fock-space superoperator L_int acting on the Gaussian NESS
    rho = fock.gaussian_state(0.5 * (C + C.conj().T))
    dec = decompose(m, b)
    dC = fock.correlation_from_rho(fock.unvec(dec.L_int @ fock.vec(rho)))
    du = 2 * dC[0, 1] * phase
    u = np.array([du.real, du.imag, (dC[0, 0] - dC[1, 1]).real])
    norm_v = float(np.linalg.norm(v))
    norm_u = float(np.linalg.norm(u))
    phi_formula = float(np.arctan(2 * m.Delta / m.Gamma_golden.sum()))
    phi_flow = float(abs(np.arctan2(u[1], u[0]))) if norm_u > 1e-15 else float("nan")
    ev = np.linalg.eigvalsh(0.5 * (C + C.conj().T))
    entropy = float(np.sum(_binary_entropy(ev)))
    try:
        ent_term = float(interference_entropy_term(asymptotic_rates(m, b)[0, 1], gaussian_exponent(C)))
    except ValueError:
        ent_term = float("nan")
    return dict(model=m, baths=b, C=C, v=v, u=u, norm_v=norm_v, norm_u=norm_u, phi_formula=phi_formula,
                phi_flow=phi_flow, dv_dt=float(u @ v / norm_v) if norm_v > 0 else 0.0,
                entropy=entropy, entropy_term=ent_term)


def _labelled_arrow(ax, x0, y0, dx, dy, color, label=None, lw=2, side=1.0):
    """Arrow from (x0, y0) by (dx, dy), labelled beside its middle (side = +-1 picks the side)."""
    ax.annotate("", xy=(x0 + dx, y0 + dy), xytext=(x0, y0),
                arrowprops=dict(arrowstyle="-|>", color=color, lw=lw, shrinkA=0, shrinkB=0))
    if label:
        n = np.hypot(dx, dy)
        ox, oy = (-dy / n, dx / n) if n > 0 else (0.0, 1.0)
        ax.text(x0 + 0.5 * dx + side * 0.09 * ox, y0 + 0.5 * dy + side * 0.09 * oy, label, color=color,
                fontsize=12, ha="center", va="center")


def bloch_figure(data, u_length=0.35):
    """Fig. 9 computed: v in the xz-plane (side view) and u in the xy-plane (top view). Returns a Figure.

    u is drawn with the fixed length `u_length` (its size is O(Gamma); the readout gives it).
    """
    d = data
    v, u = d["v"], d["u"]
    fig, axes = plt.subplots(1, 2, figsize=(8.4, 4.3))
    t = np.linspace(0, 2 * np.pi, 400)
    scale = u_length / d["norm_u"] if d["norm_u"] > 1e-15 else 0.0
    for ax, (i, j), (xl, yl), title in ((axes[0], (0, 2), ("x", "z"), "(a) side view, xz-plane"),
                                        (axes[1], (0, 1), ("x", "y"), "(b) top view, xy-plane")):
        ax.plot(np.cos(t), np.sin(t), color="0.3", lw=1)
        r_tip = np.hypot(v[i], v[j])             # circle through the tip of v's projection
        ax.plot(r_tip * np.cos(t), r_tip * np.sin(t), color="0.7", ls="--", lw=0.8)
        ax.axhline(0, color="0.85", lw=0.8)
        ax.axvline(0, color="0.85", lw=0.8)
        _labelled_arrow(ax, 0, 0, v[i], v[j], "C0", r"$\mathbf{v}$", side=-1.0)
        if scale:
            _labelled_arrow(ax, v[i], v[j], scale * u[i], scale * u[j], "C3", r"$\mathbf{u}$", side=1.0)
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


def bloch_readout(data):
    """HTML readout: |v|, its components, the angle phi (formula and measured flow), d|v|/dt, entropy terms."""
    d = data
    v = d["v"]
    phi_f = np.degrees(d["phi_formula"])
    phi_u = "&mdash;" if not np.isfinite(d["phi_flow"]) else f"{np.degrees(d['phi_flow']):.2f}&deg;"
    et = "n/a" if not np.isfinite(d["entropy_term"]) else _g(d["entropy_term"], 2)
    return (f"|v| = {_g(d['norm_v'])} (v<sub>x</sub> = {_g(v[0])}, v<sub>z</sub> = {_g(v[2])}); "
            f"&phi; = arctan(2&Delta;/Tr&Gamma;) = {phi_f:.2f}&deg;, angle of the flow u from L<sub>int</sub>: "
            f"{phi_u}; |u| = {_g(d['norm_u'], 2)}, d|v|/dt = u&middot;v/|v| = {_g(d['dv_dt'], 2)} (&ge; 0)<br>"
            f"NESS entropy S = {_g(d['entropy'])}; Tr[ln &rho; L<sub>int</sub> &rho;] (F7) = {et}")


def fig9_bloch(data=None):
    """Fig. 9 (App. F): the Bloch vector v of the NESS and the flow u of L_int, at BLOCH_DEFAULTS.

    The bloch explorer's figure (`bloch_figure`) of `bloch_data()`; see `bloch_data` for the
    normalisation and for how u is computed.
    """
    return bloch_figure(data if data is not None else bloch_data())


# The explorers: name -> (defaults, data, figure, readout).  nadlib.widgets adds sliders to each.
# --------------------------------------------------------------------------- master equations (beyond the paper)

#: The defaults of the master-equation explorer, Fig. 5's model with T = 0.05, mu_L = 1 and mu_R = 0.2.
MASTER_EQUATIONS_DEFAULTS = dict(x="g", y="Gamma", quantity="trace_distance",
                                 kinds=("local", "global", "redfield", "unified", "asymptotic"),
                                 h=1.0, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0,
                                 T=0.05, mu_L=1.0, mu_R=0.2, n=41)

#: The parameters a map can vary, with their ranges and scales.
MASTER_EQUATIONS_AXES = {"g": (3e-3, 1.5, "log"), "Gamma": (1e-3, 0.3, "log"), "delta": (-1.5, 1.5, "lin"),
                         "bias": (-1.5, 1.5, "lin"), "T": (5e-3, 1.0, "log")}

MASTER_EQUATIONS_QUANTITIES = {"trace_distance": "trace distance to the exact Gaussian state",
               "C_max": r"max$_{jk}|C-C_{\rm exact}|$",
               "particle": r"$|J^P_L/J^P_{\rm exact}-1|$", "energy": r"$|J^E_L/J^E_{\rm exact}-1|$"}
_ME_AXIS_LABELS = {"g": "$g$", "Gamma": r"$\Gamma$", "delta": r"$\delta$", "bias": r"$\mu_L-\mu_R$", "T": "$T$"}


def _me_axis_values(name, n):
    lo, hi, scale = MASTER_EQUATIONS_AXES[name]
    return np.geomspace(lo, hi, int(n)) if scale == "log" else np.linspace(lo, hi, int(n))


def master_equations_data(**params):
    """Error maps of master equations against the exact solution over two of (g, Gamma, delta, bias, T).

    The other parameters stay at the given values (bias = mu_L - mu_R about the mean (mu_L + mu_R)/2;
    T = T_L = T_R).  Uses `nadlib.markov.error_map`.

    Returns
    -------
    dict with x, y (names), xs, ys (1-d), quantity, kinds, maps (kind -> (n, n) array [x, y]),
    exact_current (n, n) J^P_L / Gamma of the exact solution, within (kind -> fraction of the grid below 1 %)
    """
    from .markov import error_map
    p = _params(MASTER_EQUATIONS_DEFAULTS, params, "master_equations_data")
    x, y, quantity, kinds, n = p["x"], p["y"], p["quantity"], p["kinds"], p["n"]
    Gamma, T, mu_L, mu_R = p["Gamma"], p["T"], p["mu_L"], p["mu_R"]
    if x == y:
        raise ValueError(f"choose two different parameters, got x = y = {x!r}")
    if quantity not in MASTER_EQUATIONS_QUANTITIES:
        raise ValueError(f"quantity must be one of {tuple(MASTER_EQUATIONS_QUANTITIES)}, got {quantity!r}")
    kinds = tuple(kinds)
    if not kinds:
        raise ValueError("choose at least one kind of master equation")
    m = Model(h=p["h"], delta=p["delta"], g=p["g"], Gamma=Gamma, Omega=p["Omega"])
    b = Baths(T, T, mu_L, mu_R)
    xs, ys = _me_axis_values(x, n), _me_axis_values(y, n)
    em = error_map(m, b, kinds=kinds, **{x: xs, y: ys})
    maps = {k: getattr(em, quantity)[k] for k in kinds}
    if "Gamma" in (x, y):
        G = xs[:, None] if x == "Gamma" else ys[None, :]
    else:
        G = Gamma
    return dict(x=x, y=y, xs=xs, ys=ys, quantity=quantity, kinds=kinds, maps=maps,
                exact_current=em.exact.particle / G,
                within={k: float(np.mean(v < 0.01)) for k, v in maps.items()})


def master_equations_figure(data):
    """The exact J^P_L / Gamma, then one panel per kind: log10 of its error, the 1 % contour in white."""
    d = data
    panels = 1 + len(d["kinds"])
    ncol = min(panels, 3)
    nrow = int(np.ceil(panels / ncol))
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.6 * ncol, 3.1 * nrow), squeeze=False)
    axes = axes.ravel()
    X, Y = np.meshgrid(d["xs"], d["ys"], indexing="ij")

    def style(ax, title):
        for name, setter in ((d["x"], ax.set_xscale), (d["y"], ax.set_yscale)):
            setter("log" if MASTER_EQUATIONS_AXES[name][2] == "log" else "linear")
        ax.set_xlabel(_ME_AXIS_LABELS[d["x"]])
        ax.set_ylabel(_ME_AXIS_LABELS[d["y"]])
        ax.set_title(title, fontsize=10)

    im = axes[0].pcolormesh(X, Y, d["exact_current"], shading="auto", cmap="cividis")
    fig.colorbar(im, ax=axes[0])
    style(axes[0], r"exact $J^P_L/\Gamma$ (Landauer)")
    for ax, k in zip(axes[1:], d["kinds"]):
        v = np.log10(np.clip(d["maps"][k], 1e-8, 1e3))
        im = ax.pcolormesh(X, Y, v, shading="auto", cmap="magma", vmin=-6, vmax=0)
        if np.any(v < -2) and np.any(v > -2):
            ax.contour(X, Y, v, levels=[-2.0], colors="w", linewidths=1.2, linestyles="solid")
        fig.colorbar(im, ax=ax)
        style(ax, f"{k}: log$_{{10}}$ error ({100 * d['within'][k]:.0f}% < 1%)")
    for ax in axes[panels:]:
        ax.set_visible(False)
    fig.suptitle(MASTER_EQUATIONS_QUANTITIES[d["quantity"]], fontsize=11)
    fig.tight_layout()
    return fig


def master_equations_readout(d):
    """HTML readout: the share of the grid where each kind is within 1 %."""
    parts = [f"{html.escape(k)}: {100 * d['within'][k]:.0f}%" for k in d["kinds"]]
    return f"within 1 % of the exact solution ({html.escape(d['quantity'])}): " + ", ".join(parts)


# =========================================================================== bosonic reservoirs
# The chapter "Bosonic reservoirs" (beyond the paper): the bosonic counterparts of Fig. 5, also the
# data, figure and readout of nadlib.widgets.bose_anm_explorer.

__all__ += ["BOSE_ANM_DEFAULTS", "bose_anm_data", "bose_anm_figure", "bose_anm_readout"]

#: Defaults of the bosonic ANM explorer (Fig. 5's network moved to h = -9, E_j = -8.75, -9.25 near the
#: band bottom; mu-map at T = 0.1, T-map at mu = -Omega - 1e-3; 61 x 61 grids).
BOSE_ANM_DEFAULTS = dict(h=-9.0, T=0.1, gap=1e-3, delta=0.0, g=0.5, Gamma=0.01, Omega=10.0,
                         gap_range=(1e-4, 3.0), T_range=(1e-2, 10.0), n=61)


def bose_anm_data(**params):
    """nu_inf / Gamma (Eq. (82), EPA rates (55), bosonic loss Gamma + Lambda^+) with bosonic reservoirs.

    Two maps, the bosonic counterparts of Fig. 5: over the chemical potentials below the band,
    mu_alpha = -Omega - gap_alpha (log grid of gaps in `gap_range`), at T_L = T_R = T; and over
    T_L x T_R (log grid in `T_range`) at mu_L = mu_R = -Omega - gap.

    Returns
    -------
    dict with model, T, gap, gaps (n,), temps (n,), nu_mu (n, n) [gap_L, gap_R], nu_T (n, n)
    [T_L, T_R] (both nu_inf / Gamma), and the maxima with their positions
    """
    p = _params(BOSE_ANM_DEFAULTS, params, "bose_anm_data")
    h, T, gap, Omega, n = p["h"], p["T"], p["gap"], p["Omega"], p["n"]
    gap_range, T_range = p["gap_range"], p["T_range"]
    m = Model(h=h, delta=p["delta"], g=p["g"], Gamma=p["Gamma"], Omega=Omega)
    gaps = np.geomspace(gap_range[0], gap_range[1], int(n))
    temps = np.geomspace(T_range[0], T_range[1], int(n))
    mu = -Omega - gaps
    nu_mu = nu_map_mu(m, mu, mu, T, statistics="bose") / m.Gamma
    nu_T = nu_map_T(m, temps, temps, -Omega - gap, statistics="bose") / m.Gamma
    i, k = np.unravel_index(int(np.argmax(nu_mu)), nu_mu.shape)
    p, q = np.unravel_index(int(np.argmax(nu_T)), nu_T.shape)
    return dict(model=m, T=float(T), gap=float(gap), gaps=gaps, temps=temps, nu_mu=nu_mu, nu_T=nu_T,
                max_mu=float(nu_mu.max()), argmax_mu=(float(gaps[i]), float(gaps[k])),
                max_T=float(nu_T.max()), argmax_T=(float(temps[p]), float(temps[q])))


def bose_anm_figure(data, axes=None):
    """The two bosonic ANM maps side by side (log axes), nu_inf = 0 in white. Returns a Figure.

    `axes` (two Axes) draws into an existing figure, e.g. one row of a larger grid.
    """
    d = data
    m = d["model"]
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(10.0, 4.2))
    else:
        fig = axes[0].figure
    cmap = plt.get_cmap("viridis").with_extremes(under="white")     # nu_inf = 0: white
    panels = [(d["gaps"], d["nu_mu"], r"$-\Omega-\mu_L$", r"$-\Omega-\mu_R$",
               rf"$T_L=T_R={d['T']:.3g}$"),
              (d["temps"], d["nu_T"], r"$T_L$", r"$T_R$", rf"$\mu_L=\mu_R=-\Omega-{d['gap']:.3g}$")]
    for ax, (x, nu, xl, yl, title) in zip(axes, panels):
        vmax = max(float(nu.max()), 1e-12)
        im = ax.pcolormesh(x, x, nu.T, shading="auto", cmap=cmap, vmin=1e-9 * vmax, vmax=vmax)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(xl)
        ax.set_ylabel(yl)
        ax.set_title(rf"$h={m.h:.3g}$: {title}", fontsize=10)
        ax.set_aspect("equal")
        fig.colorbar(im, ax=ax, label=r"$\nu_\infty/\Gamma$", format="%.1e")
    fig.tight_layout()
    return fig


def bose_anm_readout(data):
    """HTML readout: the maxima of nu_inf / Gamma on both maps and where they are."""
    d = data
    gl, gr = d["argmax_mu"]
    tl, tr = d["argmax_T"]
    return (f"h = {d['model'].h:.3g}, levels E<sub>j</sub> = {d['model'].E[0]:.3g}, {d['model'].E[1]:.3g}: "
            f"max &nu;<sub>&infin;</sub>/&Gamma; = {d['max_mu']:.3g} on the &mu; map (gaps {gl:.3g}, {gr:.3g}; "
            f"&gt; 0 on {100 * float(np.mean(d['nu_mu'] > 0)):.0f}%), {d['max_T']:.3g} on the T map "
            f"(T<sub>L</sub> = {tl:.3g}, T<sub>R</sub> = {tr:.3g}; "
            f"&gt; 0 on {100 * float(np.mean(d['nu_T'] > 0)):.0f}%)")


# --------------------------------------------------------------------------- current fluctuations (beyond the paper)

__all__ += ["FLUCTUATIONS_DEFAULTS", "fluctuations_data", "fluctuations_figure", "fluctuations_readout"]

#: Defaults of the fluctuations explorer (Fig. 5's model, its panel (a) temperature, a 101 x 101 grid).
FLUCTUATIONS_DEFAULTS = dict(T=0.01, g=0.5, h=1.0, delta=0.0, Gamma=0.01, Omega=10.0,
                             mu_range=(0.0, 2.0), n=101)


def fluctuations_data(**params):
    """Exact noise k_2, Fano factor k_2/|k_1| and skewness k_3/|k_1| of the particles leaving L over
    mu_L x mu_R at T_L = T_R = T (Levitov-Lesovik cumulants, `nadlib.cumulants`)."""
    from .counting import cumulants, fano_from_cumulants
    p = _params(FLUCTUATIONS_DEFAULTS, params, "fluctuations_data")
    T = p["T"]
    m = Model(h=p["h"], delta=p["delta"], g=p["g"], Gamma=p["Gamma"], Omega=p["Omega"])
    mu = np.linspace(*p["mu_range"], p["n"])
    k = cumulants(m, Baths(T, T, mu[:, None], mu[None, :]), order=3)
    with np.errstate(divide="ignore", invalid="ignore"):
        skew = np.where(k[..., 0] == 0, 0.0, k[..., 2] / np.abs(k[..., 0]))
    return dict(model=m, mu=mu, T=T, k=k, fano=fano_from_cumulants(k), skew=skew)


def fluctuations_figure(data):
    """Three maps over (mu_L, mu_R): k_2/Gamma, the Fano factor (colour scale 0-2) and k_3/|k_1|."""
    d = data
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


def fluctuations_readout(data):
    """HTML readout: the largest noise and the range of the Fano factor off the diagonal."""
    m, k, F = data["model"], data["k"], data["fano"]
    off = np.isfinite(F)
    return (f"max k<sub>2</sub>/&Gamma; = {_g(k[..., 1].max() / m.Gamma)}; Fano factor from "
            f"{_g(F[off].min())} to {_g(F[off].max())} off the diagonal (k<sub>1</sub> = 0 on it); "
            f"levels E<sub>1,2</sub> = {_g(m.E[0])}, {_g(m.E[1])}")


# --------------------------------------------------------------------------- master-equation noise (beyond the paper)

__all__ += ["LINDBLAD_NOISE_DEFAULTS", "lindblad_noise_data", "lindblad_noise_figure", "lindblad_noise_readout"]

#: Defaults of the master-equation noise explorer (Fig. 5's model and plane at T = 0.01, a 61 x 61 grid).
LINDBLAD_NOISE_DEFAULTS = dict(kind="asymptotic", T=0.01, Gamma=0.01, g=0.5, h=1.0, delta=0.0, Omega=10.0,
                               mu_range=(0.0, 2.0), n=61)
_WINDOW_NAMES = {0: "no level", 1: "one level", 2: "both levels"}


def lindblad_noise_data(**params):
    """One master equation's k_1, k_2 against the exact ones over mu_L x mu_R at T_L = T_R = T.

    Uses `nadlib.counting.cumulant_errors` (tilted generator vs Levitov-Lesovik), the asymptotic
    non-Markovianity nu_inf of Eq. (82) and the interference rate |Lambda^+_int,12| of Eq. (65).

    Returns
    -------
    dict with model, kind, T, mu (n,), exact (n, n, 2), k (n, n, 2), err (n, n, 2) relative errors,
    nu (n, n) nu_inf / Gamma, lint (n, n) |Lambda^+_int,12| / Gamma, window (n, n) levels in the bias
    window (-1: a level within 5 T of an edge), median (window -> median k_2 error), and rank
    (Spearman rank correlation over the map of the k_2 error with lint)
    """
    from scipy.stats import spearmanr

    from .counting import cumulant_errors, levels_in_window
    from .markov import KINDS, master_equation
    p = _params(LINDBLAD_NOISE_DEFAULTS, params, "lindblad_noise_data")
    kind, T = p["kind"], p["T"]
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    m = Model(h=p["h"], delta=p["delta"], g=p["g"], Gamma=p["Gamma"], Omega=p["Omega"])
    mu = np.linspace(*p["mu_range"], int(p["n"]))
    b = Baths(T, T, mu[:, None], mu[None, :])
    ce = cumulant_errors(m, b, kinds=(kind,), order=2)
    err = ce.error[kind]
    window = levels_in_window(m, b)
    lint = np.abs(master_equation(m, b, "asymptotic").Lambda_plus_int[..., 0, 1]) / m.Gamma
    e2 = err[..., 1]
    ok = np.isfinite(e2)
    median = {w: float(np.median(e2[(window == w) & ok])) for w in _WINDOW_NAMES if np.any((window == w) & ok)}
    rank = float(spearmanr(e2[ok], lint[ok])[0]) if ok.sum() > 2 and np.ptp(lint[ok]) > 0 else float("nan")
    return dict(model=m, kind=kind, T=T, mu=mu, exact=ce.exact, k=ce.cumulants[kind], err=err,
                nu=nu_infinity(m, b) / m.Gamma, lint=lint, window=window, median=median, rank=rank)


def lindblad_noise_figure(data):
    """Four maps over (mu_L, mu_R): the exact k_2, the kind's k_2 and k_1 errors, and nu_inf (Fig. 5)."""
    d = data
    m, mu = d["model"], d["mu"]
    fig, axes = plt.subplots(1, 4, figsize=(17.0, 4.0), constrained_layout=True)
    with np.errstate(divide="ignore"):
        panels = [(np.log10(np.maximum(d["exact"][..., 1], 1e-300) / m.Gamma), r"exact $\log_{10}k_2/\Gamma$",
                   "viridis", -6, 0),
                  (np.log10(np.clip(d["err"][..., 1], 1e-6, 1e2)), rf"{d['kind']}: $\log_{{10}}|k_2/k_2^{{\rm exact}}-1|$",
                   "magma", -4, 1),
                  (np.log10(np.clip(d["err"][..., 0], 1e-6, 1e2)), rf"{d['kind']}: $\log_{{10}}|k_1/k_1^{{\rm exact}}-1|$",
                   "magma", -4, 1),
                  (d["nu"], r"$\nu_\infty/\Gamma$, Eq. (82)", "cividis", 0, None)]
    for ax, (z, title, cmap, lo, hi) in zip(axes, panels):
        im = ax.pcolormesh(mu, mu, z.T, cmap=cmap, vmin=lo, vmax=hi, shading="auto")
        fig.colorbar(im, ax=ax)
        _mark_levels(ax, m)
        ax.set(xlabel=r"$\mu_L$", ylabel=r"$\mu_R$", aspect="equal")
        ax.set_title(title, fontsize=10)
    fig.suptitle(f"Noise of the particles leaving L: {d['kind']} equation vs exact, T = {_g(d['T'])}, "
                 f"Γ = {_g(m.Gamma)}, g = {_g(m.g)}")
    return fig


def lindblad_noise_readout(data):
    """HTML readout: the median k_2 error with none, one or both levels in the bias window, and its rank
    correlation with the interference rate."""
    d = data
    parts = [f"{_WINDOW_NAMES[w]} in the window {_g(v, 2)}" for w, v in d["median"].items()]
    return (f"{html.escape(d['kind'])}: median |k<sub>2</sub>/k<sub>2</sub><sup>exact</sup> &minus; 1| with "
            + ", ".join(parts) + f"; rank correlation with |&Lambda;<sup>+</sup><sub>int,12</sub>| "
            f"{_g(d['rank'], 2)}")


EXPLORERS = {
    "transmission": (TRANSMISSION_DEFAULTS, transmission_data, transmission_figure, transmission_readout),
    "dynamics": (DYNAMICS_DEFAULTS, dynamics_data, dynamics_figure, dynamics_readout),
    "anm_map": (ANM_MAP_DEFAULTS, anm_map_data, anm_map_figure, anm_map_readout),
    "rates": (RATES_DEFAULTS, rates_data, rates_figure, rates_readout),
    "bloch": (BLOCH_DEFAULTS, bloch_data, bloch_figure, bloch_readout),
    "master_equations": (MASTER_EQUATIONS_DEFAULTS, master_equations_data, master_equations_figure,
                         master_equations_readout),
    "bose_anm": (BOSE_ANM_DEFAULTS, bose_anm_data, bose_anm_figure, bose_anm_readout),
    "fluctuations": (FLUCTUATIONS_DEFAULTS, fluctuations_data, fluctuations_figure, fluctuations_readout),
    "lindblad_noise": (LINDBLAD_NOISE_DEFAULTS, lindblad_noise_data, lindblad_noise_figure,
                       lindblad_noise_readout),
}

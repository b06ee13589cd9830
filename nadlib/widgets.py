"""Interactive explorers (ipywidgets) for the book and the Voila app: sliders around `nadlib.figures`.

Each explorer of the book is a triple of plain functions in `nadlib.figures`,
``<name>_data(**params)``, ``<name>_figure(data)`` and ``<name>_readout(data)``, with its defaults in
``figures.<NAME>_DEFAULTS``.  This module adds only what needs a kernel: the sliders, the callback that
recomputes data, figure and readout when a slider is released, and the layout.  So the live widget and
the static figure of the book are the same code.

The explorers: ``transmission_explorer`` (T(w), Eqs. (45)-(46), Fig. 3), ``dynamics_explorer`` (exact
vs EPA C(t), Eqs. (29)-(30), (53), Fig. 4), ``anm_map_explorer`` (nu_inf / Gamma over mu_L x mu_R,
Eq. (82), Fig. 5), ``rates_explorer`` (the rates of the energy-basis and local splits, Eqs. (58),
(66)-(67), (70)-(75)) and ``bloch_explorer`` (the Bloch-vector argument of App. F, Fig. 9).
``all_explorers()`` puts the five in a Tab.

``bose_anm_explorer`` (nu_inf / Gamma with bosonic reservoirs, the chapter "Bosonic reservoirs") is a
sixth explorer, shown in that chapter, and ``fluctuations_explorer`` (exact noise, Fano factor and
k_3 over mu_L x mu_R) a seventh, in the chapter on current fluctuations, where
``lindblad_noise_explorer`` (a master equation's noise from its tilted generator against the exact
noise, beside nu_inf) is an eighth.  Beyond the paper, ``master_equations_explorer`` maps the errors
of the standard master equations against the exact solution over two chosen parameters
(`nadlib.markov.error_map`); its controls are drop-downs.

Sliders use ``continuous_update=False``.  Invalid parameter combinations (e.g. a violated Eq. (34))
do not raise in a callback: the readout shows nadlib's ValueError message instead.

ipywidgets (and matplotlib) are optional extras of nadlib: ``pip install 'nadlib[widgets]'``.
"""
from __future__ import annotations

import html

try:
    import ipywidgets as widgets
    from IPython.display import clear_output, display
except ImportError as exc:                      # pragma: no cover - exercised in a subprocess test
    raise ImportError("nadlib.widgets needs ipywidgets, an optional extra of nadlib: "
                      "pip install 'nadlib[widgets]'") from exc

import numpy as np

from . import figures
import matplotlib.pyplot as plt  # noqa: E402  (available: nadlib.figures needs it)

__all__ = ["transmission_explorer", "dynamics_explorer", "anm_map_explorer", "rates_explorer",
           "bloch_explorer", "all_explorers", "explorer_sliders",
           "master_equations_explorer", "bose_anm_explorer", "fluctuations_explorer",
           "lindblad_noise_explorer"]


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
        fig = figure_fn(data)
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


def _start(defaults, fixed):
    """The explorer's parameters: the defaults of nadlib.figures updated by `fixed` (unknown names refused)."""
    unknown = sorted(set(fixed) - set(defaults))
    if unknown:
        raise ValueError(f"unknown parameter(s) {unknown}; the parameters are {sorted(defaults)}")
    return {**defaults, **fixed}


def transmission_explorer(**fixed):
    """T(w) (45) and its weak-coupling form (46) as Gamma/Delta, delta and g vary (h = 1, Omega = 10).

    Keyword arguments override figures.TRANSMISSION_DEFAULTS (e.g. h, Omega, n) and the initial slider values.
    """
    p = _start(figures.TRANSMISSION_DEFAULTS, fixed)
    sliders = dict(Gamma_ratio=_log_slider(p.pop("Gamma_ratio"), 0.01, 3.0, "Γ/Δ"),
                   delta=_slider(p.pop("delta"), -1.0, 1.0, 0.05, "δ"),
                   g=_slider(p.pop("g"), 0.05, 1.5, 0.05, "g"))
    return _explorer("Transmission function T(ω), Eqs. (45)-(46)", sliders, p,
                     figures.transmission_data, figures.transmission_figure, figures.transmission_readout)


def dynamics_explorer(**fixed):
    """Exact (points) vs EPA (lines) C(t) from the vacuum as Gamma/Omega varies (Omega = 10, Fig. 4(a) otherwise)."""
    p = _start(figures.DYNAMICS_DEFAULTS, fixed)
    sliders = dict(Gamma_over_Omega=_log_slider(p.pop("Gamma_over_Omega"), 0.005, 0.3, "Γ/Ω"))
    return _explorer("Dynamics from the vacuum: exact vs EPA, Eqs. (29)-(30), (53)", sliders, p,
                     figures.dynamics_data, figures.dynamics_figure, figures.dynamics_readout)


def anm_map_explorer(**fixed):
    """nu_inf / Gamma over mu_L x mu_R (Fig. 5 model, 101 x 101 grid) as T_L = T_R = T varies (1e-3 to 1)."""
    p = _start(figures.ANM_MAP_DEFAULTS, fixed)
    sliders = dict(T=_log_slider(p.pop("T"), 1e-3, 1.0, "T"))
    return _explorer("Asymptotic non-Markovianity ν∞/Γ, Eq. (82)", sliders, p,
                     figures.anm_map_data, figures.anm_map_figure, figures.anm_map_readout)


def rates_explorer(**fixed):
    """The rates of L = L_L + L_R + L_int and of the local split as mu_L, mu_R and T vary (Fig. 5 model)."""
    p = _start(figures.RATES_DEFAULTS, fixed)
    sliders = dict(mu_L=_slider(p.pop("mu_L"), 0.0, 2.0, 0.01, "μ_L"),
                   mu_R=_slider(p.pop("mu_R"), 0.0, 2.0, 0.01, "μ_R"),
                   T=_log_slider(p.pop("T"), 1e-3, 1.0, "T"))
    return _explorer("Rates of the asymptotic dissipator, Eqs. (58), (66)-(67), (70)-(75)", sliders, p,
                     figures.rates_data, figures.rates_figure, figures.rates_readout)


def bloch_explorer(**fixed):
    """The Bloch vector v of the NESS and the flow u of L_int (App. F, Fig. 9) as mu_L, mu_R, T and Gamma vary."""
    p = _start(figures.BLOCH_DEFAULTS, fixed)
    sliders = dict(mu_L=_slider(p.pop("mu_L"), 0.0, 2.0, 0.01, "μ_L"),
                   mu_R=_slider(p.pop("mu_R"), 0.0, 2.0, 0.01, "μ_R"),
                   T=_log_slider(p.pop("T"), 1e-3, 1.0, "T"),
                   Gamma=_log_slider(p.pop("Gamma"), 0.005, 1.0, "Γ"))
    return _explorer("Bloch-vector picture of the NESS, App. F (Fig. 9)", sliders, p,
                     figures.bloch_data, figures.bloch_figure, figures.bloch_readout)


def all_explorers():
    """The five explorers in one Tab."""
    items = [("Transmission", transmission_explorer), ("Dynamics", dynamics_explorer),
             ("ANM map", anm_map_explorer), ("Rates", rates_explorer), ("Bloch vector", bloch_explorer)]
    return widgets.Tab(children=[f() for _, f in items], titles=[t for t, _ in items])


def bose_anm_explorer(**fixed):
    """Bosonic nu_inf / Gamma maps (mu below the band; temperatures) as h, T and the gap -Omega - mu vary.

    Keyword arguments override figures.BOSE_ANM_DEFAULTS and the initial slider values.
    """
    p = _start(figures.BOSE_ANM_DEFAULTS, fixed)
    sliders = dict(h=_slider(p.pop("h"), -9.6, 1.0, 0.1, "h"),
                   T=_log_slider(p.pop("T"), 1e-2, 10.0, "T (μ map)"),
                   gap=_log_slider(p.pop("gap"), 1e-4, 3.0, "−Ω−μ (T map)", fmt=".1e"))
    return _explorer("Bosonic reservoirs: asymptotic non-Markovianity ν∞/Γ, Eq. (82)", sliders, p,
                     figures.bose_anm_data, figures.bose_anm_figure, figures.bose_anm_readout)


def fluctuations_explorer(**fixed):
    """Noise, Fano factor and k_3 over mu_L x mu_R (Fig. 5 model) as T_L = T_R = T and g vary."""
    p = _start(figures.FLUCTUATIONS_DEFAULTS, fixed)
    sliders = dict(T=_log_slider(p.pop("T"), 1e-3, 1.0, "T"),
                   g=_slider(p.pop("g"), 0.1, 1.0, 0.05, "g"))
    return _explorer("Current fluctuations: noise and Fano factor (Levitov-Lesovik)", sliders, p,
                     figures.fluctuations_data, figures.fluctuations_figure, figures.fluctuations_readout)


def lindblad_noise_explorer(**fixed):
    """A master equation's noise k_2 (tilted generator) against the exact one over mu_L x mu_R (Fig. 5
    model), beside nu_inf, as the kind, T_L = T_R = T and Gamma vary."""
    p = _start(figures.LINDBLAD_NOISE_DEFAULTS, fixed)
    layout, style = widgets.Layout(width="420px"), {"description_width": "initial"}
    sliders = dict(kind=widgets.Dropdown(options=["local", "global", "redfield", "unified", "asymptotic"],
                                         value=p.pop("kind"), description="kind", layout=layout, style=style),
                   T=_log_slider(p.pop("T"), 1e-3, 1.0, "T"),
                   Gamma=_log_slider(p.pop("Gamma"), 1e-3, 0.1, "Γ"))
    return _explorer("Current noise: master equations (tilted generators) vs exact (Levitov-Lesovik)", sliders, p,
                     figures.lindblad_noise_data, figures.lindblad_noise_figure, figures.lindblad_noise_readout)


# =========================================================================== master equations (beyond the paper)

def master_equations_explorer(**fixed):
    """Pick two parameters, the error measure and the kinds to compare; maps against the exact solution."""
    p = _start(figures.MASTER_EQUATIONS_DEFAULTS, fixed)
    names = list(figures.MASTER_EQUATIONS_AXES)
    layout = widgets.Layout(width="420px")
    style = {"description_width": "initial"}
    controls = dict(
        x=widgets.Dropdown(options=names, value=p.pop("x"), description="x axis", layout=layout, style=style),
        y=widgets.Dropdown(options=names, value=p.pop("y"), description="y axis", layout=layout, style=style),
        quantity=widgets.Dropdown(options=list(figures.MASTER_EQUATIONS_QUANTITIES), value=p.pop("quantity"),
                                  description="error of",
                                  layout=layout, style=style),
        kinds=widgets.SelectMultiple(options=["local", "global", "redfield", "unified", "asymptotic"],
                                     value=tuple(p.pop("kinds")), description="kinds", rows=5,
                                     layout=layout, style=style))
    return _explorer("Which master equation should I trust? Errors against the exact solution", controls, p,
                     figures.master_equations_data, figures.master_equations_figure,
                     figures.master_equations_readout)

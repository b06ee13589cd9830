"""nadlib: the executable edition of Mitchison & Plenio, New J. Phys. 20, 033005 (2018)."""
from .model import Model, Baths, spectral_density, fermi

__version__ = "0.1.0"
from .spectral import propagator, residue_weight
from .exact import (correlation_matrix, double_occupancy, steady_state, tcl_generator,
                    equilibrium_populations)
from .epa import asymptotic_rates, lambda_plus, u_envelope, error_bound
from .transport import (Currents, transmission, transmission_weak, currents, current_from_coherence,
                        boundary_currents, entropy_production)
from .anm import nu, nu_infinity, nu_map_mu, nu_map_T

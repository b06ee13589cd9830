"""nadlib: the executable edition of Mitchison & Plenio, New J. Phys. 20, 033005 (2018)."""
from .model import Model, Baths, spectral_density, fermi

__version__ = "0.1.0"

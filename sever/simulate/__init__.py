"""A synthetic financial world with labelled DPRK revenue schemes, for training, demos and tests."""

from sever.simulate.params import SIZES, TYPOLOGY_NAMES, SchemeParams, SimulationParams, validate
from sever.simulate.run import simulate

__all__ = ["SIZES", "TYPOLOGY_NAMES", "SchemeParams", "SimulationParams", "simulate", "validate"]

"""Plantable DPRK revenue schemes, one module per family, registered by contract typology name."""

from sever.simulate.typologies import bank_patterns, crypto, front_companies, it_workers, sanctions
from sever.simulate.typologies.registry import REGISTRY, Typology, typology

FAMILIES = (it_workers, front_companies, crypto, bank_patterns, sanctions)

__all__ = ["FAMILIES", "REGISTRY", "Typology", "typology"]

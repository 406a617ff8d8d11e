"""Transaction monitoring: DPRK typology rules on DuckDB or Spark, and a learned scorer on top.

``run_pack`` evaluates the rule pack under one :class:`PackSettings` (rules, thresholds, engine)
and returns alerts with their evidence; the scorer lives in :mod:`sever.monitor.scorer` and is
imported only when used.
"""

from sever.monitor.pack import DPRK_PACK, RULES
from sever.monitor.run import MonitorResult, run_pack
from sever.monitor.settings import PackSettings

__all__ = ["DPRK_PACK", "RULES", "MonitorResult", "PackSettings", "run_pack"]

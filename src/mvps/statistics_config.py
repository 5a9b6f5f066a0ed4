"""``from mvps.statistics_config import StatisticsConfig``, as in Hopsworks' hsfs."""

from __future__ import annotations

from mvps.statistics import StatisticsConfig

__all__ = ["StatisticsConfig"]

"""Example feature functions; write your own here (one module per entity).

A feature function takes a single value or a whole pandas Series. Process a Series
vectorised (no Python loop over rows) and return a Series with the same index.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def log_amount(amount: Any) -> Any:
    """``log(1 + amount)``: tames a long-tailed amount. Negative amounts give NaN."""
    if isinstance(amount, pd.Series):
        values = pd.to_numeric(amount, errors="coerce").astype("float64")
        return pd.Series(np.log1p(values.where(values >= 0)), index=amount.index)
    if amount is None or float(amount) < 0:
        return math.nan
    return math.log1p(float(amount))

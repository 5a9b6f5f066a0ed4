"""Feature functions for the LendingClub loan data.

These mirror the small helpers of a loan-approval feature pipeline: ``zipcode`` turns a
free-text US address into its 5-digit zip code (a useful categorical feature) and
``pub_rec_bankruptcies`` turns a count of bankruptcies into a 0/1 flag.

Each function accepts a single value or a whole :class:`pandas.Series`; a Series is
processed vectorised (no per-row Python calls) and comes back as a Series with the same
index and name.
"""

from __future__ import annotations

import math
import re
from numbers import Real
from typing import Any, overload

import numpy as np
import pandas as pd

from mvps.errors import InvalidInput

__all__ = ["NO_ZIPCODE", "pub_rec_bankruptcies", "zipcode"]

#: The value ``zipcode`` returns for an address without a trailing 5-digit zip code.
NO_ZIPCODE = "0"

# A zip code is a 5-digit group (not part of a longer number) at the end of the address,
# possibly followed by a ZIP+4 extension ("12345-6789") and whitespace.
_ZIP_PATTERN = r"(?<!\d)(\d{5})(?:-\d{4})?\s*$"
_ZIP_RE = re.compile(_ZIP_PATTERN)


@overload
def zipcode(address: pd.Series) -> pd.Series: ...


@overload
def zipcode(address: str | None) -> str: ...


def zipcode(address: Any) -> Any:
    """Return the 5-digit zip code at the end of a US-style address.

    ``"0174 Michelle Gateway\\r\\nMendozaberg, OK 22690"`` gives ``"22690"``. An address
    that does not end with a 5-digit group (or is missing: ``None``/``NaN``) gives
    ``"0"`` so that the result is always a usable categorical value. A Series of
    addresses gives a Series of zip codes (dtype ``str``).
    """
    if isinstance(address, pd.Series):
        text = address.astype("str")
        found = text.str.extract(_ZIP_PATTERN, expand=False)
        result = found.fillna(NO_ZIPCODE).astype("str")
        result.name = address.name
        return result
    if address is None or (isinstance(address, float) and math.isnan(address)):
        return NO_ZIPCODE
    if not isinstance(address, str):
        raise InvalidInput(
            f"zipcode() expects an address string or a pandas Series of addresses, "
            f"got {type(address).__name__}; pass the 'address' column or one value of it"
        )
    match = _ZIP_RE.search(address)
    return match.group(1) if match else NO_ZIPCODE


@overload
def pub_rec_bankruptcies(number: pd.Series) -> pd.Series: ...


@overload
def pub_rec_bankruptcies(number: float | None) -> float: ...


def pub_rec_bankruptcies(number: Any) -> Any:
    """Flag applicants with a bankruptcy on record: 0 stays 0, any count >= 1 becomes 1.

    Missing values (``None``/``NaN``) stay ``NaN`` so that an imputer downstream can
    decide what to do with them. The result is a float (``0.0``, ``1.0`` or ``NaN``); a
    Series gives a float64 Series. Negative counts are impossible and raise
    :class:`~mvps.errors.InvalidInput`.
    """
    if isinstance(number, pd.Series):
        values = pd.to_numeric(number, errors="coerce").astype("float64")
        bad = values < 0
        if bool(bad.any()):
            first = values[bad].iloc[0]
            raise InvalidInput(
                f"pub_rec_bankruptcies() got a negative count ({first}) at index "
                f"{values.index[bad][0]!r}; bankruptcy counts are >= 0, fix the input data"
            )
        flags = np.where(values.isna(), np.nan, (values >= 1).astype("float64"))
        return pd.Series(flags, index=number.index, name=number.name, dtype="float64")
    if number is None:
        return math.nan
    if isinstance(number, bool) or not isinstance(number, Real):
        raise InvalidInput(
            f"pub_rec_bankruptcies() expects a number or a pandas Series, got "
            f"{type(number).__name__} ({number!r})"
        )
    value = float(number)
    if math.isnan(value):
        return math.nan
    if value < 0:
        raise InvalidInput(
            f"pub_rec_bankruptcies() got a negative count ({value}); bankruptcy counts "
            f"are >= 0, fix the input data"
        )
    return 1.0 if value >= 1 else 0.0

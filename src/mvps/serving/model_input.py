"""How the default predictor turns rows of feature values into a model's input.

A model fitted on a pandas DataFrame (it has ``feature_names_in_``) is given a
DataFrame with those columns, in that order, typed the way training data is typed
(missing numbers are NaN). That is always right, but for one or a few rows it is slow:
scikit-learn validates a DataFrame column by column on every call (about 0.6 ms per
``predict`` of a one-row frame for a two-step pipeline, against 0.3 ms for the same row
as a NumPy array).

So when every value of a batch is a plain number, :class:`ModelInput` may hand the model
a float64 NumPy array of the same columns instead. It does so only after checking, on
the first real batch of each method (``predict``, ``predict_proba``), that the model
gives the same answer for the array as for the DataFrame; a model that needs the
frame (a ``ColumnTransformer`` that selects columns by name, a function that indexes
columns by label, ...) raises or answers differently on the array and keeps getting
DataFrames. scikit-learn's warning that an array has no feature names is silenced for
those calls only. ``MVPS_SERVING_NUMPY=0`` turns the array path off.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from mvps.errors import InvalidInput

_NO_NAMES = "X does not have valid feature names"
_NUMBER = (int, float)


def _enabled() -> bool:
    return os.environ.get("MVPS_SERVING_NUMPY", "1").strip().lower() not in ("0", "false", "no")


def _all_numbers(rows: Sequence[Sequence[Any]]) -> bool:
    for row in rows:
        for v in row:
            if type(v) not in _NUMBER:  # bool, None, str, Decimal... take the frame path
                return False
    return True


def same_answer(a: Any, b: Any) -> bool:
    """True when two predictions are equal (floats to 1e-9 relative, for summation order)."""
    import numpy as np

    try:
        x, y = np.asarray(a), np.asarray(b)
    except Exception:
        return False
    if x.shape != y.shape or x.dtype.kind != y.dtype.kind:
        return False
    if x.dtype.kind in "fc":
        return bool(np.allclose(x, y, rtol=1e-9, atol=1e-12, equal_nan=True))
    try:
        return bool(np.array_equal(x, y))
    except Exception:
        return False


class ModelInput:
    """Builds the model's input from rows of values (see the module docstring).

    ``columns``: the names the model was fitted on (None: it takes arrays);
    ``take``: positions of those columns in the rows (None: the rows are in order);
    ``frame``: builds the typed DataFrame of rows with ``columns``.
    """

    def __init__(
        self,
        model: Any,
        columns: list[str] | None,
        take: list[int] | None,
        frame: Callable[[list[list[Any]], list[str]], Any],
    ) -> None:
        self.model = model
        self.columns = columns
        self.take = take
        self.frame = frame
        # per method: None = not decided yet, True = arrays give the same answer, False = frames
        self.array_ok: dict[str, bool | None] = {
            "predict": None if _enabled() else False,
            "predict_proba": None if _enabled() else False,
        }

    def call(self, method: str, rows: list[list[Any]]) -> Any:
        """``model.<method>`` on the rows, with the fastest input that is known to be right."""
        if self.take is not None:
            take = self.take
            rows = [[r[i] for i in take] for r in rows]
        fn = getattr(self.model, method)
        if self.columns is None:
            return self._guard(fn, _array(rows))
        decided = self.array_ok[method]
        if decided is False or not _all_numbers(rows):
            return self._guard(fn, self.frame(rows, self.columns))
        if decided:
            return self._guard(self._quiet(fn), _floats(rows))
        answer = self._guard(fn, self.frame(rows, self.columns))
        try:
            fast = self._quiet(fn)(_floats(rows))
        except Exception:
            self.array_ok[method] = False
        else:
            self.array_ok[method] = same_answer(answer, fast)
        return answer

    @staticmethod
    def _quiet(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def call(x: Any) -> Any:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=_NO_NAMES, category=UserWarning)
                return fn(x)

        return call

    @staticmethod
    def _guard(fn: Callable[[Any], Any], x: Any) -> Any:
        try:
            return fn(x)
        except (ValueError, TypeError) as exc:
            raise InvalidInput(f"the model could not predict on these instances: {exc}") from exc


def _floats(rows: list[list[Any]]) -> Any:
    import numpy as np

    return np.array(rows, dtype=np.float64)


def _array(rows: list[Any]) -> Any:
    import numpy as np

    try:
        arr = np.asarray(rows)
    except ValueError as exc:
        raise InvalidInput(f"instances must all have the same length: {exc}") from exc
    if arr.dtype == object:
        try:
            arr = arr.astype(float)
        except (TypeError, ValueError):
            pass
    return arr


def plain_frame(rows: list[list[Any]], columns: list[str]) -> Any:
    """A DataFrame of the rows as given (no feature view to type them)."""
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


__all__ = ["ModelInput", "plain_frame", "same_answer"]

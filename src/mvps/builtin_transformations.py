"""Built-in model-dependent transformations (``hsfs.builtin_transformations``)."""

from mvps.transformation import (
    label_encoder,
    min_max_scaler,
    one_hot_encoder,
    robust_scaler,
    standard_scaler,
)

__all__ = ["label_encoder", "min_max_scaler", "one_hot_encoder", "robust_scaler", "standard_scaler"]

"""Feature functions: pure, unit-tested functions from raw data to features.

Write one module per entity (``features/customers.py``, ``features/orders.py``...).
The feature pipeline applies the functions to whole batches of data; the app and the
predictor apply the same functions to a single request, so training and serving
compute features identically. Tests go in ``tests/test_features.py``.
"""

"""Feature functions: pure, unit-tested functions from raw data to features.

The feature pipeline applies them to whole months of data; the app applies the
same functions to one loan application, so training and serving compute features
identically.
"""

"""Reproducible benchmarks of mvps side by side with Feast (and MLflow for serving).

Run ``python -m benchmarks --help``. Nothing here is imported by the mvps package; the
workers of the peer systems run in their own virtual environments and import only
:mod:`benchmarks.harness.common` and :mod:`benchmarks.harness.data`.
"""

"""The offline store: versioned feature tables (Delta Lake), the source of truth."""

from mvps.offline.delta import Commit, DeltaOfflineStore

__all__ = ["Commit", "DeltaOfflineStore"]

"""The catalog: metadata of every object of a project, and the links between them.

One small schema serves every kind of object (feature groups, feature views, training
datasets, models, deployments, jobs...): definitions are JSON documents derived from the
objects' dataclasses, so adding a kind of object needs no new table. Append-only records
(validation reports, statistics, logs) and provenance links have a table each.

SQLAlchemy Core keeps one implementation for SQLite (embedded default) and PostgreSQL
(``postgresql://...``); the SQL is generated, never written per backend.
"""

from mvps.catalog.store import Catalog, CatalogObject, Link, Record

__all__ = ["Catalog", "CatalogObject", "Link", "Record"]

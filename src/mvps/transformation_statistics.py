"""``hsfs.transformation_statistics`` compatibility."""

from mvps.transformation import TransformationStatistics

__all__ = ["TransformationStatistics"]

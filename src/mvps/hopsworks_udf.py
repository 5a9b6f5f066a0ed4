"""``hsfs.hopsworks_udf`` compatibility: the ``udf`` decorator and its classes."""

from mvps.transformation import HopsworksUdf, TransformationStatistics, udf

__all__ = ["HopsworksUdf", "TransformationStatistics", "udf"]

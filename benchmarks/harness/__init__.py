"""The benchmark harness: data generation, peer environments, workers, workloads, report."""

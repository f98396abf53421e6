"""Benchmarks for the workbook: first paint, record latency and scale. Run with ``python -m benchmarks``."""

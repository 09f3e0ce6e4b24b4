"""Benchmarks: synthetic data at scale, and the runner that measures the app on it."""

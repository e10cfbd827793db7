"""Benchmarks, kept apart from tests: each prints measurements and their ratio against
a baseline measured in the same run. Nothing here asserts a wall-clock time."""

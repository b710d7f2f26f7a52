"""Benchmarks for py-cml's embedded engine, local server and clients (see README.md).

`python -m benchmarks [NAME ...]` runs them and writes bench-results/results.json.
"""

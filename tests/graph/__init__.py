"""Tests of the knowledge-graph sync (cml.graph)."""

"""Dashboard answers that format what the engine computes: retrieval tests, read explanations
and write simulations (`retrieval`). The listings over stored data are `cml.engine.views`."""

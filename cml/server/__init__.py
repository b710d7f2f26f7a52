"""The local CML server: the embedded engine behind the CML HTTP API (`cml serve`)."""

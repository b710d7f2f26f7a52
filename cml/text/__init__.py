"""Text analysis shared by the engine, streaming and graph sync: chunking, fact extraction and
memory-type classification. Pure functions, linear in their input; nothing here does I/O or
imports the engine, the server or a client."""

"""The I/O edge: sources, the shared reader, the store (the one write path) and the outbox."""

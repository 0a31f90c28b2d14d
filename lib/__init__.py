"""Live scoring for an emulation cluster conference.

``lib.core`` is the pure domain, ``lib.present`` pure presentation, ``lib.edge`` the I/O
(sources, the shared reader, the store, the outbox) and ``lib.cli`` the command line; the
README's "Architecture" draws the layers and ``tests/test_layering.py`` holds them.
"""

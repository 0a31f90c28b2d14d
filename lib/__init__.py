"""Live scoring for an emulation cluster conference: the functional core and its I/O edges.

Pure modules (no Streamlit, no network client, no file format library): ``model``,
``text``, ``cells``, ``parse``, ``scoring``, ``config``, ``formatting``, ``i18n``,
``charts``, ``report``. I/O edges: ``sources`` (local .xlsx, Google Sheet),
``shared_read`` (one read per interval for the whole server) and ``cli``.
"""

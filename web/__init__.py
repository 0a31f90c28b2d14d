"""The Streamlit shell: shared resources and small widgets used by the pages."""

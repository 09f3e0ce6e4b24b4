"""The Streamlit app: a thin UI over the ``layers`` package."""

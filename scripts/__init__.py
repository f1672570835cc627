"""Scripts run by hand, from the project root, as modules: ``python -m scripts.NAME``."""

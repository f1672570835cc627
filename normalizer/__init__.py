"""The core of newsnorm: pure stages over frozen dataclasses, and the store."""

__version__ = "0.1.0"

"""filmstrip: log rich media step by step and browse it inside Jupyter, offline."""

__version__ = "0.1.0"

"""seedreader: a terminal document reader with fuzzy search and anchored notes."""

__version__ = "0.1.0"

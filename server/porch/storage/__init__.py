"""Storage: the only package that talks to the database (through `databases`)."""

from porch.storage.database import Storage

__all__ = ["Storage"]

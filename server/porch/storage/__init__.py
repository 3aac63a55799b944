"""Storage: the only package that talks to the database (through `databases`).

`Connection` is re-exported for type hints, so that no other package imports `databases` itself.
"""

from databases.core import Connection

from porch.storage.database import Storage

__all__ = ["Connection", "Storage"]

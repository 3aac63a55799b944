"""Logging for `porch serve`: one format for our lines and uvicorn's, and no reader's address or query string.

Porch keeps client addresses only as a keyed hash, and a live socket's query string names the page a reader
is on (a thread key) or a sign-in (a login id). uvicorn writes both into its WebSocket lines at info and its
access lines at debug, so every record goes through HideClients on its way out.
"""

from __future__ import annotations

import logging
from typing import Any

# uvicorn's request lines start with the client's "host:port" as their first argument.
_CLIENT_FIRST = '%s - "'
# Header lines of the WebSocket handshake, logged at debug, whose values identify a reader.
_HEADER_LINES = ("< %s: %s", "> %s: %s")
_PRIVATE_HEADERS = frozenset({"x-forwarded-for", "x-real-ip", "forwarded", "cookie", "set-cookie", "authorization"})


def _without_query(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("/") and "?" in value:
        return value.partition("?")[0]
    return value


class HideClients(logging.Filter):
    """Drops the client address from uvicorn's request lines, query strings from any path argument, and the
    values of headers that carry an address or a credential."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if not isinstance(args, tuple) or not isinstance(record.msg, str):
            return True
        if record.msg.startswith(_CLIENT_FIRST) and args:
            record.msg = record.msg[len(_CLIENT_FIRST) - 1 :]
            args = args[1:]
        if record.msg in _HEADER_LINES and len(args) == 2 and str(args[0]).lower() in _PRIVATE_HEADERS:
            args = (args[0], "[hidden]")
        record.args = tuple(_without_query(arg) for arg in args)
        return True


def log_config(level: str) -> dict[str, Any]:
    """A logging.config.dictConfig dictionary: every logger writes to stderr through HideClients. uvicorn
    applies it itself (uvicorn.run(log_config=...)) and then sets its loggers' levels.

    `level` is for Porch's and uvicorn's loggers; other libraries say only warnings and errors, whatever the
    level: at debug the database drivers would log every statement with its values (guests' e-mails too).
    """
    level = level.upper()
    libraries = level if logging.getLevelName(level) > logging.WARNING else "WARNING"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"hide_clients": {"()": HideClients}},
        "formatters": {"plain": {"format": "%(levelname)s %(name)s: %(message)s"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "plain",
                "filters": ["hide_clients"],
            }
        },
        # uvicorn's loggers have no handlers of their own: their records reach the root's, filter included.
        "loggers": {
            "porch": {"level": level, "handlers": [], "propagate": True},
            "uvicorn": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.access": {"level": level, "handlers": [], "propagate": True},
        },
        "root": {"level": libraries, "handlers": ["stderr"]},
    }

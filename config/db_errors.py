"""Which database errors mean "not now" rather than "a bug": the request may simply be sent again.

A connection lost in the middle of a request (the server restarted, failed over, or ended the
session), a database refusing connections, a deadlock or a serialization failure: the transaction
rolled back, nothing of the request was kept, and the same request sent a moment later succeeds.
Pages and the API answer these with 503 and a Retry-After, saying so (config.api_errors); every
other database error stays a 500.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

# SQLSTATE classes: 08 connection exception, 40 transaction rollback (serialization failure,
# deadlock), 53 insufficient resources (too many connections), 57 operator intervention (the
# session was terminated, the server is shutting down or starting up).
TRANSIENT_SQLSTATE_CLASSES = frozenset({"08", "40", "53", "57"})

# Seconds a client is asked to wait before sending the request again.
RETRY_AFTER_SECONDS = 5


def database_unavailable(error: BaseException | None) -> bool:
    """True if `error` is a database failure that sending the request again can cure."""
    if isinstance(error, InterfaceError):
        return True  # the connection is already closed
    if not isinstance(error, OperationalError):
        return False
    cause = error.__cause__
    if cause is not None and hasattr(cause, "pgcode"):
        code: str | None = cause.pgcode
        # No code: the client library lost the server ("server closed the connection").
        return code is None or code[:2] in TRANSIENT_SQLSTATE_CLASSES
    # SQLite: another process holds the write lock past the timeout.
    return "database is locked" in str(error)

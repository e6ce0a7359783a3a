"""What can go wrong, as the CLI reports it: bad input (exit 2) or a fault (exit non-zero).

Both are printed as one `pausegame: error:` line; neither shows a traceback.
"""

from __future__ import annotations

#: Longest message the CLI prints; a longer one (a pasted file in a value) is cut.
MAX_MESSAGE = 600


class InputError(ValueError):
    """Bad input from the user: a scenario, parameter, file or option that cannot be used."""


class Fault(RuntimeError):
    """Something outside the input failed (disk, permissions, a cluster, an interrupt).

    The message says what happened, what is safe and how to go on; `status` is the exit status.
    """

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def one_line(text: object) -> str:
    """`text` as a single printable line: control characters escaped, at most MAX_MESSAGE long."""
    line = "".join(
        c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(text)
    )
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 3] + "..."


def os_reason(error: OSError) -> str:
    """An OSError as a person reads it: `disk full`, `permission denied`, ... and the file."""
    import errno

    names = {
        errno.ENOSPC: "disk full",
        errno.EDQUOT: "disk quota exceeded",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "read-only file system",
        errno.EIO: "input/output error",
    }
    reason = names.get(error.errno or 0, error.strerror or type(error).__name__)
    where = f" ({error.filename})" if error.filename else ""
    return f"{reason}{where}"

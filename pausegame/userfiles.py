"""Reading the user's files safely: size, nesting and number limits checked before parsing.

Every file a user hands pausegame (scenario and sweep TOML, game and coalition JSON, a
sweep's manifest) comes through here, so a huge, deeply nested or binary file is refused
with one `InputError` line instead of exhausting memory or the interpreter's stack: the
size is checked before reading, the parsers' recursion is caught, and the nesting of what
they return is bounded.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pausegame.errors import InputError

MAX_TOML_BYTES = 1 << 20  # 1 MiB: a scenario or spec is a page of text
MAX_JSON_BYTES = 64 << 20  # 64 MiB: about five million payoffs; larger games go in .npy
MAX_DEPTH = 40  # arrays/tables inside each other; a 30-player game tensor needs 31
MAX_INTEGER_DIGITS = 30  # no count, seed or payoff needs more


def read_text(path: str | Path, what: str, limit: int, error: type[InputError] = InputError) -> str:
    """The UTF-8 text of the file at `path`; refused (as `error`) if missing, big or not text."""
    path = Path(path)
    if is_dir(path):
        raise error(f"{what} {str(path)!r}: is a folder, not a file")
    if not is_file(path):
        raise error(f"{what} {str(path)!r}: no such file")
    try:
        size = path.stat().st_size
        data = path.read_bytes()[: limit + 1] if size <= limit else b""
    except (OSError, ValueError) as problem:  # ValueError: a NUL byte in the path
        raise error(f"{what} {str(path)!r}: cannot read it ({_reason(problem)})") from None
    if size > limit:
        raise error(f"{what} {str(path)!r}: {size:,} bytes, over the limit of {limit:,}")
    if len(data) > limit:  # the file grew while we looked, or is a device
        raise error(f"{what} {str(path)!r}: over the limit of {limit:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error(f"{what} {str(path)!r}: not a UTF-8 text file") from None


def is_file(path: str | Path) -> bool:
    """Whether `path` names a file; False (not an exception) for names no file can have."""
    try:
        return Path(path).is_file()
    except (OSError, ValueError):
        return False


def is_dir(path: str | Path) -> bool:
    """Whether `path` names a folder; False (not an exception) for names no folder can have."""
    try:
        return Path(path).is_dir()
    except (OSError, ValueError):
        return False


def parse_toml(text: str, origin: str, error: type[InputError] = InputError) -> dict[str, Any]:
    """TOML text as a dict, within the size and nesting limits, or one `InputError` line."""
    if len(text) > MAX_TOML_BYTES:
        raise error(f"{origin}: {len(text):,} characters, over the limit of {MAX_TOML_BYTES:,}")
    _check_dotted_keys(text, origin, error)
    if text.startswith("\ufeff"):  # the TOML parser's own message is 'Invalid statement'
        raise error(
            f"{origin}: malformed TOML: starts with a byte-order mark; save it as UTF-8 without BOM"
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as problem:
        raise error(f"{origin}: malformed TOML: {problem}") from None
    except (RecursionError, ValueError) as problem:  # ValueError: an integer of 5,000 digits
        raise error(f"{origin}: malformed TOML: {_reason(problem)}") from None
    check_depth(data, origin, error=error)
    return data


def parse_json(text: str, origin: str, error: type[InputError] = InputError) -> Any:
    """JSON text as Python values, within the size and nesting limits, or one `InputError`."""
    if len(text) > MAX_JSON_BYTES:
        raise error(f"{origin}: {len(text):,} characters, over the limit of {MAX_JSON_BYTES:,}")
    try:
        document = json.loads(text, parse_int=_bounded_int)
    except (ValueError, RecursionError) as problem:
        raise error(f"{origin} is not valid JSON: {_reason(problem)}") from None
    check_depth(document, origin, error=error)
    return document


def check_depth(
    value: Any, origin: str, limit: int = MAX_DEPTH, error: type[InputError] = InputError
) -> None:
    """Refuse values nested deeper than `limit` (without recursion, so any depth is safe)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise error(f"{origin}: arrays or tables nested more than {limit} deep")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


# A run of text that could be one dotted key: bare or quoted parts, dots and blanks.
_KEY_RUN = re.compile(r"[\w\-. \t\"']+")


def _check_dotted_keys(text: str, origin: str, error: type[InputError]) -> None:
    """Refuse a dotted key of more than MAX_DEPTH parts before the TOML parser sees it.

    The standard parser's time grows with the square of a dotted key's length (40,000
    parts take half a minute); a linear scan of the text bounds it first.
    """
    for match in _KEY_RUN.finditer(text):
        if match.group().count(".") > MAX_DEPTH:
            raise error(
                f"{origin}: a dotted key (or a run of text) with more than {MAX_DEPTH} dots"
            )


def parse_number(text: str) -> int | float:
    """A number typed as text: an int if it is written as one (kept exact), else a float.

    Text longer than any number is refused unparsed; so is an int of more than 30 digits.
    """
    text = text.strip()
    if len(text) > 4 * MAX_INTEGER_DIGITS:
        raise ValueError(f"{len(text)} characters is longer than any number")
    if _INTEGER.fullmatch(text):
        return _bounded_int(text)
    return float(text)


_INTEGER = re.compile(r"[+-]?\d+")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits (at most {MAX_INTEGER_DIGITS})")
    return int(text)


def _reason(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "nested too deeply"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return str(error)


def _read_umask() -> int:
    """The process's umask. Reading it means setting it, so it is read once, at import, before
    any thread could make a file with the wrong permissions in between."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


UMASK = _read_umask()
MAX_FILE_NAME = 255  # the longest file name most file systems allow


def replace_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Write through `write(temporary)` beside `target`, then rename: never a partial file."""
    replace_all_atomically([(target, write)])


def replace_all_atomically(writes: list[tuple[Path, Callable[[Path], object]]]) -> None:
    """Write every file to a temporary beside its target, flush it to disk, and rename them
    only once all are written: a failure (a full disk) leaves none of them, not some.

    A temporary is named `.NAME.RANDOM.tmp.SUFFIX` (`is_temporary`): the suffix is kept, so
    writers that pick a format from it still can.
    """
    written: list[tuple[Path, Path]] = []
    try:
        for target, write in writes:
            target.parent.mkdir(parents=True, exist_ok=True)
            # The name is cut so the temporary fits where the target does (255 characters).
            stem = target.name[: MAX_FILE_NAME - 16 - len(target.suffix)]
            handle, name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{stem}.", suffix=f".tmp{target.suffix}"
            )
            os.close(handle)
            written.append((Path(name), target))
            write(Path(name))
            # mkstemp makes the file private; give it the permissions a plain open() would.
            os.chmod(name, 0o666 & ~UMASK)
            with open(name, "rb") as flushed:
                os.fsync(flushed.fileno())
        for temporary, target in written:
            os.replace(temporary, target)
        for folder in {target.parent for _, target in written}:
            _sync_folder(folder)
    finally:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)


def is_temporary(name: str) -> bool:
    """Whether a file name is a temporary of `replace_all_atomically` (a kill can leave one)."""
    earlier = name.endswith(".tmp")  # `.NAME.PID.tmp`, as sweeps of earlier versions wrote
    return earlier or (name.startswith(".") and "tmp" in name.split(".")[-2:])


def _sync_folder(folder: Path) -> None:
    """Make the renames into `folder` durable, where the system supports it."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)

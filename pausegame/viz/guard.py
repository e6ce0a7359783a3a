"""What a visitor may make the UI server read, and what its error messages may reveal.

The page never opens a path a visitor typed. It reads the built-in scenarios, the visitor's
own uploads (at most `UPLOAD_LIMIT` bytes, refused before reading), and, only when whoever
started the server named a folder (`pausegame ui --scenario-dir DIR`), the `.toml` files
directly inside that folder, chosen by name and checked after resolving links. Messages
about a file name the field that is wrong and the allowed range, never the value found, and
a name that is not offered gets the same message whether or not such a file exists.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from pausegame.errors import InputError
from pausegame.sim.scenario import Scenario, builtin_names, load_scenario, parse_scenario

SCENARIO_DIR_ENV = "PAUSEGAME_SCENARIO_DIR"
UPLOAD_LIMIT = 1 << 20  # bytes: a scenario is a few KiB; larger drops are refused unread
NOT_OFFERED = "not one of the scenarios offered here"


def scenario_dir() -> Path | None:
    """The folder the server was started with (`--scenario-dir`), resolved; else None."""
    folder = os.environ.get(SCENARIO_DIR_ENV, "").strip()
    return Path(folder).resolve() if folder else None


def folder_files(folder: Path | None) -> list[str]:
    """Names of the regular `.toml` files directly inside `folder` (none without a folder)."""
    if folder is None or not folder.is_dir():
        return []
    names = []
    for entry in folder.iterdir():
        if entry.suffix.lower() == ".toml" and _inside(entry, folder) and entry.is_file():
            names.append(entry.name)
    return sorted(names)


def _inside(path: Path, folder: Path) -> bool:
    """True when `path`, links resolved, is a direct child of `folder`."""
    try:
        return path.resolve(strict=True).parent == folder
    except (OSError, RuntimeError):
        return False


def offered(folder: Path | None) -> list[str]:
    """Every scenario the dropdown offers: the built-ins, then the folder's files."""
    return [*builtin_names(), *folder_files(folder)]


def open_offered(name: object, folder: Path | None) -> Scenario:
    """The scenario `name` if the page offers it (a built-in or a file of the folder)."""
    if not isinstance(name, str) or len(name) > 255:
        raise InputError(f"scenario: {NOT_OFFERED}")
    if name in builtin_names():
        return load_scenario(name)
    if folder is None or name not in folder_files(folder):
        raise InputError(f"scenario: {NOT_OFFERED}")
    path = (folder / name).resolve()
    if path.parent != folder or path.suffix.lower() != ".toml":  # a file swapped for a link
        raise InputError(f"scenario: {NOT_OFFERED}")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise InputError(f"{name}: cannot be read as UTF-8 text") from None
    return parse_scenario(text, origin=name)


def open_upload(name: str, size: int, read) -> Scenario:
    """A dropped file's scenario; files over `UPLOAD_LIMIT` are refused before `read()`."""
    shown = display_name(name)
    if size > UPLOAD_LIMIT:
        raise InputError(
            f"{shown}: {size / 2**20:.1f} MiB is over the {UPLOAD_LIMIT >> 20} MiB limit for"
            " a scenario file"
        )
    data = read()
    if len(data) > UPLOAD_LIMIT:
        raise InputError(f"{shown}: over the {UPLOAD_LIMIT >> 20} MiB limit for a scenario file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{shown}: not a UTF-8 text file") from None
    return parse_scenario(text, origin=shown)


def display_name(name: object) -> str:
    """A file name fit to show: printable, at most 80 characters."""
    text = "".join(c for c in str(name) if c.isprintable())[:80]
    return text or "the file"


_GOT = re.compile(r",? got .*$", re.DOTALL)
_AT = re.compile(r"\(at line \d+, column \d+\)|\(at end of document\)")
_ASSIGNED = re.compile(r"=\S+ is out of range")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_HAVE = re.compile(r" \(have [^)]*\)")


def public_message(problem: BaseException) -> str:
    """An error fit for the page: the field and the allowed range, never the value found."""
    if not isinstance(problem, InputError):
        return (
            "this scenario could not be used: a value is too large, too deeply nested or"
            f" otherwise unusable ({type(problem).__name__})"
        )
    text = str(problem).splitlines()[0] if str(problem) else "invalid scenario"
    origin, sep, rest = text.partition(": ")
    if "malformed TOML" in rest:
        if "nested too deeply" in rest:  # the reader's own limit, not the file's contents
            return f"{origin}: malformed TOML: too deeply nested"
        found = _AT.search(rest)
        return f"{origin}: malformed TOML {found.group(0) if found else ''}".rstrip()
    rest = _GOT.sub("", rest)
    rest = _ASSIGNED.sub(" is out of range", rest)
    rest = _HAVE.sub("", rest)
    rest = _QUOTED.sub("a value", rest)
    return f"{origin}{sep}{rest}"

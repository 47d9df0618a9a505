"""Atomic file writes: a temporary file in the same folder, renamed into place."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable

from .errors import FileAccessError


_TEMPORARY_SUFFIX = ".tmp"


def _temporary_prefix(path: str) -> str:
    """How the temporary files of writes of `path` begin: `.NAME.`."""
    return f".{os.path.basename(path)}."


def _written(path: str, data: bytes | Iterable[bytes]) -> str:
    """A temporary file beside `path` holding `data` (or its pieces, written as they come),
    flushed to disk, with the mode `path` has (or a new file's); its name."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=_temporary_prefix(path), suffix=_TEMPORARY_SUFFIX, dir=folder)
    except OSError as e:
        raise FileAccessError(f"{path}: cannot write here: {e.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.writelines([data] if isinstance(data, bytes) else data)
            f.flush()
            os.fsync(f.fileno())
        if os.path.exists(path):
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
    except OSError as e:
        _remove(tmp)
        raise FileAccessError(f"{path}: cannot write: {e.strerror}") from None
    except BaseException:
        _remove(tmp)
        raise
    return tmp


def atomic_write(path: str, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (or its pieces) to `path` so that readers see the old file or the new
    one, never a part."""
    tmp = _written(path, data)
    try:
        _replace(tmp, path)
    except OSError as e:
        _remove(tmp)
        raise FileAccessError(f"{path}: cannot write: {e.strerror}") from None


REPLACE_TRIES = 20
"""On Windows, how many times (a tenth of a second apart) a replace is tried while another
program (an editor, a virus scanner, a sync client) holds the file open."""


def _replace(tmp: str, path: str) -> None:
    """`os.replace`, tried again on Windows while the target is held open elsewhere."""
    for attempt in range(REPLACE_TRIES):
        try:
            os.replace(tmp, path)
            return
        except PermissionError:
            if os.name != "nt" or attempt == REPLACE_TRIES - 1:
                raise
            import time

            time.sleep(0.1)


def create_new(path: str, data: bytes) -> None:
    """Write a new file at `path`, whole or not at all, and never over a file that exists
    (even one made meanwhile): a temporary file, hard-linked into place, which fails when
    the name is taken."""
    if os.path.lexists(path):
        raise FileAccessError(f"{path}: already exists; not overwritten")
    tmp = _written(path, data)
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise FileAccessError(f"{path}: already exists; not overwritten") from None
    except OSError as e:
        raise FileAccessError(f"{path}: cannot write: {e.strerror}") from None
    finally:
        _remove(tmp)


def remove_leftovers(path: str) -> None:
    """Remove the temporary files that writes of `path` killed midway left beside it.

    Call it only while no other write of `path` can be under way (edits hold its lock)."""
    folder = os.path.dirname(os.path.abspath(path))
    prefix = _temporary_prefix(path)
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for other in names:
        if other.startswith(prefix) and other.endswith(_TEMPORARY_SUFFIX):
            _remove(os.path.join(folder, other))


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass

"""Writing a built site into a folder so that a reader never sees half of it."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile

from .errors import FileAccessError

_RENAME_EXCHANGE = 2


def _exchange(a: str, b: str) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def write_site(outdir: str, files: dict[str, bytes]) -> None:
    """Write every file into a new folder beside `outdir`, then swap it in.

    Where the system can exchange two folders in one step, readers see the old site or the
    new one; elsewhere there is a moment with no folder, but never a half-written one.
    """
    target = os.path.abspath(outdir)
    parent = os.path.dirname(target)
    try:
        os.makedirs(parent, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=f".{os.path.basename(target)}.", suffix=".new", dir=parent)
    except OSError as e:
        raise FileAccessError(f"{outdir}: cannot write here: {e.strerror}") from None
    try:
        for rel, data in sorted(files.items()):
            path = os.path.join(staging, *rel.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
        os.chmod(staging, 0o755)
        if os.path.isdir(target) and not os.path.islink(target):
            if _exchange(staging, target):
                shutil.rmtree(staging)  # now holds the old site
                return
            old = staging + ".old"
            os.rename(target, old)
            os.rename(staging, target)
            shutil.rmtree(old)
        elif os.path.exists(target):
            raise FileAccessError(f"{outdir}: exists and is not a folder; not replacing it")
        else:
            os.rename(staging, target)
    except OSError as e:
        shutil.rmtree(staging, ignore_errors=True)
        raise FileAccessError(f"{outdir}: cannot write the site: {e.strerror}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

"""Earlier versions of an events file, from git (`timeline diff HEAD~1`).

git runs as a subprocess (no new dependency), in the folder of the events file, so that a
revision names the file as git knows it there (`REV:./NAME`).
"""

from __future__ import annotations

import os
import subprocess

from .errors import FileAccessError, quote
from .source import MAX_BYTES, decode_source, read_source, Source


def read_version(spec: str, path: str) -> Source:
    """The events file `spec` names: a file, if one exists there, else a git revision of `path`."""
    if os.path.exists(spec) or spec == "-":
        return read_source(spec)
    if spec.startswith("-"):
        raise FileAccessError(f"{quote(spec)}: not a file, and a revision does not start with '-'")
    folder = os.path.dirname(os.path.abspath(path))
    # how messages name it (`HEAD~1:events.yaml`): a revision that is no short printable text
    # is quoted, so that it cannot forge a line of the message or fill the screen
    name = f"{spec if spec.isprintable() and len(spec) <= 100 else quote(spec, 100)}:{path}"
    git = ["git", "-C", folder]
    try:
        inside = subprocess.run([*git, "rev-parse", "--is-inside-work-tree"], capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        raise FileAccessError(f"{quote(spec)} is not a file, and git is not installed to read it as a revision") from None
    if inside.returncode != 0 or inside.stdout.strip() != "true":
        raise FileAccessError(f"{quote(spec)} is not a file, and {path} is not in a git repository; "
                              "give the older version as a file")
    shown = subprocess.run([*git, "show", f"{spec}:./{os.path.basename(path)}"], capture_output=True, timeout=60)
    if shown.returncode != 0:
        why = " ".join(shown.stderr.decode("utf-8", "replace").split())
        raise FileAccessError(f"{name}: git cannot show it: {quote(why, 200)}")
    return decode_source(name, shown.stdout[: MAX_BYTES + 1], None)

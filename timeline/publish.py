"""The site: its files built from a schedule (the one function `build` and `serve` share),
and written into a folder so that a reader never sees half of it."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .days import DayArg, day_of
from .errors import FileAccessError
from .schedule import Schedule


@dataclass(frozen=True)
class SiteRequest:
    """What `build` and `serve` are asked for, beyond the schedule."""

    base_url: str | None = None
    """Where the site is published, for subscribe links (default: `calendar.url`)."""
    windows: str | None = None
    """How uncertain windows appear in the feeds (default: `calendar.windows`)."""
    since: DayArg | None = None
    """Leave out events that ended before this day, counted from the schedule's day
    (default: `calendar.keep`)."""
    forecast: bool = False
    """Shade each row's forecast in the page's chart."""


def site_files(schedule: Schedule, request: SiteRequest, source_date_epoch: str | None) -> dict[str, bytes]:
    """Every file of the site, by path: the feeds and the page, judged as of the schedule's day."""
    return {path: b"".join(pieces) for path, pieces in site_pieces(schedule, request, source_date_epoch).items()}


def site_pieces(schedule: Schedule, request: SiteRequest, source_date_epoch: str | None) -> dict[str, Iterator[bytes]]:
    """The files of `site_files`, each made in pieces only as it is written (`write_site`)."""
    from .render.ics import schedule_stamp
    from .render.site import SiteOptions, site_chunks

    stamp = schedule_stamp(schedule, source_date_epoch)
    since = day_of(request.since, schedule.today, "--since")
    bands = None
    if request.forecast:
        from .forecast import bands as forecast_bands

        bands = forecast_bands(schedule)
    return site_chunks(schedule, SiteOptions(stamp, request.base_url, request.windows, since, bands))

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


def write_site(outdir: str, files: Mapping[str, bytes | Iterable[bytes]]) -> dict[str, int]:
    """Write every file (whole, or its pieces as they are made) into a new folder beside
    `outdir`, then swap it in; the size of each file written, by path.

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
    sizes: dict[str, int] = {}
    try:
        for rel, data in sorted(files.items()):
            path = os.path.join(staging, *rel.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.writelines([data] if isinstance(data, bytes) else data)
                sizes[rel] = f.tell()
        os.chmod(staging, 0o755)
        if os.path.isdir(target) and not os.path.islink(target):
            if _exchange(staging, target):
                shutil.rmtree(staging)  # now holds the old site
                return sizes
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
    return sizes

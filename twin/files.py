"""Writing files atomically: a reader, or a crash, sees the old file or the new one, never half.

The one writer for every file dctwin puts at a user's path (layouts, JSON,
CSV, reports, plots). A symlink is followed: its target is replaced and the
link stays a link. A read-only file is refused (ReadOnlyError), never
replaced.
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Union

PathLike = Union[str, os.PathLike]
NEW_FILE_MODE = 0o644


class ReadOnlyError(PermissionError):
    """The file to replace is read-only, so dctwin leaves it as it is."""


def resolve_target(path: PathLike) -> Path:
    """The file a write to `path` changes: a symlink's final target (the link itself is kept)."""
    target = Path(path)
    if target.is_symlink():
        target = Path(os.path.realpath(target))
    return target


def writable_mode(target: Path) -> int:
    """Permission bits for the new file (the old file's, else 0o644); refuses read-only files.

    Checked on the mode bits as well as os.access, so that root (who may
    write anything) still does not overwrite a file marked read-only.
    """
    try:
        status = target.stat()
    except FileNotFoundError:
        return NEW_FILE_MODE
    if stat.S_ISDIR(status.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(target))
    if not status.st_mode & 0o222 or not os.access(target, os.W_OK):
        raise ReadOnlyError(errno.EACCES, "the file is read-only, so it was not overwritten "
                                          "(make it writable or choose another file)", str(target))
    return status.st_mode & 0o777


def write_bytes_atomic(path: PathLike, data: bytes, backup: bool = False) -> Path:
    """Replace the file at `path` with `data`: temp file in the same folder, fsync, rename.

    `backup` keeps the previous content as `<name>.bak` next to the file.
    Returns `path` as given (a symlink stays the name the caller used).
    """
    target = resolve_target(path)
    folder = target.parent
    mode = writable_mode(target)
    if backup and target.exists():
        old = _write_temp(folder, target.name, target.read_bytes(), mode)
        _replace(old, target.with_name(target.name + ".bak"))
    _replace(_write_temp(folder, target.name, data, mode), target)
    fsync_folder(folder)
    return Path(path)


def write_text_atomic(path: PathLike, text: str, backup: bool = False) -> Path:
    """`write_bytes_atomic` for UTF-8 text, newlines written as given."""
    return write_bytes_atomic(path, text.encode("utf-8"), backup)


def _write_temp(folder: Path, name: str, data: bytes, mode: int) -> str:
    """Write data to a fresh hidden temp file in `folder`, flushed to disk; returns its path."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    return tmp


def _replace(tmp: str, target: Path) -> None:
    """Rename tmp over target; the temp file is removed if that fails."""
    try:
        os.replace(tmp, target)
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def fsync_folder(folder: PathLike) -> None:
    """Flush a folder's entries (a rename) to disk; a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder or ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

"""Writing files atomically: a reader, or a crash, sees the old file or the new one, never half.

The one writer for every file dctwin puts at a user's path (layouts, JSON,
CSV, reports, plots). A symlink is followed: its target is replaced and the
link stays a link. A read-only file is refused (ReadOnlyError), never
replaced. `write_folder_atomic` writes a set of files (a report) whole or
not at all.
"""
from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterable, Union

PathLike = Union[str, os.PathLike]
NEW_FILE_MODE = 0o644


class ReadOnlyError(PermissionError):
    """The file to replace is read-only, so dctwin leaves it as it is."""


class FolderNotEmptyError(FileExistsError):
    """The output folder exists and holds files; replacing them needs an explicit request."""


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


def write_folder_atomic(folder: PathLike, fill: Callable[[Path], list], replace: bool = False,
                        owned: Iterable[str] = ()) -> list:
    """Put the files `fill(temp_folder)` writes into `folder`: all of them or none.

    `fill` writes into a hidden temporary folder next to `folder` and returns
    the names it wrote; only then are they moved in. An absent or empty
    `folder` is replaced by the finished one in one rename. A non-empty one is
    refused (FolderNotEmptyError, before `fill` runs) unless `replace`: then
    the files named `owned` or written are swapped in, a failure restores the
    old ones, and other files in the folder are kept. On any error nothing
    new is left behind.
    """
    final = resolve_target(folder)
    if final.exists() and not final.is_dir():
        raise NotADirectoryError(errno.ENOTDIR, "exists and is not a folder", str(final))
    if _holds_files(final) and not replace:
        raise FolderNotEmptyError(errno.EEXIST, "the folder exists and is not empty", str(final))
    created = _make_parents(final.parent)
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    except BaseException:
        _remove_created(created, final.parent)
        raise
    try:
        os.chmod(work, 0o755)
        written = list(fill(work))
        if _holds_files(final):
            _swap_files(work, final, set(owned) | set(written))
        else:
            os.replace(work, final)   # onto an absent or empty folder: one atomic rename
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        _remove_created(created, final.parent)
        raise
    fsync_folder(final.parent)
    return written


def _holds_files(folder: Path) -> bool:
    return folder.is_dir() and any(folder.iterdir())


def _make_parents(parent: Path):
    """Create `parent` and its missing ancestors; the topmost one created, or None."""
    top = None
    for ancestor in (parent, *parent.parents):
        if ancestor.exists():
            break
        top = ancestor
    parent.mkdir(parents=True, exist_ok=True)
    return top


def _remove_created(top, parent: Path) -> None:
    """Remove the (now empty) folders `_make_parents` created, innermost first."""
    if top is None:
        return
    folder = parent
    while True:
        try:
            folder.rmdir()
        except OSError:
            return
        if folder == top:
            return
        folder = folder.parent


def _swap_files(work: Path, final: Path, names: set) -> None:
    """Move the finished files into a folder in use, old ones aside first; undone on failure."""
    aside = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".old", dir=final.parent))
    moved, placed = [], []
    try:
        for name in sorted(names):
            if os.path.lexists(final / name):
                os.replace(final / name, aside / name)
                moved.append(name)
        for name in sorted(os.listdir(work)):
            os.replace(work / name, final / name)
            placed.append(name)
    except BaseException:
        for name in placed:
            os.replace(final / name, work / name)
        for name in moved:
            os.replace(aside / name, final / name)
        shutil.rmtree(aside, ignore_errors=True)
        raise
    shutil.rmtree(aside, ignore_errors=True)
    shutil.rmtree(work, ignore_errors=True)

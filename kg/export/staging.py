"""A build's exports appear together or not at all.

    with Staging(out_dir) as stage:          # checks out_dir, removes what killed builds left, makes the stage
        write every export into stage.path
        stage.commit()                       # swaps the new set in
    # leaving the block without commit() (an error, Ctrl-C, SIGTERM) removes the stage: out_dir is untouched

Where the stage lives and how it is swapped in:

    beside out_dir (.<name>.kg-staging-<pid>-<random>/), the usual case: entries of out_dir that are not
        exports (a .gitkeep, a cache, your notes) are hard-linked into the stage, then one
        renameat2(RENAME_EXCHANGE) swaps the two folders, and the old one is removed. A reader sees the old
        folder or the new one, whole, at every instant; a build killed at any moment (even SIGKILL) leaves
        one or the other.
    inside out_dir (.kg-staging-<pid>-<random>/) when out_dir is a mount point (a Docker volume), holds the
        working directory (``--out .``), its parent is not writable, or the system cannot exchange folders: each export is renamed into place one by
        one (a folder by exchange). For well under a millisecond a reader may see some new files beside
        old ones, and a build killed (SIGKILL) in that instant leaves such a mix until the next build.

Exports of an earlier build in formats not written this time are removed (``replace_all``), so no file in
the folder disagrees with another; ``kg export`` keeps them (it adds formats to a build). Nothing that is
not a regular file or folder is ever replaced: a symbolic link, pipe or device where an export goes, or as
the output folder, stops the job before it starts (a symbolic link *to a folder* as the output folder is
followed: the folder it points to is updated and the link stays).

A cache kept in the output folder (say ``exports/.cache/``) is such an entry: a build may write it in
place while it runs, each entry by a temporary name renamed into place (so a killed build leaves whole
entries or none), and every swap carries it into the new folder by hard links, without copying.

Each stage is locked (flock on its folder) while its build runs; a later build removes every stage whose
lock it can take, i.e. whose build has died, and the temporary files older versions left.
SIGINT, SIGTERM and SIGHUP are held back during the swap itself and delivered right after it.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import signal
import stat
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import OutputError

MARK = ".kg-staging-"
_LEGACY = (".kg-build-",)
"""Work folders older versions made inside the output folder (and never removed when killed)."""
_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class Staging:
    """A folder to write a build's exports into, swapped into ``out_dir`` by ``commit()``.

    ``owned`` are the names exports take in ``out_dir`` (kg.export.FILES); with ``replace_all`` an owned
    entry the new set lacks is removed, otherwise kept.
    """

    def __init__(self, out_dir: Path, owned: Iterable[str], *, replace_all: bool = True) -> None:
        self.requested = out_dir
        self.out = out_dir
        self.owned = frozenset(owned)
        self.replace_all = replace_all
        self.path = out_dir
        self.beside = True
        self._fd = -1

    def __enter__(self) -> Staging:
        self.out = checked_out_dir(self.requested)
        check_owned(self.out, self.owned)
        remove_stale(self.out, self.owned)
        with signals_held():  # no interrupt between making the stage and knowing its name
            self.path, self.beside = self._make()
        try:
            self._fd = os.open(self.path, os.O_RDONLY)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:  # an interrupt before the with-block starts: leave nothing behind
            shutil.rmtree(self.path, ignore_errors=True)
            raise
        return self

    def __exit__(self, kind: object, error: BaseException | None, _: object) -> None:
        try:
            # before the commit the stage holds the new set, after it the old one (an interrupt held back
            # during the swap is delivered as it ends, before commit's own removal): gone either way
            shutil.rmtree(self.path, ignore_errors=True)
        finally:
            os.close(self._fd)
        if isinstance(error, OutputError) and Path(error.path).is_relative_to(self.path):
            # name the export as the user knows it, not its place in the stage
            where = self.out / Path(error.path).relative_to(self.path)
            raise OutputError(where, error.reason, error.hint) from error

    def _make(self) -> tuple[Path, bool]:
        token = f"{os.getpid()}-{secrets.token_hex(4)}"
        parent = self.out.parent
        if not (self.out.exists() and (os.path.ismount(self.out) or _holds_cwd(self.out))):
            try:
                parent.mkdir(parents=True, exist_ok=True)
                stage = parent / f".{self.out.name}{MARK}{token}"
                stage.mkdir()
                return stage, True
            except OSError as exc:
                if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                    raise
        self.out.mkdir(parents=True, exist_ok=True)
        stage = self.out / f"{MARK}{token}"
        stage.mkdir()
        return stage, False

    def commit(self) -> None:
        """Put the staged exports in place (see the module docstring for what a reader sees)."""
        check_owned(self.out, self.owned)
        with signals_held():
            swapped = self.beside and self._swap_folders()
            if not swapped:
                self._swap_entries()
        shutil.rmtree(self.path, ignore_errors=True)  # the old folder or entries, now under the stage's name

    def _swap_folders(self) -> bool:
        """The whole folder in one exchange; False when the system or the folder does not allow it."""
        if not self.out.exists():
            self.path.chmod(0o777 & ~_umask())
            try:
                os.rename(self.path, self.out)
                return True
            except OSError as exc:
                if exc.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
        carried: list[Path] = []
        try:
            for entry in sorted(os.listdir(self.out)):
                if self._keep(entry):
                    carried.append(self.path / entry)
                    _link_copy(self.out / entry, self.path / entry)
            self.path.chmod(stat.S_IMODE(self.out.stat().st_mode))
            exchange(self.path, self.out)
        except OSError:
            for path in carried:
                _remove(path)
            return False
        return True

    def _keep(self, entry: str) -> bool:
        """Whether an entry of the old folder goes on into the new one."""
        if entry.startswith(MARK) or os.path.lexists(self.path / entry):
            return False
        return entry not in self.owned or not self.replace_all

    def _swap_entries(self) -> None:
        """Each staged entry renamed into place; replaced and stale exports end in the stage, then removed."""
        trash = self.path / f"{MARK}old"
        trash.mkdir()
        staged = sorted(e for e in os.listdir(self.path) if e != trash.name)
        staged.sort(key=lambda e: e == "cppcc.ttl")  # the graph file last: the store keyed by it is in place
        for entry in staged:
            source, dest = self.path / entry, self.out / entry
            if source.is_dir() and not source.is_symlink() and dest.is_dir():
                try:
                    exchange(source, dest)
                    continue
                except OSError:
                    os.rename(dest, trash / entry)
            os.replace(source, dest)
        if self.replace_all:
            for entry in sorted(self.owned - set(staged)):
                if os.path.lexists(self.out / entry):
                    os.rename(self.out / entry, trash / entry)


def checked_out_dir(out_dir: Path) -> Path:
    """``out_dir`` as the folder to update: a symbolic link to a folder is followed; a file, pipe, device
    or broken link is refused (OutputError) rather than replaced."""
    try:
        info = out_dir.stat()
    except FileNotFoundError:
        if out_dir.is_symlink():
            raise OutputError(out_dir, "is a broken symbolic link", "remove it or choose another --out") from None
        return out_dir.absolute()
    except OSError as exc:
        raise output_error(exc, out_dir) from exc
    if not stat.S_ISDIR(info.st_mode):
        raise OutputError(out_dir, f"is {describe_mode(info.st_mode)}, not a folder", "choose a folder for --out")
    return out_dir.resolve() if out_dir.is_symlink() else out_dir.absolute()


def check_owned(out: Path, owned: Iterable[str]) -> None:
    """Refuse to go on when an export's name in ``out`` is taken by something kg does not write there."""
    for name in sorted(owned):
        try:
            info = os.lstat(out / name)
        except FileNotFoundError:
            continue
        except NotADirectoryError:
            return
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            raise OutputError(
                out / name, f"is {describe_mode(info.st_mode)}, not an export kg wrote", "remove it or choose another --out"
            )


def remove_stale(out: Path, owned: Iterable[str]) -> None:
    """Remove the stages of builds that died (their lock is free) and older versions' leftovers."""
    candidates: list[Path] = []
    if out.parent.is_dir():
        candidates += [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}{MARK}")]
    if out.is_dir():
        for p in out.iterdir():
            if p.name.startswith((MARK, *_LEGACY)):
                candidates.append(p)
            elif p.name.endswith((".tmp", ".old")) and any(p.name.startswith(f".{n}.") for n in owned):
                if not p.name.startswith(".cppcc.oxigraph."):  # a query may be building the store right now
                    candidates.append(p)
    for path in candidates:
        if _unlocked(path):
            _remove(path)


def _unlocked(path: Path) -> bool:
    if not path.is_dir() or path.is_symlink():
        return True
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def output_error(exc: OSError, where: Path) -> OutputError:
    """An OSError met while writing exports, as one line naming the path and what to do."""
    path = Path(os.fsdecode(exc.filename)) if exc.filename else where
    hint = {
        errno.ENOSPC: "the disk is full: free some space or choose another --out",
        errno.EDQUOT: "the disk quota is used up: free some space or choose another --out",
        errno.EROFS: "the file system is read-only: choose a writable --out",
        errno.EACCES: "permission denied: choose a folder you may write to (--out) or change its permissions",
        errno.EPERM: "not permitted: choose a folder you may write to (--out) or change its permissions",
        errno.ENOTDIR: "a part of the path is a file, not a folder: choose another --out",
        errno.EISDIR: "a folder is in the way of a file: remove it or choose another --out",
        errno.ENAMETOOLONG: "the path is too long: choose a shorter --out",
    }.get(exc.errno or 0, "check the output folder and try again")
    return OutputError(path, exc.strerror or str(exc), hint)


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP held back until the block ends, then delivered.

    The main thread blocks them; and since a signal sent to the process may land on any other thread that
    does not block it (threads a library started earlier: RocksDB's and rayon's after a store export, whose
    masks were set before this block), Python-level handlers note those too, for delivery at the end:
    without them Ctrl-C in the swap raised KeyboardInterrupt at once whenever such a thread was alive."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def note(signum: int, _frame: object) -> None:
        caught.append(signum)

    handlers = {number: signal.getsignal(number) for number in _SIGNALS}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    replaced = {number: handler for number, handler in handlers.items() if handler is not None}  # None: set from C
    for number in replaced:
        signal.signal(number, note)
    try:
        yield
    finally:
        for number, handler in replaced.items():
            signal.signal(number, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)  # what the main thread held is delivered here
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> None:
    """Swap two paths in one step (Linux renameat2 with RENAME_EXCHANGE); OSError where not possible."""
    libc = _libc()
    renameat2 = getattr(libc, "renameat2", None) if libc is not None else None
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available", str(a))
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


_LIBC: list[ctypes.CDLL | None] = []


def _libc() -> ctypes.CDLL | None:
    if not _LIBC:
        try:
            _LIBC.append(ctypes.CDLL(None, use_errno=True))
        except OSError:
            _LIBC.append(None)
    return _LIBC[0]


def _link_copy(source: Path, dest: Path) -> None:
    """``source`` reproduced at ``dest`` without copying data: files hard-linked, folders rebuilt, links
    re-made. OSError for what cannot be reproduced that way (pipes, devices, another file system)."""
    info = os.lstat(source)
    if stat.S_ISLNK(info.st_mode):
        os.symlink(os.readlink(source), dest)
    elif stat.S_ISREG(info.st_mode):
        os.link(source, dest, follow_symlinks=False)
    elif stat.S_ISDIR(info.st_mode):
        os.mkdir(dest)
        for child in sorted(os.listdir(source)):
            _link_copy(source / child, dest / child)
        os.chmod(dest, stat.S_IMODE(info.st_mode))
    else:
        raise OSError(errno.EINVAL, f"cannot carry {describe_mode(info.st_mode)} over", str(source))


def _holds_cwd(folder: Path) -> bool:
    """Whether the working directory is ``folder`` or inside it: swapping it would leave the shell that
    started the build in a removed folder."""
    try:
        return Path.cwd().resolve().is_relative_to(folder.resolve())
    except OSError:
        return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def describe_mode(mode: int) -> str:
    for test, name in (
        (stat.S_ISREG, "a file"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

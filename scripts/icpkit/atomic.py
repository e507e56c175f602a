"""Writing files so that a failure never leaves a partial file: temporary file, then rename."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import FrameType

from .errors import UsageError

#: temporary files of a run: `.<target>.icp-<pid>-<random>.tmp`, DuckDB's own `tmp_` copy of
#: it, and rewritten inputs, `.<input>.icp-<pid>-input.tmp`; a later run removes those whose
#: process is gone
LEFTOVER = re.compile(r"^(?:tmp_)?\..+\.icp-(\d+)-[A-Za-z0-9_]+\.tmp$")


def default_mode(directory: bool = False) -> int:
    """The mode a new file (or folder) gets from the process's umask: 0o644 (0o755) under
    the usual 022. A temporary file is created 0o600, which a web server or a colleague
    could not read once it is renamed into place."""
    mask = os.umask(0)
    os.umask(mask)
    return (0o777 if directory else 0o666) & ~mask


def mode_for(target: Path) -> int:
    """The mode `target` gets when written: its own when it exists, else a new file's."""
    return target.stat().st_mode & 0o7777 if target.exists() else default_mode()


def make_folder(folder: Path, target: Path | None = None) -> None:
    """Create `folder` (and its parents) for writing `target` into it. Raises UsageError
    naming the path and the reason when it cannot be (a file where a folder should be, no
    permission, a read-only disk)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(target or folder, exc) from None


def _cannot_write(target: Path, exc: OSError) -> UsageError:
    if isinstance(exc, (FileExistsError, NotADirectoryError)) and exc.filename:
        found = f"found a file at {exc.filename} where a folder should be"
    else:
        where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(target) else ""
        found = f"{exc.strerror or exc}{where}"
    return UsageError(
        f"cannot write {target}: {found}; expected a file path in a folder that can be written"
    )


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target`; renamed onto it when the block succeeds (with the
    mode of the file it replaces, or a new file's usual mode), removed when it fails.
    Raises UsageError when `target` cannot be written (see `make_folder`)."""
    target = Path(target)
    make_folder(target.parent, target)
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.icp-{os.getpid()}-", suffix=".tmp", dir=target.parent
        )
    except OSError as exc:
        raise _cannot_write(target, exc) from None
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        if tmp.exists():
            tmp.chmod(mode_for(target))
        try:
            tmp.replace(target)
        except OSError as exc:  # a folder where the file should go
            raise _cannot_write(target, exc) from None
    finally:
        tmp.unlink(missing_ok=True)


def write_text(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def atomic_paths(targets: Sequence[Path]) -> Iterator[list[Path]]:
    """Files that go together (a model and its schema.yml, an import and its property
    definitions): a temporary path beside each of `targets`, all renamed onto them when the
    block succeeds, none when it fails or is interrupted, so no target is replaced until
    every one is written. A target that could not be replaced (a folder in its place) is
    refused before anything is written. Raises UsageError as `atomic_path` does."""
    for target in targets:
        if Path(target).is_dir():
            raise _cannot_write(Path(target), IsADirectoryError(21, "Is a directory"))
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(atomic_path(Path(target))) for target in targets]


def write_texts(files: Mapping[Path, str]) -> None:
    """Write every file of `files` (path -> text) together (`atomic_paths`)."""
    with atomic_paths(list(files)) as tmps:
        for tmp, text in zip(tmps, files.values(), strict=True):
            tmp.write_text(text, encoding="utf-8")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files an earlier run into `folder` left behind (killed before it
    could clean up): only files named as `LEFTOVER` whose process no longer runs."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            m = LEFTOVER.match(entry.name)
            if m and entry.is_file(follow_symlinks=False) and not _alive(int(m.group(1))):
                with contextlib.suppress(OSError):
                    Path(entry.path).unlink()
                    removed.append(Path(entry.path))
    return removed


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt inside the block (as Ctrl-C does), so that every
    `finally` runs and temporary files are removed."""

    def handler(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)

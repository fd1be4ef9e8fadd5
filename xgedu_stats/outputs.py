"""Every file a command writes goes through here: its format, whether it may be written
there, and writing it so that nothing is damaged if the run stops half way.

- :func:`choose_format`: the format from ``--format`` or the file's extension, checked
  against what the command can write;
- :func:`check_outputs`: no output is an input, the config in use or the decisions file,
  and no two outputs of one run are the same file;
- :func:`open_output`: a regular file (or a new one) is written to a temporary file in the
  same folder and renamed over it (mode from the umask, or the replaced file's mode); a
  symlink is followed; a device, a FIFO or one of the process's own descriptors
  (``/dev/stdout``) is written in place, never replaced;
- :func:`all_or_nothing`: the files of one run replace their targets together at the end.

No pandas here: the CLI checks formats before anything heavy is imported.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from xgedu_stats.errors import InputError, OptionError, OutputError
from xgedu_stats.messages import display_path, os_reason

if TYPE_CHECKING:
    from xgedu_stats.config import Settings

#: The extensions of each format the tool writes; a file's extension decides its format
#: when ``--format`` is not given.
FORMAT_EXTENSIONS: Mapping[str, tuple[str, ...]] = {
    "text": (".txt",),
    "markdown": (".md",),
    "csv": (".csv",),
    "json": (".json",),
    "xlsx": (".xlsx",),
    "docx": (".docx",),
    "html": (".html", ".htm"),
}

#: Formats that are bytes, not text: they need a file (``-o``), never the terminal.
BINARY_FORMATS = ("xlsx", "docx")

#: Paths that name a descriptor the process already has open (its stdout, a shell
#: redirection): written in place, after what is there, never replaced.
_DESCRIPTOR = re.compile(r"^/(?:proc/[^/]+/fd/\d+|dev/fd/\d+|dev/std(?:out|err))$")

#: Symlinks followed at most (the system's own limit is 40).
_MAX_LINKS = 40


def formats_text(formats: Sequence[str]) -> str:
    """``text（.txt）、csv（.csv）``: formats as a clerk reads them, with their extensions.

    >>> formats_text(("text", "xlsx"))
    'text（.txt）、xlsx（.xlsx）'
    """
    return "、".join(f"{f}（{'、'.join(FORMAT_EXTENSIONS[f])}）" for f in formats)


def format_of(path: Path) -> str | None:
    """The format a file's extension names, if any.

    >>> format_of(Path("统计.MD")), format_of(Path("统计.pdf"))
    ('markdown', None)
    """
    suffix = path.suffix.lower()
    return next((f for f, exts in FORMAT_EXTENSIONS.items() if suffix in exts), None)


def choose_format(
    path: Path | None,
    given: str | None,
    allowed: Sequence[str],
    option: str = "-o",
    writer: str = "",
    format_option: bool = True,
) -> str:
    """The format to write: ``given`` (``--format``), else from the extension, else the first
    allowed (for the terminal, and for a device such as ``/dev/stdout``).

    An extension the command cannot write is an :class:`OptionError` naming the formats it can;
    with ``--format`` a name without a known extension is fine, but not another format's.
    ``writer`` names who writes (``aggregate``, ``--rejects``) in the message.

    >>> choose_format(Path("统计.md"), None, ("text", "markdown")), choose_format(None, None, ("text",))
    ('markdown', 'text')
    """
    named = format_of(path) if path is not None else None
    writer = writer or option
    can = f"{writer} 能写的格式为 {formats_text(allowed)}"
    if path is not None:
        shown = f"{option} {display_path(path)}"
    if given is not None:
        if given not in allowed:
            raise OptionError(f"{writer} 不能写 {given} 格式；{can}")
        if path is not None and named is not None and named != given:
            raise OptionError(
                f"{shown}：扩展名 {path.suffix} 是 {named} 格式的，与 --format {given} 不符；"
                f"请把扩展名改为 {FORMAT_EXTENSIONS[given][0]}，或不写 --format"
            )
        fmt = given
    elif path is None or (not path.suffix and (_is_device(path) or _is_descriptor(path))):
        fmt = allowed[0]  # the terminal's, or a device's (/dev/stdout, /dev/null): no extension
    elif named in allowed:
        fmt = named
    else:
        if named is not None:
            problem = f"不能写 {named} 格式"
            if named == "docx":  # (the only command that writes Word files)
                problem += "（Word 文件由 xgedu-stats report 写出：整篇年度报告）"
        elif path.suffix:
            problem = f"不能写 {path.suffix} 文件"
        else:
            problem = "文件名没有扩展名，无法确定格式"
        also = "；也可以用 --format 指定格式" if format_option else ""
        raise OptionError(f"{shown}：{problem}。{can}{also}")
    if fmt in BINARY_FORMATS and path is None:
        example = "统计" if writer == "aggregate" else "结果"
        raise OptionError(f"{fmt} 格式需要用 -o 指定输出文件，例如 -o {example}.{fmt}")
    return fmt


# --- which files may be written -------------------------------------------------------


def check_outputs(
    outputs: Sequence[tuple[str, Path | None]],
    paths: Sequence[Path],
    settings: Settings,
    kept: Mapping[Path, str] | None = None,
) -> None:
    """Refuse outputs that would overwrite an input, the config in use, the decisions file
    or another file the run reads (``kept``: each with what it is, 报告的模板 …), or each
    other. ``outputs`` pairs each option (``-o``, ``--rejects`` …) with its file.

    Files the tool wrote itself (skipped as inputs) may be written again.
    """
    from xgedu_stats.read import discover, same_file
    from xgedu_stats.read.sources import protected_files

    given = [(option, path) for option, path in outputs if path is not None]
    if not given:
        return
    for i, (option, path) in enumerate(given):
        for other_option, other in given[:i]:
            if _is_regular_or_new(path) and same_file(path, other):
                raise OptionError(
                    f"{other_option} 和 {option} 是同一个文件 {display_path(path)}，"
                    "后写的会覆盖先写的；请给每个输出一个不同的文件名"
                )
    for _, path in given:
        _check_folder(path)
    protected = {**protected_files(settings), **(kept or {})}
    for option, path in given:
        for kept, what in protected.items():
            if kept == Path("/dev/stdout") and _is_descriptor(path):
                continue  # (-o /dev/stdout >> log: writing where the shell points stdout)
            if same_file(path, kept):
                raise OutputError(
                    f"输出文件 {display_path(path)}（{option}）是{what}，不能覆盖；请换一个文件名"
                )
    inputs = discover(paths, protected).files
    for option, path in given:
        for source in inputs:
            if same_file(path, source.path):
                raise InputError(
                    f"输出文件 {display_path(path)}（{option}）是输入文件之一，不能覆盖；请换一个文件名"
                )


def _check_folder(path: Path) -> None:
    """Before a run: the folder a new or replaced output goes into exists and takes new
    files (else the report went to the terminal and the run failed only at the end)."""
    shown = display_path(path)
    how, target, old = _plan(path, shown)
    if how != "replace":
        return
    folder = target.parent
    said = display_path(folder if path.is_symlink() else path.parent)  # (as the clerk wrote it)
    if not folder.is_dir():
        raise OutputError(f"无法写入 {shown}：文件夹 {said} 不存在")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"无法写入 {shown}：没有权限在文件夹 {said} 中写文件")
    _check_replaceable(target, old, shown)


def _check_replaceable(target: Path, old: os.stat_result | None, shown: str) -> None:
    """A file is replaced (a new file renamed over it) only where it could be written: a
    read-only file, or another user's in a folder that keeps each user's files (the sticky
    bit, as /tmp), is refused as ``>`` would refuse it, not replaced and taken over."""
    if old is None:
        return
    if not os.access(target, os.W_OK):
        raise OutputError(f"无法写入 {shown}：文件是只读的，或没有写入它的权限")
    try:
        sticky = os.stat(target.parent).st_mode & stat.S_ISVTX
    except OSError:  # (gone since: writing will say so)
        return
    if sticky and hasattr(os, "geteuid") and os.geteuid() not in (0, old.st_uid):
        raise OutputError(
            f"无法写入 {shown}：文件属于其他用户，所在文件夹不允许替换别人的文件；请换一个文件名"
        )


def is_stream(path: Path) -> bool:
    """Whether writing ``path`` writes no file: a device, a FIFO, /dev/stdout …"""
    return _is_device(path) or _is_descriptor(path)


def _is_descriptor(path: Path) -> bool:
    """A path naming a descriptor the process holds (/dev/stdout, /proc/self/fd/1 …)."""
    return any(_DESCRIPTOR.match(p) for p in _link_chain(path))


def _is_device(path: Path) -> bool:
    """A device, a FIFO or a socket: something that exists and is neither a file nor a folder."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _is_regular_or_new(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True


# --- writing --------------------------------------------------------------------------

#: The files written so far in an :func:`all_or_nothing` block, waiting to replace their
#: targets: (temporary file, target, replaced file's status).
_PENDING: ContextVar[list[tuple[Path, Path, os.stat_result | None]] | None] = ContextVar(
    "pending_outputs", default=None
)


@contextmanager
def all_or_nothing() -> Iterator[None]:
    """Outputs opened inside replace their files together at the end, or none of them:
    a run stopped half way (Ctrl-C, an error) leaves every file as it was, not a set of
    new and old files that do not belong together."""
    pending: list[tuple[Path, Path, os.stat_result | None]] = []
    token = _PENDING.set(pending)
    try:
        yield
    except BaseException:
        for tmp, _, _ in pending:
            with suppress(OSError):
                tmp.unlink()
        raise
    finally:
        _PENDING.reset(token)
    for i, (tmp, target, old) in enumerate(pending):
        try:
            _replace(tmp, target, old)
        except BaseException as exc:
            for later, _, _ in pending[i:]:
                with suppress(OSError):
                    later.unlink()
            if isinstance(exc, OSError):
                raise OutputError(
                    f"无法写入 {display_path(target)}：{_write_reason(exc, target.parent)}"
                ) from None
            raise


def _replace(tmp: Path, target: Path, old: os.stat_result | None) -> None:
    if old is not None:
        _keep_owner_and_mode(tmp, old)
    os.replace(tmp, target)


@contextmanager
def open_output(
    path: Path, encoding: str | None = "utf-8", first_line: str | None = None
) -> Iterator[IO[Any]]:
    """A stream into ``path`` that replaces a regular file only once it is fully written.

    ``encoding=None`` gives a binary stream. ``first_line`` (the marker) starts a regular
    file, never a device or a descriptor such as ``/dev/stdout`` (pipes stay clean). On any
    failure, or Ctrl-C, or SIGTERM turned into an exception, the temporary file is removed
    and the old file is untouched. Failures to write are :class:`OutputError` lines.
    """
    shown = display_path(path)
    how, target, old = _plan(path, shown)
    if how != "replace":
        flags = os.O_WRONLY | (os.O_APPEND if how == "append" else 0)
        try:
            fd = os.open(target, flags | getattr(os, "O_BINARY", 0))
        except OSError as exc:
            raise OutputError(f"无法写入 {shown}：{os_reason(exc)}") from None
        try:
            with _stream(fd, encoding) as stream:
                yield stream
        except OSError as exc:
            raise OutputError(f"无法写入 {shown}：{os_reason(exc)}") from None
        return

    _check_replaceable(target, old, shown)
    folder = target.parent
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    tmp: Path | None = None
    try:
        for _ in range(100):
            tmp = folder / f".{target.name}.{secrets.token_hex(4)}.tmp"
            try:
                # 0o666: the umask (and a shared folder's default ACL) decide, as for any new file.
                fd = os.open(tmp, flags | getattr(os, "O_CLOEXEC", 0), 0o666)
                break
            except FileExistsError:
                tmp = None  # someone else's: never remove it
        else:
            raise OutputError(
                f"无法写入 {shown}：无法在文件夹 {display_path(folder)} 中建立临时文件"
            )
        with _stream(fd, encoding) as stream:
            if first_line is not None:
                stream.write(first_line + "\n")
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        pending = _PENDING.get()
        if pending is not None:  # replaced with the others at the end of the block
            pending.append((tmp, target, old))
            return
        _replace(tmp, target, old)
    except BaseException as exc:
        if tmp is not None:
            with suppress(OSError):
                tmp.unlink()
        if isinstance(exc, OSError):
            raise OutputError(f"无法写入 {shown}：{_write_reason(exc, folder)}") from None
        raise


def _plan(path: Path, shown: str) -> tuple[str, Path, os.stat_result | None]:
    """How to write ``path``: ``replace`` the regular file it names (following symlinks), or
    write a device or FIFO ``in place``, or ``append`` to a descriptor the process holds."""
    try:
        st: os.stat_result | None = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        st = None
    except OSError as exc:
        raise OutputError(f"无法写入 {shown}：{os_reason(exc)}") from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(f"无法写入 {shown}：这是一个文件夹；请给出文件名")
    if st is not None and not stat.S_ISREG(st.st_mode):
        return "in place", path, st
    if st is not None and _is_descriptor(path):
        return "append", path, st  # e.g. -o /dev/stdout >> log.txt: the shell opened it
    return "replace", Path(os.path.realpath(path)), st


def _link_chain(path: Path) -> list[str]:
    """``path`` and every path its symlinks lead through, as absolute paths."""
    current = os.path.abspath(path)
    chain = [current]
    for _ in range(_MAX_LINKS):
        try:
            link = os.readlink(current)
        except (OSError, ValueError):
            break
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
        chain.append(current)
    return chain


def _stream(fd: int, encoding: str | None) -> IO[Any]:
    if encoding is None:
        return open(fd, "wb")
    return open(fd, "w", encoding=encoding, newline="")


def _keep_owner_and_mode(tmp: Path, old: os.stat_result) -> None:
    """The replacing file keeps the replaced one's mode (and owner, where allowed)."""
    if hasattr(os, "chown"):
        with suppress(OSError):  # only root, or the owner changing the group, may
            os.chown(tmp, old.st_uid, old.st_gid)
    os.chmod(tmp, stat.S_IMODE(old.st_mode))


def _write_reason(exc: OSError, folder: Path) -> str:
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return f"文件夹 {display_path(folder)} 不存在"
    if isinstance(exc, PermissionError):
        return f"没有权限在文件夹 {display_path(folder)} 中写文件"
    return os_reason(exc)

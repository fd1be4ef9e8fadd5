"""The one place that opens outputs: atomic for regular files, in place for anything else,
one clear line on failure, nothing left behind; formats per command; outputs never inputs."""

from __future__ import annotations

import errno
import os
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from xgedu_stats import outputs
from xgedu_stats.config import Settings
from xgedu_stats.errors import InputError, OptionError, OutputError
from xgedu_stats.outputs import check_outputs, choose_format, open_output

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def write(path: Path, text: str = "new\n", **kwargs: object) -> None:
    with open_output(path, **kwargs) as stream:  # type: ignore[arg-type]
        stream.write(text)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


# --- regular files ------------------------------------------------------------------------


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_follows_the_umask(tmp_path: Path, mask: int, mode: int) -> None:
    old = os.umask(mask)
    try:
        write(tmp_path / "out.txt")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == mode
    assert (tmp_path / "out.txt").read_text() == "new\n"


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask: None) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    inode = target.stat().st_ino
    write(target)
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.stat().st_ino != inode  # replaced (renamed over), not rewritten in place
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("error", [ValueError, KeyboardInterrupt])
def test_a_failure_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, error: type[BaseException]
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(error), open_output(target) as stream:
        stream.write("half")
        assert len(leftovers(tmp_path)) == 1  # (the test would pass vacuously otherwise)
        raise error
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_first_line_starts_a_regular_file(tmp_path: Path) -> None:
    write(tmp_path / "a.csv", "x\n", encoding="utf-8-sig", first_line="# mark")
    assert (tmp_path / "a.csv").read_bytes() == "\ufeff# mark\nx\n".encode()


def test_binary_stream(tmp_path: Path) -> None:
    with open_output(tmp_path / "a.xlsx", None) as stream:
        stream.write(b"PK\x03\x04")
    assert (tmp_path / "a.xlsx").read_bytes() == b"PK\x03\x04"


# --- symlinks, devices, FIFOs, descriptors --------------------------------------------------


def test_a_symlink_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "out.txt"
    target.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new\n"
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "real") == []


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.txt"
    link.symlink_to(tmp_path / "made.txt")
    write(link)
    assert link.is_symlink() and (tmp_path / "made.txt").read_text() == "new\n"


@pytest.mark.skipif(not ROOT or not hasattr(os, "mknod"), reason="making a device node needs root")
def test_a_device_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # the same device as /dev/null
    write(null, first_line="# mark")
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_dev_null_stays_a_device() -> None:
    write(Path("/dev/null"))
    assert stat.S_ISCHR(os.lstat("/dev/null").st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_written_in_place_without_the_marker(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write(fifo, "统计\n", first_line="# mark")
    reader.join(timeout=10)
    assert received == ["统计\n".encode()]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="no /proc/self/fd")
def test_a_symlink_to_a_descriptor_of_a_pipe_is_written_in_place(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    try:
        link = tmp_path / "out.txt"
        link.symlink_to(f"/proc/self/fd/{write_end}")
        write(link, "统计\n", first_line="# mark")
        assert os.read(read_end, 100) == "统计\n".encode()
        assert link.is_symlink()
    finally:
        os.close(read_end)
        os.close(write_end)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="no /proc/self/fd")
def test_dev_stdout_redirected_to_a_file_appends_and_keeps_the_file(tmp_path: Path) -> None:
    """``-o /dev/stdout >> log.txt``: what the shell opened is written after what is there."""
    log = tmp_path / "log.txt"
    log.write_text("old\n")
    inode = log.stat().st_ino
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    try:
        write(Path(f"/proc/self/fd/{fd}"), "new\n", first_line="# mark")
    finally:
        os.close(fd)
    assert log.read_text() == "old\nnew\n"
    assert log.stat().st_ino == inode
    assert leftovers(tmp_path) == []


# --- failures, each one line ------------------------------------------------------------------


def test_a_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "nope" / "out.txt"
    with pytest.raises(OutputError) as exc:
        write(target)
    assert str(exc.value) == f"无法写入 {target}：文件夹 {tmp_path / 'nope'} 不存在"


def test_a_missing_or_closed_folder_is_found_before_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9 attack: ``--duplicates 没有的文件夹/d.csv`` printed the whole report, then failed."""
    from conftest import run_limited

    mini = Path(__file__).resolve().parent / "fixtures" / "mini"
    done = run_limited(["aggregate", str(mini), "--duplicates", "nope/d.csv"], tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "错误：无法写入 nope/d.csv：文件夹 nope 不存在\n"
    monkeypatch.setattr(outputs.os, "access", lambda path, mode: Path(path) != tmp_path)
    with pytest.raises(OutputError) as exc:  # (as root, permissions stop nothing: a stand-in)
        check_outputs([("-o", tmp_path / "out.txt")], [mini], Settings())
    assert str(exc.value) == (
        f"无法写入 {tmp_path / 'out.txt'}：没有权限在文件夹 {tmp_path} 中写文件"
    )


def test_a_directory_as_the_output(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as exc:
        write(tmp_path)
    assert str(exc.value) == f"无法写入 {tmp_path}：这是一个文件夹；请给出文件名"


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.EACCES, "没有权限在文件夹 {} 中写文件"), (errno.EROFS, "所在的磁盘只读")],
)
def test_a_folder_that_refuses_new_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, reason: str
) -> None:
    """As root permissions do not stop a write, so the refusal is made by a stand-in ``os.open``."""
    real_open = os.open

    def refusing(path: object, *args: object, **kwargs: object) -> int:
        if Path(str(path)).parent == tmp_path:
            exc = PermissionError if code == errno.EACCES else OSError
            raise exc(code, os.strerror(code), str(path))
        return real_open(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(outputs.os, "open", refusing)
    target = tmp_path / "out.txt"
    with pytest.raises(OutputError) as exc:
        write(target)
    assert str(exc.value) == f"无法写入 {target}：{reason.format(tmp_path)}"


@pytest.mark.skipif(
    ROOT or sys.platform == "win32", reason="root may write into a read-only folder"
)
def test_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError) as exc:
            write(folder / "out.txt")
    finally:
        folder.chmod(0o755)
    assert str(exc.value) == f"无法写入 {folder / 'out.txt'}：没有权限在文件夹 {folder} 中写文件"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_no_space_for_a_workbook_is_one_line(tmp_path: Path) -> None:
    """Issue 9 attack: a full disk under an xlsx output printed openpyxl's and zipfile's
    clean-up tracebacks ("Exception ignored in …") after the error line."""
    from conftest import run_limited

    mini = Path(__file__).resolve().parent / "fixtures" / "mini"
    done = run_limited(["aggregate", str(mini), "-q", "-o", "/dev/full", "-f", "xlsx"], tmp_path)
    assert (done.returncode, done.stderr) == (1, "错误：无法写入 /dev/full：磁盘空间不足\n")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_no_space_left() -> None:
    with pytest.raises(OutputError) as exc:
        write(Path("/dev/full"), "统计" * 10000)
    assert str(exc.value) == "无法写入 /dev/full：磁盘空间不足"


def test_no_space_while_writing_a_regular_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(outputs.os, "fsync", full)
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(OutputError) as exc:
        write(target)
    assert str(exc.value) == f"无法写入 {target}：磁盘空间不足"
    assert target.read_text() == "old" and leftovers(tmp_path) == []


# --- formats ---------------------------------------------------------------------------------

AGGREGATE = ("text", "markdown", "csv", "json", "xlsx")


@pytest.mark.parametrize(
    ("name", "given", "allowed", "expected"),
    [
        (None, None, AGGREGATE, "text"),
        ("统计.MD", None, AGGREGATE, "markdown"),
        ("统计.xlsx", None, AGGREGATE, "xlsx"),
        ("统计", "json", AGGREGATE, "json"),
        ("统计.pdf", "csv", AGGREGATE, "csv"),  # with --format, an unknown extension is fine
        ("d.txt", None, ("text", "csv", "xlsx"), "text"),
        (None, "csv", ("text", "csv", "xlsx"), "csv"),
    ],
)
def test_choose_format(
    name: str | None, given: str | None, allowed: tuple[str, ...], expected: str
) -> None:
    path = Path(name) if name else None
    assert choose_format(path, given, allowed, writer="aggregate") == expected


@pytest.mark.parametrize(
    ("name", "given", "allowed", "message"),
    [
        (
            "统计.pdf",
            None,
            AGGREGATE,
            "-o 统计.pdf：不能写 .pdf 文件。aggregate 能写的格式为 text（.txt）、markdown（.md）、"
            "csv（.csv）、json（.json）、xlsx（.xlsx）；也可以用 --format 指定格式",
        ),
        (
            "统计.docx",
            None,
            AGGREGATE,
            "-o 统计.docx：不能写 docx 格式（Word 文件由 xgedu-stats report 写出：整篇年度报告）。"
            "aggregate 能写的格式为 text（.txt）、markdown（.md）、"
            "csv（.csv）、json（.json）、xlsx（.xlsx）；也可以用 --format 指定格式",
        ),
        (
            "统计",
            None,
            ("text", "json"),
            "-o 统计：文件名没有扩展名，无法确定格式。aggregate 能写的格式为 text（.txt）、"
            "json（.json）；也可以用 --format 指定格式",
        ),
        (
            "统计.txt",
            "json",
            AGGREGATE,
            "-o 统计.txt：扩展名 .txt 是 text 格式的，与 --format json 不符；"
            "请把扩展名改为 .json，或不写 --format",
        ),
        (None, "xlsx", AGGREGATE, "xlsx 格式需要用 -o 指定输出文件，例如 -o 统计.xlsx"),
        (
            None,
            "markdown",
            ("text", "json"),
            "aggregate 不能写 markdown 格式；aggregate 能写的格式为 text（.txt）、json（.json）",
        ),
    ],
)
def test_choose_format_refuses(
    name: str | None, given: str | None, allowed: tuple[str, ...], message: str
) -> None:
    with pytest.raises(OptionError) as exc:
        choose_format(Path(name) if name else None, given, allowed, writer="aggregate")
    assert str(exc.value) == message


def test_detail_files_name_their_option_and_offer_no_format_option() -> None:
    with pytest.raises(OptionError) as exc:
        choose_format(Path("r.txt"), None, ("csv", "xlsx"), option="--rejects", format_option=False)
    assert str(exc.value) == (
        "--rejects r.txt：不能写 text 格式。--rejects 能写的格式为 csv（.csv）、xlsx（.xlsx）"
    )


# --- outputs are never inputs, the config or the decisions file, nor each other ----------------


def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "门户.csv").write_text("标题,日期\n甲,2018-01-01\n", encoding="utf-8")
    return folder


def test_an_input_is_refused(tmp_path: Path) -> None:
    folder = exports(tmp_path)
    target = folder / "门户.csv"
    with pytest.raises(InputError) as exc:
        check_outputs([("-o", tmp_path / "out.csv"), ("--rejects", target)], [folder], Settings())
    assert (
        str(exc.value) == f"输出文件 {target}（--rejects）是输入文件之一，不能覆盖；请换一个文件名"
    )


@pytest.mark.parametrize("how", ["symlink", "hardlink"])
def test_another_name_of_an_input_is_refused(tmp_path: Path, how: str) -> None:
    folder = exports(tmp_path)
    other = tmp_path / "other.csv"
    if how == "symlink":
        other.symlink_to(folder / "门户.csv")
    else:
        os.link(folder / "门户.csv", other)
    with pytest.raises(InputError, match="是输入文件之一"):
        check_outputs([("-o", other)], [folder], Settings())


def test_the_config_and_the_decisions_file_are_refused(tmp_path: Path) -> None:
    from dataclasses import replace

    folder = exports(tmp_path)
    config, decisions = tmp_path / "c.toml", tmp_path / "d.csv"
    settings = Settings(source=config)
    settings = replace(settings, dedupe=replace(settings.dedupe, decisions=decisions))
    with pytest.raises(OutputError) as exc:
        check_outputs([("-o", config)], [folder], settings)
    assert (
        str(exc.value) == f"输出文件 {config}（-o）是正在使用的配置文件，不能覆盖；请换一个文件名"
    )
    with pytest.raises(OutputError) as exc:
        check_outputs([("--write-decisions", decisions)], [folder], settings)
    assert str(exc.value) == (
        f"输出文件 {decisions}（--write-decisions）是配置中指定的人工判定文件"
        "（[dedupe] decisions），不能覆盖；请换一个文件名"
    )


def test_two_outputs_may_not_be_one_file(tmp_path: Path) -> None:
    folder = exports(tmp_path)
    out = tmp_path / "x.csv"
    link = tmp_path / "y.csv"
    link.symlink_to(out)  # not there yet: compared by the path it resolves to
    with pytest.raises(OptionError) as exc:
        check_outputs(
            [("-o", out), ("--rejects", None), ("--duplicates", link)], [folder], Settings()
        )
    assert str(exc.value) == (
        f"-o 和 --duplicates 是同一个文件 {link}，后写的会覆盖先写的；请给每个输出一个不同的文件名"
    )
    check_outputs(
        [("-o", Path("/dev/null")), ("--rejects", Path("/dev/null"))], [folder], Settings()
    )


def test_an_output_the_tool_wrote_may_be_written_again(tmp_path: Path) -> None:
    folder = exports(tmp_path)
    rejects = folder / "rejects.csv"
    rejects.write_text("# xgedu-stats 0.1.0 写出：无效行明细（统计时不作为导出数据读取）\n标题\n")
    check_outputs([("--rejects", rejects)], [folder], Settings())


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_a_device_without_an_extension_takes_the_default_format() -> None:
    """``--rejects /dev/null``, ``-o /dev/stdout``: as if written to the terminal."""
    assert choose_format(Path("/dev/null"), None, ("csv", "xlsx"), option="--rejects") == "csv"
    assert choose_format(Path("/dev/null"), None, ("text", "json")) == "text"


def test_the_outputs_of_a_run_are_replaced_together_or_not_at_all(tmp_path: Path) -> None:
    """Issue 8 trial: a run stopped while writing its third file left the first two new and
    the third old. Here the last output cannot be written: the first keeps its old content."""
    from click.testing import CliRunner

    from xgedu_stats.cli import cli

    export = tmp_path / "门户.csv"
    export.write_bytes("标题,日期\n甲,2018-03-01\n".encode())
    out = tmp_path / "统计.csv"
    out.write_text("旧的统计\n", encoding="utf-8")
    missing = tmp_path / "没有这个文件夹" / "重复.csv"
    result = CliRunner().invoke(
        cli, ["aggregate", str(export), "-o", str(out), "--duplicates", str(missing)]
    )
    assert result.exit_code == 1
    assert out.read_text(encoding="utf-8") == "旧的统计\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["统计.csv", "门户.csv"]  # no temp files


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="no /dev/stdout")
def test_dash_o_dev_stdout_appended_to_a_log(tmp_path: Path) -> None:
    """Issue 9 attack: ``-o /dev/stdout >> log`` was refused (no extension, then 不能覆盖:
    the redirect target is protected as an input) although the README says it appends."""
    import subprocess

    mini = Path(__file__).resolve().parent / "fixtures" / "mini"
    log = tmp_path / "log.txt"
    log.write_text("old\n", encoding="utf-8")
    command = [sys.executable, "-m", "xgedu_stats", "aggregate", str(mini), "-q"]
    with open(log, "a", encoding="utf-8") as stream:
        done = subprocess.run([*command, "-o", "/dev/stdout"], stdout=stream, stderr=subprocess.PIPE,
                              text=True, cwd=tmp_path, timeout=120)  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    text = log.read_text(encoding="utf-8")
    assert text.startswith("old\n统计期：") and text.endswith("去重后信息 6 条\n")


def test_a_read_only_or_anothers_file_is_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 9 attack: as an ordinary user, -o over a root-owned 0444 file in a shared folder
    replaced it (now the user's); in a sticky folder the error blamed the folder. Root may
    do anything, so stand-ins play the ordinary user."""
    target = tmp_path / "precious.csv"
    target.write_text("keep\n", encoding="utf-8")
    real_access = os.access
    monkeypatch.setattr(outputs.os, "access", lambda p, m: Path(p) != target and real_access(p, m))
    with pytest.raises(OutputError) as exc:
        write(target)
    assert str(exc.value) == f"无法写入 {target}：文件是只读的，或没有写入它的权限"
    assert target.read_text(encoding="utf-8") == "keep\n"
    monkeypatch.setattr(outputs.os, "access", real_access)
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    theirs = shared / "theirs.csv"
    theirs.write_text("keep\n", encoding="utf-8")
    monkeypatch.setattr(outputs.os, "geteuid", lambda: os.stat(theirs).st_uid + 1, raising=False)
    with pytest.raises(OutputError) as exc:
        write(theirs)
    assert str(exc.value) == (
        f"无法写入 {theirs}：文件属于其他用户，所在文件夹不允许替换别人的文件；请换一个文件名"
    )
    assert leftovers(shared) == []

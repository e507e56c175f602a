"""`mkdocs build` and `mkdocs serve`, what editors run to preview, on a broken handbook: build
stops with the one-line message `icp build` prints (no traceback); serve starts anyway,
shows the problem on the page, and keeps serving the last good build while a file is
broken."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import REPO, TODAY, copy_handbook

TYPO = ("field: growth_rate, at_least: 30", "feild: growth_rate, at_least: 30")


def site_copy(tmp_path: Path) -> Path:
    root = copy_handbook(tmp_path / "hb")
    shutil.copyfile(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "site_src", root / "site_src")
    return root


def env(**extra: str) -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "ICP_TODAY": TODAY.isoformat(), **extra}


def mkdocs() -> str:
    return str(Path(sys.executable).with_name("mkdocs"))


def break_profile(root: Path, broken: bool = True) -> None:
    path = root / "profiles" / "icp" / "na-saas-scaleups.yaml"
    text = path.read_text()
    path.write_text(text.replace(*TYPO) if broken else text.replace(*reversed(TYPO)))


def test_build_stops_with_one_line(tmp_path: Path) -> None:
    root = site_copy(tmp_path)
    break_profile(root)
    done = subprocess.run(
        [mkdocs(), "build"], cwd=root, env=env(), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1
    # the line and column of the typo, as the profile holds it
    text = (root / "profiles" / "icp" / "na-saas-scaleups.yaml").read_text()
    line = text[: text.index(TYPO[1])].count("\n") + 1
    column = text.index(TYPO[1]) - text.rfind("\n", 0, text.index(TYPO[1]))
    where = f"na-saas-scaleups.yaml:{line}:{column}"
    assert where in errors[0] and "did you mean 'field'" in errors[0]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        body: bytes = response.read()
    return body.decode()


def _wait_for(url: str, check: str | None, *, present: bool, deadline: float) -> str:
    while time.monotonic() < deadline:
        try:
            page = _get(url)
        except OSError:
            time.sleep(0.5)
            continue
        if check is None or (check in page) == present:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{url}: {check!r} {'never appeared' if present else 'stayed'}")


def test_serve_shows_the_problem_and_keeps_the_last_good_build(tmp_path: Path) -> None:
    root = site_copy(tmp_path)
    break_profile(root)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen(
        [mkdocs(), "serve", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env=env(ICP_SITE_URL=url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    note = "Not current: the handbook did not build"
    try:
        deadline = time.monotonic() + 240
        page = _wait_for(url, note, present=True, deadline=deadline)
        assert "did you mean" in page  # the problem itself, on the page
        break_profile(root, broken=False)
        page = _wait_for(url, note, present=False, deadline=deadline)
        assert "na-saas-scaleups" in page
        break_profile(root)
        page = _wait_for(url, note, present=True, deadline=deadline)
        assert "na-saas-scaleups" in page  # the last good build, still served
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert "Traceback" not in err

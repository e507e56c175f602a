"""Throwaway engines for the warehouse tests: a PostgreSQL cluster and a Spark session.

PostgreSQL: Debian's server binaries (`/usr/lib/postgresql/*/bin`), a new cluster
in a temporary directory, TCP on 127.0.0.1 only (no Unix socket), trust auth,
fsync off. `initdb` refuses to run as root, so as root the server runs as the
`postgres` user (created by the Debian package) or, failing that, `nobody`.

Spark: pyspark in local mode with SPARK_LOCAL_IP=127.0.0.1, one session per run.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[4]))
    return found[-1].parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throwaway PostgreSQL; yield its DSN; stop it and remove its data."""
    bindir = pg_bin()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries not found: run scripts/setup.sh")
    root = os.geteuid() == 0
    user = None
    if root:
        for name in ("postgres", "nobody"):
            try:
                user = pwd.getpwnam(name)
                break
            except KeyError:
                continue
    base = Path(tempfile.mkdtemp(prefix="icp-pg."))
    data = base / "data"
    if user is not None:
        os.chown(base, user.pw_uid, user.pw_gid)
        base.chmod(0o700)

    def as_pg(*cmd: str) -> None:
        full = ["runuser", "-u", user.pw_name, "--", *cmd] if user is not None else list(cmd)
        subprocess.run(full, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    port = free_port()
    try:
        as_pg(
            str(bindir / "initdb"), "-D", str(data), "-U", "icp", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions",
        )  # fmt: skip
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c shared_buffers=128MB -c work_mem=64MB -c jit=off"
        )
        as_pg(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"),
              "-w", "-t", "60", "start", "-o", opts)  # fmt: skip
        yield f"host=127.0.0.1 port={port} user=icp dbname=postgres"
    finally:
        if (data / "postmaster.pid").exists():
            as_pg(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


def spark_available() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return shutil.which("java") is not None

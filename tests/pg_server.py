"""A throwaway PostgreSQL server for the tests and the benchmark.

The server binaries are the system's own when ``initdb`` and ``pg_ctl`` are on PATH
(Debian's postgresql package), else the ones the ``pgserver`` package ships. The
cluster lives in a temporary folder, listens on a free loopback port, and is stopped
and removed at the end. Run as root (as CI does), the server runs as ``nobody``:
PostgreSQL refuses to run as root.

The superuser ``postgres`` connects without a password from this computer; every
other role needs its password (scram-sha-256), as on a school's server.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# Set by `make test` (and so by CI): PostgreSQL tests fail rather than skip without a server.
REQUIRE_ENV = "CRISISQUIZ_REQUIRE_POSTGRES"
BIN_ENV = "CRISISQUIZ_TEST_PG_BIN"
SUPERUSER = "postgres"


def postgres_required() -> bool:
    """Whether a missing PostgreSQL must fail the run (``make test``, CI) instead of skipping."""
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0") or os.environ.get("CI", "") not in (
        "",
        "0",
        "false",
    )


def find_binaries() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None when there is none."""
    explicit = os.environ.get(BIN_ENV)
    if explicit:
        return Path(explicit)
    on_path = [shutil.which(name) for name in ("initdb", "pg_ctl", "postgres")]
    if all(on_path):
        return Path(os.path.realpath(str(on_path[1]))).parent
    spec = importlib.util.find_spec("pgserver")
    if spec is not None and spec.submodule_search_locations:
        folder = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
        if (folder / "pg_ctl").exists():
            return folder
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class TestServer:
    """A running cluster: where it listens and how to reach it."""

    bin_dir: Path
    folder: Path
    port: int = 0
    user: str | None = None  # the system user the server runs as (None: this one)
    settings: dict[str, str] = field(default_factory=dict)

    __test__ = False  # not a test class, whatever pytest thinks of the name

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def host(self) -> str:
        return "127.0.0.1"

    def url(self, database: str = "postgres", user: str = SUPERUSER, password: str = "") -> str:
        """A SQLAlchemy URL for psycopg 3."""
        secret = f":{password}" if password else ""
        return f"postgresql+psycopg://{user}{secret}@{self.host}:{self.port}/{database}"

    def dsn(self, database: str = "postgres", user: str = SUPERUSER, password: str = "") -> str:
        """A libpq connection string, for plain psycopg connections."""
        parts = [f"host={self.host}", f"port={self.port}", f"dbname={database}", f"user={user}"]
        if password:
            parts.append(f"password={password}")
        return " ".join(parts)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            user=self.user,
            env={**os.environ, "LC_ALL": "C", "TZ": "UTC"},
            cwd=self.folder,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed ({done.returncode}): {done.stderr.strip()}")
        return done

    def start(self) -> None:
        """initdb, write pg_hba.conf, start, and wait until the server accepts connections."""
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
            "--auth=trust",  # pg_hba.conf is written below
        )
        (self.data / "pg_hba.conf").write_text(
            f"host all {SUPERUSER} 127.0.0.1/32 trust\n"
            "host all all 127.0.0.1/32 scram-sha-256\n"
            f"local all {SUPERUSER} trust\n"
        )
        options = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.folder),
            # Throwaway data: nothing needs to survive a crash of this server.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "100",
            **self.settings,
        }
        for attempt in range(5):
            self.port = _free_port()
            flags = " ".join(f"-c {key}={value}" for key, value in options.items())
            try:
                self._run(
                    "pg_ctl",
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.folder / "server.log"),
                    "-w",
                    "-t",
                    "120",
                    "-o",
                    f"-p {self.port} {flags}",
                    "start",
                )
                return
            except RuntimeError as error:
                if attempt == 4:
                    raise RuntimeError(f"{error}\n{self.log()}") from None

    def log(self) -> str:
        """What the server wrote to its log."""
        path = self.folder / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_server(settings: dict[str, str] | None = None) -> TestServer:
    """A new cluster in a temporary folder, started; raises RuntimeError when impossible."""
    bin_dir = find_binaries()
    if bin_dir is None:
        raise RuntimeError(
            "no PostgreSQL server binaries: install Debian's postgresql package or "
            "the pgserver package (pip install pgserver)"
        )
    folder = Path(tempfile.mkdtemp(prefix="crisisquiz-pg-"))
    user = None
    if os.geteuid() == 0:
        # PostgreSQL will not run as root; the cluster belongs to an unprivileged user.
        user = "nobody"
        shutil.chown(folder, user=user)
    server = TestServer(bin_dir=bin_dir, folder=folder, user=user, settings=settings or {})
    try:
        server.start()
    except BaseException:
        server.stop()
        raise
    return server

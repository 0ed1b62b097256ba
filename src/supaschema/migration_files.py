"""The generated/ folder: comparing rendered files with what is on disk, and writing them all-or-nothing."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, UserError


@dataclass(frozen=True, slots=True)
class FolderState:
    missing: tuple[str, ...]
    stale: tuple[str, ...]
    unexpected: tuple[str, ...]  # .sql files on disk that schema.yaml does not render

    @property
    def up_to_date(self) -> bool:
        return not (self.missing or self.stale)


def compare_folder(out_dir: Path, rendered: dict[str, str]) -> FolderState:
    missing, stale = [], []
    for name, text in rendered.items():
        path = out_dir / name
        if not path.is_file():
            missing.append(name)
        elif path.read_bytes() != text.encode("utf-8"):
            stale.append(name)
    on_disk = sorted(p.name for p in out_dir.glob("*.sql")) if out_dir.is_dir() else []
    unexpected = [n for n in on_disk if n not in rendered]
    return FolderState(tuple(missing), tuple(stale), tuple(unexpected))


def write_all(out_dir: Path, files: dict[str, str]) -> list[str]:
    """Write every file or none: all go to temporary files first, then each is renamed into place.

    Returns the names whose content changed.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(Problem(str(out_dir), f"cannot create the output folder: {exc.strerror}", "choose a writable folder with --out")) from None
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

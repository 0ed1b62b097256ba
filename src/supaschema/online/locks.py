"""What a statement locks, and what it does while it holds the lock: PostgreSQL's documented lock levels.

Read from the statement's tokens (comments dropped, quoted names kept), for the forms migrations use:
ALTER TABLE (each subcommand), CREATE/DROP INDEX [CONCURRENTLY], CREATE/DROP TRIGGER, CREATE/ALTER/DROP
POLICY, LOCK, TRUNCATE, DROP TABLE, VACUUM FULL, CLUSTER, REINDEX, REFRESH MATERIALIZED VIEW. Anything else takes no lock that
matters to traffic, or is not understood and says so; nothing is guessed from loose text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..sqltext.statements import _pieces

ACCESS_EXCLUSIVE = "ACCESS EXCLUSIVE"  # blocks reads and writes
EXCLUSIVE = "EXCLUSIVE"
SHARE_ROW_EXCLUSIVE = "SHARE ROW EXCLUSIVE"  # blocks writes
SHARE = "SHARE"  # blocks writes
SHARE_UPDATE_EXCLUSIVE = "SHARE UPDATE EXCLUSIVE"  # reads and writes go on
LEVELS = ("ACCESS SHARE", "ROW SHARE", "ROW EXCLUSIVE", SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE)
BLOCKS_WRITES = {SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE}

# What the statement does to the rows while it holds the lock.
CATALOG = "catalog"  # only the catalog changes: the lock is held for a moment
SCAN = "scan"  # every row is read under the lock
BUILD = "build"  # an index is built under the lock
REWRITE = "rewrite"  # every row is written again, and every index rebuilt
ONLINE = "online"  # scans or builds under a lock that lets reads and writes through
SLOW_WORK = {SCAN, BUILD, REWRITE}

_TOKEN = re.compile(r'"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*|[0-9]+(?:\.[0-9]+)?|\S')


@dataclass(frozen=True, slots=True)
class Lock:
    table: str  # as written (quoted names keep their quotes); an index name for DROP INDEX (kind "index")
    level: str
    work: str
    note: str = ""
    kind: str = "table"
    default_functions: tuple[str, ...] = ()  # ADD COLUMN ... DEFAULT f(): rewrites if one of them is volatile
    retyped: tuple[str, str] | None = None  # (column, new type): rewrites unless binary-coercible


def tokens(statement: str) -> list[str]:
    """Code tokens: comments dropped, string literals as `?`, quoted names kept as written."""
    code, last = [], 0
    for kind, begin, end in _pieces(statement):
        if kind == "comment" or (kind == "quoted" and statement[begin] != '"'):
            code.append(statement[last:begin] + (" ? " if kind == "quoted" else " "))
            last = end
    code.append(statement[last:])
    return _TOKEN.findall("".join(code))


def _up(token: str) -> str:
    return token.upper() if not token.startswith('"') else token


def _name(toks: list[str], i: int) -> tuple[str, int]:
    """A possibly qualified name starting at toks[i]: (the name, the index after it)."""
    parts = [toks[i]]
    i += 1
    while i + 1 < len(toks) and toks[i] == ".":
        parts.append(toks[i + 1])
        i += 2
    return ".".join(parts), i


def _skip(toks: list[str], i: int, *words: str) -> int:
    """Past any of these optional words (IF EXISTS, ONLY, ...) in order."""
    for word in words:
        seq = word.split()
        if [_up(t) for t in toks[i:i + len(seq)]] == seq:
            i += len(seq)
    return i


def statement_locks(statement: str) -> list[Lock] | None:
    """The locks a statement takes on existing tables; [] when none matters; None when not understood."""
    toks = tokens(statement)
    words = [_up(t) for t in toks[:6]]
    head = " ".join(words)
    try:
        if head.startswith("ALTER TABLE"):
            return _alter_table(toks)
        if re.match(r"CREATE (UNIQUE )?INDEX", head):
            return _create_index(toks)
        if head.startswith("DROP INDEX"):
            concurrently = words[2:3] == ["CONCURRENTLY"]
            i = _skip(toks, 3 if concurrently else 2, "IF EXISTS")
            name, _ = _name(toks, i)
            level = SHARE_UPDATE_EXCLUSIVE if concurrently else ACCESS_EXCLUSIVE
            return [Lock(name, level, CATALOG, "drops an index", kind="index")]
        if re.match(r"(CREATE|ALTER|DROP) POLICY|(CREATE( OR REPLACE)?( CONSTRAINT)?|DROP) TRIGGER", head):
            on = next(i for i, t in enumerate(toks) if _up(t) == "ON")
            name, _ = _name(toks, _skip(toks, on + 1, "ONLY"))
            level = SHARE_ROW_EXCLUSIVE if words[0] == "CREATE" and "TRIGGER" in words else ACCESS_EXCLUSIVE
            return [Lock(name, level, CATALOG)]
        if head.startswith(("LOCK TABLE", "LOCK ")):
            name, i = _name(toks, _skip(toks, 1, "TABLE", "ONLY"))
            rest = " ".join(_up(t) for t in toks[i:])
            mode = re.search(r"IN (.+) MODE", rest)
            return [Lock(name, mode.group(1) if mode else ACCESS_EXCLUSIVE, CATALOG, "an explicit lock, held to the end of the transaction")]
        if head.startswith(("TRUNCATE", "DROP TABLE")):
            name, _ = _name(toks, _skip(toks, 1, "TABLE", "IF EXISTS", "ONLY"))
            return [Lock(name, ACCESS_EXCLUSIVE, CATALOG, "empties the table" if words[0] == "TRUNCATE" else "drops the table")]
        if head.startswith(("VACUUM FULL", "CLUSTER")):
            i = 2 if words[0] == "VACUUM" else 1
            return [Lock(_name(toks, i)[0], ACCESS_EXCLUSIVE, REWRITE, "rewrites the table")] if i < len(toks) else None
        if head.startswith("REFRESH MATERIALIZED VIEW"):
            if words[3:4] == ["CONCURRENTLY"]:
                return [Lock(_name(toks, 4)[0], EXCLUSIVE, ONLINE, "recomputes the view while reads go on")]
            return [Lock(_name(toks, 3)[0], ACCESS_EXCLUSIVE, REWRITE, "recomputes the view while reads wait")]
        if head.startswith("REINDEX"):
            concurrently = "CONCURRENTLY" in words
            i = _skip(toks, 2, "CONCURRENTLY")
            level, work = (SHARE_UPDATE_EXCLUSIVE, ONLINE) if concurrently else (SHARE, BUILD)
            return [Lock(_name(toks, i)[0], level, work, "rebuilds indexes", kind="index" if words[1] == "INDEX" else "table")]
    except (StopIteration, IndexError):
        return None
    if re.match(r"(CREATE|DROP|COMMENT|GRANT|REVOKE|ALTER|SET|RESET|SELECT|INSERT|UPDATE|DELETE|DO|CALL|BEGIN|COMMIT)\b", head):
        return []  # no lock that holds up other sessions' reads or writes of an existing table
    return None


def pending_locks(statements: list[str]) -> list[list[Lock] | None]:
    """Each statement's locks, knowing what the earlier ones did: SET NOT NULL scans nothing once a
    CHECK (column IS NOT NULL) was added and validated before it (PostgreSQL 12+)."""
    checked: set[tuple[str, str]] = set()
    result = []
    for statement in statements:
        locks = statement_locks(statement)
        text = " ".join(tokens(statement))
        for table, column in re.findall(r"ALTER TABLE (?:IF EXISTS )?(?:ONLY )?(\S+(?: \. \S+)?) ADD CONSTRAINT \S+ CHECK "
                                        r"\( (\S+) IS NOT NULL \)", text, re.I):
            checked.add((table.replace(" ", ""), column))
        if locks:
            locks = [_without_scan(lock) if lock.kind.startswith("not null:") and (lock.table, lock.kind[9:]) in checked
                     else lock for lock in locks]
            locks = [Lock(lock.table, lock.level, lock.work, lock.note) if lock.kind.startswith("not null:") else lock for lock in locks]
        result.append(locks)
    return result


def _without_scan(lock: Lock) -> Lock:
    return Lock(lock.table, lock.level, CATALOG, "SET NOT NULL trusts the validated CHECK (IS NOT NULL): no scan")


def _create_index(toks: list[str]) -> list[Lock]:
    i = 2 if _up(toks[1]) == "INDEX" else 3
    concurrently = _up(toks[i]) == "CONCURRENTLY"
    on = next(j for j in range(i, len(toks)) if _up(toks[j]) == "ON")
    table, _ = _name(toks, _skip(toks, on + 1, "ONLY"))
    if concurrently:
        return [Lock(table, SHARE_UPDATE_EXCLUSIVE, ONLINE, "builds the index CONCURRENTLY: reads and writes go on")]
    return [Lock(table, SHARE, BUILD, "builds the index: writes wait until it ends")]


def _subcommands(toks: list[str]) -> list[list[str]]:
    parts, depth, current = [], 0, []
    for t in toks:
        depth += t == "("
        depth -= t == ")"
        if t == "," and depth == 0:
            parts.append(current)
            current = []
        else:
            current.append(t)
    return parts + [current]


def _alter_table(toks: list[str]) -> list[Lock]:
    table, i = _name(toks, _skip(toks, 2, "IF EXISTS", "ONLY"))
    locks = [_alter_action(table, sub) for sub in _subcommands(toks[i:]) if sub]
    # A foreign key also takes SHARE ROW EXCLUSIVE on the table it references.
    return locks + [Lock(_name(sub, [_up(t) for t in sub].index("REFERENCES") + 1)[0], SHARE_ROW_EXCLUSIVE, CATALOG,
                         "referenced by a new foreign key")
                    for sub in _subcommands(toks[i:]) if sub and _up(sub[0]) == "ADD" and "REFERENCES" in [_up(t) for t in sub]]


def _alter_action(table: str, sub: list[str]) -> Lock:
    words = [_up(t) for t in sub]
    text = " ".join(words)
    if words[0] == "VALIDATE":
        return Lock(table, SHARE_UPDATE_EXCLUSIVE, ONLINE, "validates: scans the rows while reads and writes go on")
    if words[0] == "ADD" and re.match(r"ADD (CONSTRAINT \S+ )?(CHECK|FOREIGN KEY|PRIMARY KEY|UNIQUE|EXCLUDE)\b", text):
        not_valid = text.endswith("NOT VALID")
        if " FOREIGN KEY " in f" {text} ":
            ref = words.index("REFERENCES")
            referenced, _ = _name(sub, ref + 1)
            work = CATALOG if not_valid else SCAN
            return Lock(table, SHARE_ROW_EXCLUSIVE, work, "NOT VALID: no scan" if not_valid else
                        f"checks every row against {referenced} while writes wait")
        if re.search(r"\b(PRIMARY KEY|UNIQUE|EXCLUDE)\b", text):
            if "USING INDEX" in text:
                return Lock(table, ACCESS_EXCLUSIVE, CATALOG, "uses an existing index")
            return Lock(table, ACCESS_EXCLUSIVE, BUILD, "builds its index while reads and writes wait")
        return Lock(table, ACCESS_EXCLUSIVE, CATALOG if not_valid else SCAN,
                    "NOT VALID: no scan" if not_valid else "checks every row while reads and writes wait")
    if words[0] == "ADD":
        return _add_column(table, sub, words)
    if words[0] == "ALTER":
        j = 2 if words[1:2] == ["COLUMN"] else 1
        column, rest = sub[j], words[j + 1:]
        if rest[:1] == ["TYPE"] or rest[:3] == ["SET", "DATA", "TYPE"]:
            start = 1 if rest[0] == "TYPE" else 3
            end = next((k for k, w in enumerate(rest) if w in ("USING", "COLLATE")), len(rest))
            new_type = re.sub(r"\s*([(),])\s*", r"\1", " ".join(sub[j + 1 + start: j + 1 + end]))
            return Lock(table, ACCESS_EXCLUSIVE, REWRITE, "changes a column's type", retyped=(column, new_type.lower()))
        if rest[:2] == ["SET", "NOT"]:
            return Lock(table, ACCESS_EXCLUSIVE, SCAN, f"SET NOT NULL scans every row for NULLs in {column}", retyped=None,
                        kind=f"not null:{column}")
        if rest[:1] == ["SET"] and rest[1:2] in (["STATISTICS"], ["STORAGE"], ["COMPRESSION"]):
            return Lock(table, SHARE_UPDATE_EXCLUSIVE, CATALOG)
        return Lock(table, ACCESS_EXCLUSIVE, CATALOG)
    if words[0] in ("ENABLE", "DISABLE") and "TRIGGER" in words:
        return Lock(table, SHARE_ROW_EXCLUSIVE, CATALOG)
    if words[0] == "SET" and words[1:2] in (["LOGGED"], ["UNLOGGED"], ["TABLESPACE"]) or words[:2] == ["SET", "WITHOUT"]:
        return Lock(table, ACCESS_EXCLUSIVE, REWRITE, "rewrites the table")
    return Lock(table, ACCESS_EXCLUSIVE, CATALOG)


def _add_column(table: str, sub: list[str], words: list[str]) -> Lock:
    text = " ".join(words)
    if re.search(r"\bGENERATED ALWAYS AS \(.*\) STORED|\bAS IDENTITY\b|\b(SMALL|BIG)?SERIAL\b", text):
        return Lock(table, ACCESS_EXCLUSIVE, REWRITE, "a generated, identity or serial column writes every row")
    if "DEFAULT" in words:
        start = words.index("DEFAULT") + 1
        functions = tuple(sorted({sub[k].lower() for k in range(start, len(sub) - 1) if sub[k + 1] == "("
                                  and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_$]*", sub[k])}))
        if functions:
            return Lock(table, ACCESS_EXCLUSIVE, CATALOG, "", default_functions=functions)
    return Lock(table, ACCESS_EXCLUSIVE, CATALOG, "adds a column: catalog only")

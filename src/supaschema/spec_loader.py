"""schema.yaml -> Spec, reporting every problem with its file:line.

Reading happens in two passes: shapes and types first (per object), then
references between objects (columns, tables, functions, migration contents),
so one run lists all problems instead of stopping at the first.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from . import spec as s
from . import disk_cache
from .errors import Problem, UserError
from .sql_expressions import ValueKind, parse_expression, type_error, value_kind
from .yaml_source import Source, closest, compose

TOP_KEYS = {"tables", "functions", "triggers", "seeds", "migrations"}
TABLE_KEYS = {"comment", "columns", "primary_key", "unique", "checks", "foreign_keys", "indexes", "rls", "policies", "grants"}
COLUMN_KEYS = {"type", "nullable", "default", "primary_key", "unique", "check", "references", "identity", "generated", "collation", "comment"}
REFERENCE_KEYS = {"table", "column", "columns", "on_delete", "on_update", "name"}
FOREIGN_KEY_KEYS = {"columns", "references", "on_delete", "on_update"}
INDEX_KEYS = {"columns", "unique", "using", "where"}
POLICY_KEYS = {"command", "roles", "as", "using", "with_check"}
FUNCTION_KEYS = {"arguments", "returns", "language", "body", "security_definer", "search_path", "volatility", "revoke_execute_from", "grant_execute_to"}
TRIGGER_KEYS = {"table", "timing", "events", "for_each", "function"}
SEED_KEYS = {"key", "columns", "rows"}
MIGRATION_KEYS = {"version", "name", "description", "tables", "policies", "seeds", "functions", "triggers"}

FK_ACTIONS = {"cascade": "CASCADE", "restrict": "RESTRICT", "set null": "SET NULL", "set default": "SET DEFAULT", "no action": "NO ACTION"}
COMMANDS = {"all": "ALL", "select": "SELECT", "insert": "INSERT", "update": "UPDATE", "delete": "DELETE"}
TABLE_PRIVILEGES = {"select", "insert", "update", "delete", "truncate", "references", "trigger", "all"}
TIMINGS = {"before": "BEFORE", "after": "AFTER", "instead of": "INSTEAD OF"}
EVENTS = {"insert": "INSERT", "update": "UPDATE", "delete": "DELETE", "truncate": "TRUNCATE"}
LEVELS = {"row": "ROW", "statement": "STATEMENT"}
VOLATILITIES = {"volatile": "VOLATILE", "stable": "STABLE", "immutable": "IMMUTABLE"}
IDENTITIES = {"always": "always", "by default": "by default"}
MAX_IDENTIFIER = 63
# Tables outside schema.yaml that a Supabase project always has, with the columns we may point at.
EXTERNAL_TABLES = {("auth", "users"): {"id", "email", "phone", "created_at", "updated_at"}}

_VERSION = re.compile(r"^\d{14}$")
_MIGRATION_NAME = re.compile(r"^[a-z0-9_]+$")


def load_spec(path: Path) -> s.Spec:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(Problem(str(path), "file not found", "run from the project folder or pass --schema PATH")) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(Problem(str(path), f"cannot read: {exc}", "check the file's permissions and encoding (UTF-8)")) from None
    # Only valid specs are stored; the key covers the text and the code that validates it.
    key = disk_cache.fingerprint("spec.py", "spec_loader.py", "sql_expressions.py", "yaml_source.py") + "\0" + text
    cached = disk_cache.load("specs", key, s.Spec)
    if cached is not None:
        return cached
    spec = parse_spec(text, str(path))
    disk_cache.store("specs", key, spec)
    return spec


def parse_spec(text: str, filename: str = "schema.yaml") -> s.Spec:
    source = Source(filename)
    root = compose(text, filename)
    if root is None:
        raise UserError(Problem(f"{filename}:1", "the file is empty", "declare at least `tables:`"))
    top = source.fields(root, "", TOP_KEYS, {"tables"})
    reader = _Reader(source)
    tables = reader.tables(top["tables"]) if "tables" in top else []
    functions = reader.functions(top["functions"]) if "functions" in top else []
    triggers = reader.triggers(top["triggers"], tables, functions) if "triggers" in top else []
    seeds = reader.seeds(top["seeds"], tables) if "seeds" in top else []
    migrations = reader.migrations(top.get("migrations"), root, tables, functions, triggers, seeds)
    source.raise_if_any()
    return s.Spec(tuple(tables), tuple(functions), tuple(triggers), tuple(seeds), tuple(migrations))


def split_qualified(name: str, default_schema: str = "public") -> tuple[str, str]:
    schema, dot, rest = name.partition(".")
    return (schema, rest) if dot else (default_schema, name)


def _identifier_error(name: str) -> str | None:
    if not name:
        return "a name cannot be empty"
    if "\0" in name:
        return "a name cannot hold a NUL character"
    if len(name.encode()) > MAX_IDENTIFIER:
        return f"{name!r} is longer than PostgreSQL's {MAX_IDENTIFIER}-byte limit for names"
    return None


class _Reader:
    def __init__(self, source: Source):
        self.src = source
        # Foreign-key targets, checked once every table is known.
        self.pending_references: list[tuple[yaml.Node, str, str, str, list[str]]] = []

    # --- small helpers ----------------------------------------------------

    def name(self, node: yaml.Node, path: str, value: str) -> bool:
        error = _identifier_error(value)
        if error:
            self.src.problem(node, path, error, "use a shorter name")
        return error is None

    def expression(self, node: yaml.Node, path: str, columns: set[str] | None = None) -> str | None:
        text = self.src.text(node, path)
        if text is None:
            return None
        parsed = parse_expression(text)
        if parsed.error:
            self.src.problem(node, path, f"{text!r} {parsed.error}", "write one PostgreSQL expression, e.g. `price >= 0`")
            return None
        if columns is not None:
            for missing in sorted(parsed.columns - columns):
                self.src.problem(node, path, f"refers to column {missing!r}, which the table does not have",
                                 closest(missing, sorted(columns)))
        return text

    def columns_exist(self, node: yaml.Node, path: str, names: list[str], table_columns: set[str], table: str) -> bool:
        ok = True
        for name in names:
            if name not in table_columns:
                self.src.problem(node, path, f"column {name!r} does not exist in table {table!r}", closest(name, sorted(table_columns)))
                ok = False
        return ok

    # --- tables -----------------------------------------------------------

    def tables(self, node: yaml.Node) -> list[s.Table]:
        result = []
        # Table names are never split on '.': schema.yaml manages the public schema.
        for name, key_node, value in self.src.items(node, "tables"):
            if self.name(key_node, f"tables.{name}", name):
                table = self.table("public", name, value, f"tables.{name}")
                if table:
                    result.append(table)
        if isinstance(node, yaml.MappingNode) and not node.value:
            self.src.problem(node, "tables", "no tables declared")
        return result

    def table(self, schema: str, name: str, node: yaml.Node, path: str) -> s.Table | None:
        f = self.src.fields(node, path, TABLE_KEYS, {"columns"})
        if "columns" not in f:
            return None
        columns, inline = self.columns(name, f["columns"], f"{path}.columns")
        column_names = {c.name for c in columns}
        pk_columns = inline["primary_key"]
        if "primary_key" in f:
            declared = self.src.texts(f["primary_key"], f"{path}.primary_key")
            if pk_columns:
                self.src.problem(f["primary_key"], f"{path}.primary_key", "primary key declared both on a column and on the table", "keep one")
            elif self.columns_exist(f["primary_key"], f"{path}.primary_key", declared, column_names, name):
                pk_columns = declared
        if pk_columns:
            columns = [
                s.Column(c.name, c.type, False, c.default, c.identity, c.generated, c.collation, c.comment)
                if c.name in pk_columns else c for c in columns
            ]
        primary_key = s.PrimaryKey(f"{name}_pkey", tuple(pk_columns)) if pk_columns else None

        uniques = [s.Unique(f"{name}_{col}_key", (col,)) for col in inline["unique"]]
        if "unique" in f:
            for i, item in enumerate(self.src.sequence(f["unique"], f"{path}.unique")):
                cols = self.src.texts(item, f"{path}.unique[{i}]")
                if cols and self.columns_exist(item, f"{path}.unique[{i}]", cols, column_names, name):
                    uniques.append(s.Unique(f"{name}_{'_'.join(cols)}_key", tuple(cols)))
        checks = list(inline["checks"])
        if "checks" in f:
            for cname, cnode, value in self.src.items(f["checks"], f"{path}.checks"):
                expr = self.expression(value, f"{path}.checks.{cname}", column_names)
                if self.name(cnode, f"{path}.checks", cname) and expr:
                    checks.append(s.Check(cname, expr))
        foreign_keys = list(inline["foreign_keys"])
        if "foreign_keys" in f:
            for fname, fnode, value in self.src.items(f["foreign_keys"], f"{path}.foreign_keys"):
                fk = self.foreign_key(fname, value, f"{path}.foreign_keys.{fname}", column_names, name)
                if fk and self.name(fnode, f"{path}.foreign_keys", fname):
                    foreign_keys.append(fk)
        indexes = self.indexes(f["indexes"], f"{path}.indexes", column_names, name) if "indexes" in f else []
        rls_enabled, rls_force = self.rls(f["rls"], f"{path}.rls") if "rls" in f else (False, False)
        policies = self.policies(f["policies"], f"{path}.policies", schema, name, column_names) if "policies" in f else []
        grants = self.grants(f["grants"], f"{path}.grants") if "grants" in f else []
        comment = self.src.text(f["comment"], f"{path}.comment") if "comment" in f else None
        self.unique_constraint_names(node, path, name, primary_key, uniques, checks, foreign_keys, indexes)
        return s.Table(schema, name, tuple(columns), primary_key, tuple(uniques), tuple(checks), tuple(foreign_keys),
                       tuple(indexes), rls_enabled, rls_force, tuple(policies), tuple(grants), comment)

    def unique_constraint_names(self, node, path, table, primary_key, uniques, checks, foreign_keys, indexes) -> None:
        # Constraints and indexes share one namespace per schema in PostgreSQL.
        seen: set[str] = set()
        names = ([primary_key.name] if primary_key else []) + [u.name for u in uniques] + [c.name for c in checks]
        names += [fk.name for fk in foreign_keys] + [i.name for i in indexes]
        for cname in names:
            if cname in seen:
                self.src.problem(node, path, f"two constraints or indexes would both be named {cname!r}", "name one of them explicitly")
            elif len(cname.encode()) > MAX_IDENTIFIER:
                self.src.problem(node, path, f"constraint name {cname!r} is longer than {MAX_IDENTIFIER} bytes",
                                 "declare it under `checks:`/`foreign_keys:` with a shorter name")
            seen.add(cname)

    def columns(self, table: str, node: yaml.Node, path: str) -> tuple[list[s.Column], dict]:
        raw: list[tuple[str, yaml.Node, dict[str, yaml.Node]]] = []
        for name, key_node, value in self.src.items(node, path):
            if self.name(key_node, path, name):
                raw.append((name, key_node, self.src.fields(value, f"{path}.{name}", COLUMN_KEYS, {"type"})))
        if isinstance(node, yaml.MappingNode) and not node.value:
            self.src.problem(node, path, "a table needs at least one column")
        names = {name for name, _, _ in raw}
        columns: list[s.Column] = []
        inline: dict[str, list] = {"primary_key": [], "unique": [], "checks": [], "foreign_keys": []}
        for name, key_node, f in raw:
            cpath = f"{path}.{name}"
            col_type = self.src.text(f["type"], f"{cpath}.type") if "type" in f else None
            if col_type is not None and (error := type_error(col_type)):
                self.src.problem(f["type"], f"{cpath}.type", error, "e.g. text, uuid, integer, numeric(12,8), timestamptz")
                col_type = None
            nullable = self.src.boolean(f["nullable"], f"{cpath}.nullable") if "nullable" in f else True
            default = self.expression(f["default"], f"{cpath}.default", set()) if "default" in f else None
            generated = self.expression(f["generated"], f"{cpath}.generated", names) if "generated" in f else None
            identity = self.src.choice(f["identity"], f"{cpath}.identity", IDENTITIES) if "identity" in f else None
            collation = self.src.text(f["collation"], f"{cpath}.collation") if "collation" in f else None
            comment = self.src.text(f["comment"], f"{cpath}.comment") if "comment" in f else None
            if sum(x is not None for x in (default, generated, identity)) > 1:
                self.src.problem(key_node, cpath, "default, generated and identity exclude each other", "keep one")
            if "primary_key" in f and self.src.boolean(f["primary_key"], f"{cpath}.primary_key"):
                inline["primary_key"].append(name)
            if "unique" in f and self.src.boolean(f["unique"], f"{cpath}.unique"):
                inline["unique"].append(name)
            if "check" in f:
                expr = self.expression(f["check"], f"{cpath}.check", names)
                if expr:
                    inline["checks"].append(s.Check(f"{table}_{name}_check", expr))
            if "references" in f:
                fk = self.foreign_key(f"{table}_{name}_fkey", f["references"], f"{cpath}.references", names, table, column=name)
                if fk:
                    inline["foreign_keys"].append(fk)
            if col_type is not None and nullable is not None:
                columns.append(s.Column(name, col_type, nullable, default, identity, generated, collation, comment))
        if len(inline["primary_key"]) > 1:
            self.src.problem(node, path, f"several columns say primary_key: {', '.join(inline['primary_key'])}",
                             "for a composite key write `primary_key: [a, b]` on the table")
            inline["primary_key"] = []
        return columns, inline

    def foreign_key(self, name: str, node: yaml.Node, path: str, column_names: set[str], table: str,
                    column: str | None = None) -> s.ForeignKey | None:
        if column is None:
            f = self.src.fields(node, path, FOREIGN_KEY_KEYS, {"columns", "references"})
            if "columns" not in f or "references" not in f:
                return None
            columns = self.src.texts(f["columns"], f"{path}.columns")
            if not self.columns_exist(f["columns"], f"{path}.columns", columns, column_names, table):
                return None
            ref = self.src.fields(f["references"], f"{path}.references", {"table", "columns"}, {"table"})
            actions = f
        else:
            ref = f = self.src.fields(node, path, REFERENCE_KEYS - {"columns"}, {"table"})
            columns = [column]
            actions = f
        if "table" not in ref:
            return None
        ref_schema, ref_table = split_qualified(self.src.text(ref["table"], f"{path}.table") or "")
        ref_col_node = ref.get("column") or ref.get("columns")
        ref_columns = self.src.texts(ref_col_node, f"{path}.columns") if ref_col_node is not None else ["id"]
        self.pending_references.append((ref["table"], path, ref_schema, ref_table, ref_columns))
        if len(ref_columns) != len(columns):
            self.src.problem(node, path, f"{len(columns)} column(s) reference {len(ref_columns)} column(s)", "give as many target columns as source columns")
            return None
        on_delete = self.src.choice(actions["on_delete"], f"{path}.on_delete", FK_ACTIONS) if "on_delete" in actions else "NO ACTION"
        on_update = self.src.choice(actions["on_update"], f"{path}.on_update", FK_ACTIONS) if "on_update" in actions else "NO ACTION"
        if on_delete is None or on_update is None:
            return None
        return s.ForeignKey(name, tuple(columns), ref_schema, ref_table, tuple(ref_columns), on_delete, on_update)

    def indexes(self, node: yaml.Node, path: str, column_names: set[str], table: str) -> list[s.Index]:
        result = []
        for name, key_node, value in self.src.items(node, path):
            ipath = f"{path}.{name}"
            f = self.src.fields(value, ipath, INDEX_KEYS, {"columns"})
            if "columns" not in f or not self.name(key_node, path, name):
                continue
            columns = []
            for entry in self.src.texts(f["columns"], f"{ipath}.columns"):
                words = entry.split()
                order = words[1].lower() if len(words) == 2 else "asc"
                if not words or len(words) > 2 or order not in ("asc", "desc"):
                    self.src.problem(f["columns"], f"{ipath}.columns", f"{entry!r} is not `column` or `column asc|desc`")
                    continue
                if self.columns_exist(f["columns"], f"{ipath}.columns", [words[0]], column_names, table):
                    columns.append(s.IndexColumn(words[0], order == "desc"))
            unique = bool(self.src.boolean(f["unique"], f"{ipath}.unique")) if "unique" in f else False
            method = self.src.choice(f["using"], f"{ipath}.using", {m: m for m in ("btree", "hash", "gin", "gist", "brin")}) if "using" in f else "btree"
            where = self.expression(f["where"], f"{ipath}.where", column_names) if "where" in f else None
            if columns and method:
                result.append(s.Index(name, tuple(columns), unique, method, where))
        return result

    def rls(self, node: yaml.Node, path: str) -> tuple[bool, bool]:
        f = self.src.fields(node, path, {"enabled", "force"}, {"enabled"})
        enabled = bool(self.src.boolean(f["enabled"], f"{path}.enabled")) if "enabled" in f else False
        force = bool(self.src.boolean(f["force"], f"{path}.force")) if "force" in f else False
        return enabled, force

    def policies(self, node: yaml.Node, path: str, schema: str, table: str, column_names: set[str]) -> list[s.Policy]:
        result = []
        for name, key_node, value in self.src.items(node, path):
            ppath = f"{path}.{name}"
            f = self.src.fields(value, ppath, POLICY_KEYS, {"command"})
            if not self.name(key_node, path, name) or "command" not in f:
                continue
            command = self.src.choice(f["command"], f"{ppath}.command", COMMANDS)
            roles = self.src.texts(f["roles"], f"{ppath}.roles") if "roles" in f else ["public"]
            permissive = self.src.choice(f["as"], f"{ppath}.as", {"permissive": True, "restrictive": False}) if "as" in f else True
            using = self.expression(f["using"], f"{ppath}.using", column_names) if "using" in f else None
            with_check = self.expression(f["with_check"], f"{ppath}.with_check", column_names) if "with_check" in f else None
            if command == "INSERT" and "using" in f:
                self.src.problem(f["using"], f"{ppath}.using", "an INSERT policy has no USING clause", "use with_check")
            if command in ("SELECT", "DELETE") and "with_check" in f:
                self.src.problem(f["with_check"], f"{ppath}.with_check", f"a {command} policy has no WITH CHECK clause", "use using")
            if "using" not in f and "with_check" not in f:
                self.src.problem(value, ppath, "a policy needs `using` or `with_check`", "e.g. using: (select auth.uid()) = user_id")
            if command and permissive is not None:
                result.append(s.Policy(name, schema, table, command, tuple(roles), permissive, using, with_check))
        return result

    def grants(self, node: yaml.Node, path: str) -> list[tuple[str, tuple[str, ...]]]:
        result = []
        for role, _, value in self.src.items(node, path):
            privileges = [p.lower() for p in self.src.texts(value, f"{path}.{role}")]
            for bad in sorted(set(privileges) - TABLE_PRIVILEGES):
                self.src.problem(value, f"{path}.{role}", f"unknown privilege {bad!r}", closest(bad, sorted(TABLE_PRIVILEGES)))
            result.append((role, tuple(p for p in privileges if p in TABLE_PRIVILEGES)))
        return result

    # --- functions and triggers ---------------------------------------------

    def functions(self, node: yaml.Node) -> list[s.Function]:
        result = []
        for key, key_node, value in self.src.items(node, "functions"):
            path = f"functions.{key}"
            schema, name = split_qualified(key)
            f = self.src.fields(value, path, FUNCTION_KEYS, {"returns", "language", "body"})
            if not self.name(key_node, "functions", name) or not {"returns", "language", "body"} <= f.keys():
                continue
            returns = self.src.text(f["returns"], f"{path}.returns")
            language = self.src.text(f["language"], f"{path}.language")
            body = self.src.text(f["body"], f"{path}.body")
            arguments = self.src.text(f["arguments"], f"{path}.arguments") if "arguments" in f else ""
            definer = bool(self.src.boolean(f["security_definer"], f"{path}.security_definer")) if "security_definer" in f else False
            search_path = self.src.text(f["search_path"], f"{path}.search_path", allow_null=True) if "search_path" in f else None
            volatility = self.src.choice(f["volatility"], f"{path}.volatility", VOLATILITIES) if "volatility" in f else "VOLATILE"
            revoke = self.src.texts(f["revoke_execute_from"], f"{path}.revoke_execute_from") if "revoke_execute_from" in f else []
            grant = self.src.texts(f["grant_execute_to"], f"{path}.grant_execute_to") if "grant_execute_to" in f else []
            if language is not None and not re.fullmatch(r"[a-z][a-z0-9_]*", language):
                self.src.problem(f["language"], f"{path}.language", f"{language!r} is not a language name", "e.g. plpgsql or sql")
                language = None
            if arguments and ";" in arguments:
                self.src.problem(f["arguments"], f"{path}.arguments", "arguments cannot hold ';'")
                arguments = None
            if returns is not None and (error := type_error(returns)) and returns.lower() not in ("trigger", "void"):
                self.src.problem(f["returns"], f"{path}.returns", error)
                returns = None
            if definer and search_path is None:
                self.src.problem(value, path, "a SECURITY DEFINER function must pin its search_path",
                                 "add `search_path: \"\"` and schema-qualify every name in the body")
            if None not in (returns, language, body, volatility, arguments):
                result.append(s.Function(schema, name, arguments, returns, language, body, definer, search_path,
                                         volatility, tuple(revoke), tuple(grant)))
        return result

    def triggers(self, node: yaml.Node, tables: list[s.Table], functions: list[s.Function]) -> list[s.Trigger]:
        result = []
        declared_tables = {(t.schema, t.name) for t in tables}
        declared_functions = {f"{f.schema}.{f.name}": f for f in functions}
        for name, key_node, value in self.src.items(node, "triggers"):
            path = f"triggers.{name}"
            f = self.src.fields(value, path, TRIGGER_KEYS, TRIGGER_KEYS - {"for_each"})
            if not self.name(key_node, "triggers", name) or not (TRIGGER_KEYS - {"for_each"}) <= f.keys():
                continue
            table_schema, table = split_qualified(self.src.text(f["table"], f"{path}.table") or "")
            if (table_schema, table) not in declared_tables and (table_schema, table) not in EXTERNAL_TABLES:
                known = sorted(f"{a}.{b}" for a, b in declared_tables | EXTERNAL_TABLES.keys())
                self.src.problem(f["table"], f"{path}.table", f"table {table_schema}.{table} is not declared", closest(f"{table_schema}.{table}", known))
                continue
            function_name = self.src.text(f["function"], f"{path}.function") or ""
            fschema, fname = split_qualified(function_name)
            function = declared_functions.get(f"{fschema}.{fname}")
            if function is None:
                self.src.problem(f["function"], f"{path}.function", f"function {fschema}.{fname} is not declared under `functions:`",
                                 closest(f"{fschema}.{fname}", sorted(declared_functions)))
                continue
            if function.returns.lower() != "trigger":
                self.src.problem(f["function"], f"{path}.function", f"{fschema}.{fname} does not return trigger")
            timing = self.src.choice(f["timing"], f"{path}.timing", TIMINGS)
            events = [self.src.choice(e, f"{path}.events", EVENTS) for e in _each(f["events"])]
            level = self.src.choice(f["for_each"], f"{path}.for_each", LEVELS) if "for_each" in f else "STATEMENT"
            if timing and level and events and None not in events:
                result.append(s.Trigger(name, table_schema, table, timing, tuple(events), level, fschema, fname))
        return result

    # --- seeds --------------------------------------------------------------

    def seeds(self, node: yaml.Node, tables: list[s.Table]) -> list[s.Seed]:
        by_name = {t.name: t for t in tables}
        result = []
        for name, key_node, value in self.src.items(node, "seeds"):
            path = f"seeds.{name}"
            f = self.src.fields(value, path, SEED_KEYS, SEED_KEYS)
            table = by_name.get(name)
            if table is None:
                self.src.problem(key_node, path, f"seeds name table {name!r}, which is not declared", closest(name, sorted(by_name)))
                continue
            if f.keys() != SEED_KEYS:
                continue
            column_names = {c.name for c in table.columns}
            columns = self.src.texts(f["columns"], f"{path}.columns")
            key_columns = self.src.texts(f["key"], f"{path}.key")
            if not (self.columns_exist(f["columns"], f"{path}.columns", columns, column_names, name)
                    and self.columns_exist(f["key"], f"{path}.key", key_columns, column_names, name)):
                continue
            if missing := [k for k in key_columns if k not in columns]:
                self.src.problem(f["key"], f"{path}.key", f"key column(s) {', '.join(missing)} are not in `columns`", "list every key column under columns")
                continue
            unique_sets = [set(u.columns) for u in table.uniques] + ([set(table.primary_key.columns)] if table.primary_key else [])
            if set(key_columns) not in unique_sets:
                self.src.problem(f["key"], f"{path}.key", f"no primary key or unique constraint on ({', '.join(key_columns)}), so ON CONFLICT cannot use it",
                                 f"add `unique: [[{', '.join(key_columns)}]]` to table {name}")
                continue
            rows = self.seed_rows(f["rows"], path, table, columns, key_columns)
            result.append(s.Seed(table.schema, name, tuple(key_columns), tuple(columns), tuple(rows)))
        return result

    def seed_rows(self, node: yaml.Node, path: str, table: s.Table, columns: list[str], key: list[str]) -> list[tuple]:
        rows: list[tuple] = []
        seen_keys: dict[tuple, int] = {}
        kinds = [value_kind(table.column(c).type) for c in columns]
        for i, row_node in enumerate(self.src.sequence(node, f"{path}.rows")):
            rpath = f"{path}.rows[{i}]"
            cells = self.src.sequence(row_node, rpath)
            if len(cells) != len(columns):
                self.src.problem(row_node, rpath, f"has {len(cells)} values but `columns` names {len(columns)} ({', '.join(columns)})",
                                 "give one value per column, in that order")
                continue
            values = []
            for column, kind, cell in zip(columns, kinds, cells):
                values.append(self.seed_value(cell, f"{rpath}.{column}", kind, table.column(column).nullable))
            if any(v is _INVALID for v in values):
                continue
            row_key = tuple(values[columns.index(k)] for k in key)
            if row_key in seen_keys:
                self.src.problem(row_node, rpath, f"duplicate key {row_key} (also row {seen_keys[row_key]})", "remove one of the rows")
                continue
            seen_keys[row_key] = i
            rows.append(tuple(values))
        return rows

    def seed_value(self, node: yaml.Node, path: str, kind: ValueKind, nullable: bool):
        if not isinstance(node, yaml.ScalarNode):
            self.src.problem(node, path, "expected a single value")
            return _INVALID
        if node.tag == "tag:yaml.org,2002:null" and node.style is None:
            if not nullable:
                self.src.problem(node, path, "is null but the column is NOT NULL")
                return _INVALID
            return None
        raw = node.value
        if kind is ValueKind.BOOLEAN:
            value = self.src.boolean(node, path)
            return _INVALID if value is None else value
        if kind in (ValueKind.NUMBER, ValueKind.INTEGER):
            try:
                number = Decimal(raw.strip())
            except InvalidOperation:
                self.src.problem(node, path, f"{raw!r} is not a number", "write a plain decimal such as 0.0025")
                return _INVALID
            if not number.is_finite():
                self.src.problem(node, path, f"{raw!r} is not a finite number")
                return _INVALID
            if kind is ValueKind.INTEGER:
                if number != number.to_integral_value():
                    self.src.problem(node, path, f"{raw!r} is not a whole number")
                    return _INVALID
                return int(number)
            return number
        if "\0" in raw:
            self.src.problem(node, path, "text cannot hold a NUL character")
            return _INVALID
        return raw

    # --- migrations -------------------------------------------------------

    def migrations(self, node: yaml.Node | None, root: yaml.Node, tables, functions, triggers, seeds) -> list[s.Migration]:
        self.check_references(tables)
        if node is None:
            self.src.problem(root, "migrations", "missing required key 'migrations'", "list the migration files and what each holds")
            return []
        table_names = {t.name for t in tables}
        policy_keys = {(t.name, p.name) for t in tables for p in t.policies}
        function_names = {f"{f.schema}.{f.name}" for f in functions}
        trigger_names = {t.name for t in triggers}
        seed_names = {sd.table for sd in seeds}
        placed: dict[tuple[str, object], int] = {}
        result = []
        last_version = ""
        for i, item in enumerate(self.src.sequence(node, "migrations")):
            path = f"migrations[{i}]"
            f = self.src.fields(item, path, MIGRATION_KEYS, {"version", "name"})
            version = self.src.text(f["version"], f"{path}.version") if "version" in f else None
            name = self.src.text(f["name"], f"{path}.name") if "name" in f else None
            if version is not None and not _VERSION.match(version):
                self.src.problem(f["version"], f"{path}.version", f"{version!r} is not a 14-digit timestamp", 'write it quoted, e.g. "20251018000001"')
                version = None
            if version is not None:
                if version <= last_version:
                    self.src.problem(f["version"], f"{path}.version", f"{version} does not come after {last_version}", "versions must increase down the list")
                last_version = max(version, last_version)
            if name is not None and not _MIGRATION_NAME.match(name):
                self.src.problem(f["name"], f"{path}.name", f"{name!r} must be lowercase letters, digits and _", "e.g. create_pricing_tables")
                name = None
            description = (self.src.text(f["description"], f"{path}.description") or "") if "description" in f else ""
            contents: dict[str, list] = {}
            for kind, known in (("tables", table_names), ("seeds", seed_names), ("functions", function_names), ("triggers", trigger_names)):
                refs = []
                for ref in self.src.texts(f[kind], f"{path}.{kind}") if kind in f else []:
                    ref_q = ".".join(split_qualified(ref)) if kind == "functions" else ref
                    if ref_q not in known:
                        self.src.problem(f[kind], f"{path}.{kind}", f"{ref!r} is not declared under `{kind}:`", closest(ref_q, sorted(known)))
                        continue
                    self.place(placed, (kind, ref_q), i, f[kind], path)
                    refs.append(ref_q)
                contents[kind] = refs
            policies = []
            for entry in self.src.sequence(f["policies"], f"{path}.policies") if "policies" in f else []:
                for table, _, pnode in self.src.items(entry, f"{path}.policies"):
                    pname = self.src.text(pnode, f"{path}.policies.{table}")
                    if (table, pname) not in policy_keys:
                        self.src.problem(pnode, f"{path}.policies", f"policy {pname!r} on table {table!r} is not declared",
                                         closest(f"{pname}", sorted(p for t, p in policy_keys if t == table)))
                        continue
                    self.place(placed, ("policies", (table, pname)), i, pnode, path)
                    policies.append((table, pname))
            if version and name:
                result.append(s.Migration(version, name, description, tuple(contents["tables"]), tuple(policies),
                                          tuple(contents["seeds"]), tuple(contents["functions"]), tuple(contents["triggers"])))
        self.check_placement(node, placed, table_names, policy_keys, function_names, trigger_names, seed_names, tables, triggers)
        return result

    def place(self, placed: dict, key: tuple, index: int, node: yaml.Node, path: str) -> None:
        if key in placed:
            self.src.problem(node, path, f"{_label(key)} is already in migrations[{placed[key]}]", "list each object in one migration only")
        else:
            placed[key] = index

    def check_placement(self, node, placed, table_names, policy_keys, function_names, trigger_names, seed_names, tables, triggers) -> None:
        everything = ([("tables", t) for t in sorted(table_names)] + [("policies", p) for p in sorted(policy_keys)]
                      + [("functions", f) for f in sorted(function_names)] + [("triggers", t) for t in sorted(trigger_names)]
                      + [("seeds", sd) for sd in sorted(seed_names)])
        for key in everything:
            if key not in placed:
                self.src.problem(node, "migrations", f"{_label(key)} is not in any migration", f"add it to a migration's `{key[0]}:` list")
        # An object may not come before what it needs.
        needs = [(("policies", p), ("tables", p[0])) for p in policy_keys]
        needs += [(("seeds", sd), ("tables", sd)) for sd in seed_names]
        for t in triggers:
            needs.append((("triggers", t.name), ("functions", f"{t.function_schema}.{t.function}")))
            if t.table_schema == "public":
                needs.append((("triggers", t.name), ("tables", t.table)))
        for table in tables:
            for fk in table.foreign_keys:
                if fk.ref_schema == "public" and fk.ref_table != table.name:
                    needs.append((("tables", table.name), ("tables", fk.ref_table)))
        for obj, dependency in needs:
            if obj in placed and dependency in placed and placed[obj] < placed[dependency]:
                self.src.problem(node, "migrations", f"{_label(obj)} is in migrations[{placed[obj]}] but needs {_label(dependency)} from migrations[{placed[dependency]}]",
                                 "move it to the same or a later migration")

    def check_references(self, tables: list[s.Table]) -> None:
        columns = {(t.schema, t.name): {c.name for c in t.columns} for t in tables}
        columns.update(EXTERNAL_TABLES)
        for node, path, schema, table, ref_columns in self.pending_references:
            known = columns.get((schema, table))
            if known is None:
                self.src.problem(node, path, f"references table {schema}.{table}, which is not declared",
                                 closest(f"{schema}.{table}", sorted(f"{a}.{b}" for a, b in columns)))
                continue
            for col in ref_columns:
                if col not in known:
                    self.src.problem(node, path, f"references column {col!r}, which {schema}.{table} does not have", closest(col, sorted(known)))


_INVALID = object()


def _label(key: tuple) -> str:
    kind, ref = key
    if kind == "policies":
        return f"policy {ref[1]!r} on {ref[0]}"
    return f"{kind[:-1]} {ref}"


def _each(node: yaml.Node) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else [node]

"""Views and materialized views: the query, security_invoker, indexes (materialized only), grants."""

from __future__ import annotations

import yaml

from . import model as s
from .expressions import parse_query
from .indexes import read_indexes
from .reading import Reader, mapping_keys, split_qualified
from .tables import read_grants

VIEW_KEYS, VIEW_REQUIRED = {"query", "security_invoker", "materialized", "indexes", "grants", "comment", "renamed_from"}, {"query"}


def read_views(r: Reader, node: yaml.Node) -> list[s.View]:
    result = []
    declared = {split_qualified(key) for key in mapping_keys(node)}
    for key, key_node, value in r.src.items(node, "views"):
        path = f"views.{key}"
        schema, name = split_qualified(key)
        f = r.src.fields(value, path, VIEW_KEYS, VIEW_REQUIRED)
        if not (r.name(key_node, "views", schema) and r.name(key_node, "views", name)) or "query" not in f \
                or not r.schema_known(key_node, path, schema):
            continue
        query = r.src.text(f["query"], f"{path}.query")
        parsed = parse_query(query) if query is not None else None
        if parsed is not None and parsed.error:
            r.src.problem(f["query"], f"{path}.query", parsed.error, "write one SELECT statement, without a trailing ';'")
        if parsed is None or parsed.error:
            continue
        invoker = r.src.boolean(f["security_invoker"], f"{path}.security_invoker") if "security_invoker" in f else True
        materialized = bool(r.src.boolean(f["materialized"], f"{path}.materialized")) if "materialized" in f else False
        indexes = []
        if "indexes" in f:
            if not materialized:
                r.src.problem(f["indexes"], f"{path}.indexes", "only a materialized view can have indexes", "add `materialized: true` or remove `indexes:`")
            else:
                columns = set(parsed.columns) if "*" not in parsed.columns else None
                indexes = read_indexes(r, f["indexes"], f"{path}.indexes", columns, name)
        if materialized and "security_invoker" in f:
            r.src.problem(f["security_invoker"], f"{path}.security_invoker", "a materialized view runs its query as its owner, at refresh time",
                          "remove `security_invoker:`, and grant SELECT only to roles that may read every row")
        grants = read_grants(r, f["grants"], f"{path}.grants") if "grants" in f else []
        comment = r.src.text(f["comment"], f"{path}.comment") if "comment" in f else None
        siblings = {other for other_schema, other in declared if other_schema == schema}
        renamed_from = r.renamed_from(f, path, siblings, f"a view in schema {schema}", schema)
        reads = tuple(sorted((db or "public", table) for db, table in parsed.tables))
        if invoker is not None:
            result.append(s.View(schema, name, parsed.sql, bool(invoker) and not materialized, materialized, tuple(indexes),
                                 tuple(grants), comment, reads, line=key_node.start_mark.line + 1,
                                 renamed_from=renamed_from))
    return result

"""Indexes of a table."""

from __future__ import annotations

import yaml

from ..errors import excerpt
from . import model as s
from .reading import Reader

INDEX_KEYS, INDEX_REQUIRED = {"columns", "unique", "using", "where", "comment"}, {"columns"}
INDEX_METHODS = {m: m for m in ("btree", "hash", "gin", "gist", "brin")}


def read_indexes(r: Reader, node: yaml.Node, path: str, column_names: set[str] | None, table: str) -> list[s.Index]:
    result = []
    for name, key_node, value in r.src.items(node, path):
        ipath = f"{path}.{name}"
        f = r.src.fields(value, ipath, INDEX_KEYS, INDEX_REQUIRED)
        if "columns" not in f or not r.name(key_node, path, name):
            continue
        columns = []
        for entry in r.src.texts(f["columns"], f"{ipath}.columns"):
            words = entry.split()
            order = words[1].lower() if len(words) == 2 else "asc"
            if not words or len(words) > 2 or order not in ("asc", "desc"):
                r.src.problem(f["columns"], f"{ipath}.columns", f"{excerpt(entry)} is not `column` or `column asc|desc`")
                continue
            if r.columns_exist(f["columns"], f"{ipath}.columns", [words[0]], column_names, table):
                columns.append(s.IndexColumn(words[0], order == "desc"))
        unique = bool(r.src.boolean(f["unique"], f"{ipath}.unique")) if "unique" in f else False
        method = r.src.choice(f["using"], f"{ipath}.using", INDEX_METHODS) if "using" in f else "btree"
        where = r.expression(f["where"], f"{ipath}.where", column_names, place="an index predicate") if "where" in f else None
        if columns and method:
            result.append(s.Index(name, tuple(columns), unique, method, where, r.comment(f, ipath)))
    return result

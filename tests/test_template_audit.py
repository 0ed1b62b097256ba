"""Every `{{ ... }}` in every template inserts only quoted or re-printed text.

The audit reads each template's parse tree (Jinja's own parser): an output must
be a constant, a macro call, `qualified(...)`, a variable set only from such
things, or end in one of the quoting/re-printing filters. A new raw insertion
such as `{{ c.type }}` makes this test fail; the runtime half (the `fragment`,
`keyword` and `rendered_sql` filters refuse what they were not made for) is
tested below it.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from jinja2 import nodes

from supaschema.plan.render import RenderedSQL, _rendered_sql
from supaschema.render.migrations import environment
from supaschema.sqltext.fragments import Fragment

from .helpers import ROOT

TEMPLATES = ROOT / "templates"
# ident/idents/roles/search_path quote names, literal/number quote values, dollar_quoted wraps bodies,
# fragment/catalog_sql/rendered_sql pass only re-printed text, keyword/privileges a fixed word list,
# value_rows quotes every seed value with literal, sql_comment prefixes every line with "--".
SAFE_FILTERS = {"ident", "idents", "roles", "search_path", "literal", "dollar_quoted", "fragment", "catalog_sql",
                "rendered_sql", "keyword", "privileges", "sql_comment", "value_rows"}

# Filters that wrap SQL into more SQL (do_block: a DO block's dollar quote): safe when what they wrap is.
CONTAINERS = {"do_block"}


def unsafe_outputs(source: str) -> list[str]:
    tree = jinja2.Environment(extensions=["jinja2.ext.do"]).parse(source)
    macros = {m.name for m in tree.find_all(nodes.Macro)}
    imports = {i.target for i in tree.find_all(nodes.Import)}
    assigned: dict[str, list[nodes.Expr]] = {}
    for a in tree.find_all(nodes.Assign):
        if isinstance(a.target, nodes.Name):
            assigned.setdefault(a.target.name, []).append(a.node)
    for stmt in tree.find_all(nodes.ExprStmt):  # {% do lines.append(x) %}: x flows into `lines`
        call = stmt.node
        if isinstance(call, nodes.Call) and isinstance(call.node, nodes.Getattr) and call.node.attr == "append":
            assigned.setdefault(f"{call.node.node.name}[]", []).extend(call.args)
    for loop in tree.find_all(nodes.For):
        if isinstance(loop.target, nodes.Name) and isinstance(loop.iter, nodes.Name):
            assigned.setdefault(loop.target.name, []).append(nodes.Name(f"{loop.iter.name}[]", "load"))

    def safe(node: nodes.Expr, seen: frozenset[str] = frozenset()) -> bool:
        if isinstance(node, nodes.Const):
            return True
        if isinstance(node, nodes.Filter):
            if node.name in CONTAINERS:
                return safe(node.node, seen)
            if node.name == "join":  # x | map("literal") | join(", ")
                inner = node.node
                return (isinstance(inner, nodes.Filter) and inner.name == "map" and len(inner.args) == 1
                        and isinstance(inner.args[0], nodes.Const) and inner.args[0].value in SAFE_FILTERS)
            return node.name in SAFE_FILTERS
        if isinstance(node, nodes.Call):
            target = node.node
            if isinstance(target, nodes.Name):
                return target.name in macros or target.name == "qualified"
            return isinstance(target, nodes.Getattr) and isinstance(target.node, nodes.Name) and target.node.name in imports
        if isinstance(node, nodes.CondExpr):
            return safe(node.expr1, seen) and (node.expr2 is None or safe(node.expr2, seen))
        if isinstance(node, nodes.Concat):
            return all(safe(n, seen) for n in node.nodes)
        if isinstance(node, nodes.Name) and node.name in assigned and node.name not in seen:
            return all(safe(n, seen | {node.name}) for n in assigned[node.name])
        return False

    bad = []
    for output in tree.find_all(nodes.Output):
        for node in output.nodes:
            if not isinstance(node, nodes.TemplateData) and not safe(node):
                bad.append(f"line {node.lineno}: {{{{ {_describe(node)} }}}}")
    return bad


def _describe(node: nodes.Node) -> str:
    if isinstance(node, nodes.Getattr):
        return f"{_describe(node.node)}.{node.attr}"
    if isinstance(node, nodes.Name):
        return node.name
    return type(node).__name__


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.j2")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_insertion_is_quoted_or_reprinted(path: Path):
    assert unsafe_outputs(path.read_text("utf-8")) == []


@pytest.mark.parametrize("source", [
    "{{ c.type }}",
    "{{ c.type | upper }}",
    "{{ 'x' ~ c.default }}",
    "{{ c.default if c.default }}",
    "{% set t = c.type %}{{ t }}",
    "{% set lines = [] %}{% do lines.append(c.type) %}{% for l in lines %}{{ l }}{% endfor %}",
    "{{ c.type | join(', ') }}",
    "{{ c.type | do_block }}",
    "{{ values | map('upper') | join(', ') }}",
])
def test_the_audit_catches_raw_insertions(source: str):
    assert unsafe_outputs(source) != []


@pytest.mark.parametrize("source", [
    "{{ c.name | ident }} {{ c.type | fragment }}",
    "{{ 'x' ~ (c.default | fragment) if c.default }}",
    "{{ ('CREATE TYPE ' ~ qualified(s, n) ~ ' AS ENUM (' ~ (values | map('literal') | join(', ')) ~ ')') | do_block }}",
    "{% set lines = [] %}{% do lines.append(c.name | ident) %}{% for l in lines %}{{ l }}{% endfor %}",
])
def test_the_audit_lets_quoted_insertions_through(source: str):
    assert unsafe_outputs(source) == []


@pytest.mark.parametrize("template, value", [
    ("{{ v | fragment }}", "text); DROP TABLE public.canary; --"),
    ("{{ v | keyword }}", "AFTER; DROP TABLE x"),
    ("{{ v | keyword(' OR ') }}", ["INSERT", "DROP"]),
    ("{{ v | privileges }}", ["select", "select on x; drop"]),
])
def test_filters_refuse_what_they_were_not_made_for(template: str, value):
    env = environment(TEMPLATES)
    with pytest.raises(jinja2.TemplateRuntimeError):
        env.from_string(template).render(v=value)


def test_fragment_and_rendered_sql_pass_their_own_kind():
    env = environment(TEMPLATES)
    assert env.from_string("{{ v | fragment }}").render(v=Fragment("numeric(12,8)")) == "numeric(12,8)"
    assert _rendered_sql(RenderedSQL("SELECT 1;")) == "SELECT 1;"
    with pytest.raises(jinja2.TemplateRuntimeError):
        _rendered_sql("SELECT 1;")

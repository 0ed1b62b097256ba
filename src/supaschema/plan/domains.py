"""Planning domains: created guarded (CREATE DOMAIN has no IF NOT EXISTS), changed in place with
ALTER DOMAIN (default, NOT NULL, checks dropped and added by name), dropped after the columns that
use them. A new base type cannot be altered: drop and create, which fails loudly (no CASCADE)
while a column still uses the domain."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .comments import comment_if_any, comment_on
from .grants import fresh_grants
from .operations import DELETES_DATA, LOCKS_TABLE, Phase
from .registry import handles

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


def check_name(check: str) -> str:
    """The (quoted) name at the start of "name CHECK (...)"."""
    if check.startswith('"'):
        i = 1
        while i < len(check):
            if check[i] == '"' and check[i + 1:i + 2] != '"':
                return check[:i + 1]
            i += 2 if check[i] == '"' else 1
    return check.split(" ", 1)[0]


@handles("domain", "missing")
def domain_missing(p: Planner, drift: Drift | None, domain: snap.Domain) -> None:
    p.emit("create_domain", Phase.TYPES, domain.path, (), domain=domain,
           checks=[(check_name(c), c) for c in domain.checks])
    comment_if_any(p, domain)
    fresh_grants(p, "type", domain.path)


@handles("domain", "extra")
def domain_extra(p: Planner, drift: Drift, domain: snap.Domain) -> None:
    p.emit("drop_domain", Phase.DROP_TYPES, domain.path, (DELETES_DATA,), domain=domain)


@handles("domain", "changed")
def domain_changed(p: Planner, drift: Drift, domain: snap.Domain) -> None:
    actual = p.have.get(drift)
    if drift.field == "comment":
        comment_on(p, domain)
    elif drift.field == "type":
        p.emit("drop_domain", Phase.DROP_RETYPED_FUNCTIONS, domain.path, (DELETES_DATA,), domain=actual)
        domain_missing(p, drift, domain)
    elif ("alter_domain", domain.path) not in p.emitted and ("create_domain", domain.path) not in p.emitted:
        # A new check validates every stored value: it scans the tables that use the domain.
        add_checks = [(check_name(c), c) for c in domain.checks if c not in actual.checks]
        readded = {name for name, _ in add_checks}  # add_checks drops those by name first
        p.emit("alter_domain", Phase.TYPES, domain.path, (LOCKS_TABLE,), domain=domain,
               drop_checks=sorted({check_name(c) for c in actual.checks if c not in domain.checks} - readded),
               add_checks=add_checks)

"""Planning privileges: one GRANT or REVOKE per grantee and object (merged later), exact grants on new objects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from ..spec.model import RESET_ROLES
from .operations import CHANGES_ACCESS, Phase
from .registry import handles

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


@handles("grant", "missing")
def grant_missing(p: Planner, drift: Drift | None, grant: snap.GrantItem) -> None:
    p.emit("grant", Phase.GRANTS, f"{grant.object} to {grant.grantee}", (CHANGES_ACCESS,), grant=grant)


@handles("grant", "extra")
def grant_extra(p: Planner, drift: Drift, grant: snap.GrantItem) -> None:
    p.emit("revoke", Phase.GRANTS, f"{grant.object} from {grant.grantee}", (CHANGES_ACCESS,), grant=grant)


@handles("grant", "changed")
def grant_changed(p: Planner, drift: Drift, grant: snap.GrantItem) -> None:
    if grant.grantable:
        grant_missing(p, drift, grant)
    else:
        p.emit("revoke_grant_option", Phase.GRANTS, grant.object, (CHANGES_ACCESS,), grant=grant)


def fresh_grants(p: Planner, object_kind: str, path: str) -> None:
    """A new object gets exactly the declared privileges, whatever the server's defaults grant."""
    p.emit("revoke_all", Phase.GRANTS, path, (CHANGES_ACCESS,), object_kind=object_kind, object=path, roles=RESET_ROLES)
    for grant in p.want.grants_on(path):
        grant_missing(p, None, grant)

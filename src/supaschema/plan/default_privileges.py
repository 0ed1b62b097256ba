"""Planning default privileges: for one schema, object type and role, revoke everything, then grant
what is declared. A privilege that comes from the owner's global (or built-in) defaults, such as
EXECUTE for PUBLIC on new functions, can only be revoked globally, so that REVOKE carries no
IN SCHEMA (it then holds in every schema: say so in the plan). Another creator's defaults
(FOR ROLE) are per-schema entries only; changing them takes a role that is that creator, a member
of it, or a superuser: the statement's comment says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .operations import CHANGES_ACCESS, Phase
from .registry import handles

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


@handles("default_privilege", "missing")
@handles("default_privilege", "extra")
@handles("default_privilege", "changed")
def default_privilege_drift(p: Planner, drift: Drift | None, obj: snap.DefaultPrivilege) -> None:
    if ("alter_default_privileges", obj.path) in p.emitted:
        return
    key = ("default_privilege", obj.path, None)
    want, have = p.want.by_path.get(key), p.have.by_path.get(key)
    wanted = want.privileges if want else ()
    grantable = want.grantable if want else ()
    revoke_globally = [priv for priv in (have.global_privileges if have else ()) if priv not in wanted]
    p.emit("alter_default_privileges", Phase.DEFAULT_PRIVILEGES, obj.path, (CHANGES_ACCESS,),
           schema=obj.schema, object_type=obj.object_type, grantee=obj.grantee,
           privileges=[priv for priv in wanted if priv not in grantable], grantable=list(grantable),
           revoke_globally=revoke_globally, creator=obj.creator,
           note=f"Runs as {obj.creator}, a member of it, or a superuser (FOR ROLE)." if obj.creator else None)

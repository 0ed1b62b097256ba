"""Planning policies: DROP POLICY IF EXISTS + CREATE POLICY replaces one, and survives a column's type change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..catalog import snapshot as snap
from .comments import comment_if_any, comment_on
from .operations import CHANGES_ACCESS, Phase
from .registry import handles

if TYPE_CHECKING:
    from ..drift.compare import Drift
    from .planner import Planner


@handles("policy", "missing")
def policy_missing(p: Planner, drift: Drift | None, policy: snap.Policy) -> None:
    p.emit("create_policy", Phase.POLICIES, policy.path, (CHANGES_ACCESS,), policy=policy)
    comment_if_any(p, policy)


@handles("policy", "extra")
def policy_extra(p: Planner, drift: Drift, policy: snap.Policy) -> None:
    p.emit("drop_policy", Phase.DROP_POLICIES, policy.path, (CHANGES_ACCESS,), policy=policy)


@handles("policy", "changed")
def policy_changed(p: Planner, drift: Drift, policy: snap.Policy) -> None:
    if drift.field == "comment":
        comment_on(p, policy)
    elif ("create_policy", policy.path) not in p.emitted:
        policy_missing(p, drift, policy)  # create_policy replaces the old one


def rebuild_policies(p: Planner, schema: str, table: str) -> None:
    """PostgreSQL will not change a column's type (or drop it) while a policy reads it: drop them first,
    recreate after. The desired policies are dropped too, by name: a plan replayed on another state
    (a fresh database built from the migrations, a half-repaired one) finds them there."""
    for side in (p.have, p.want):
        for policy in side.children(snap.Policy, schema, table):
            if ("drop_policy", policy.path) not in p.emitted:
                p.emit("drop_policy", Phase.DROP_POLICIES, policy.path, (CHANGES_ACCESS,), policy=policy)
    for policy in p.want.children(snap.Policy, schema, table):
        if ("create_policy", policy.path) not in p.emitted:
            policy_missing(p, None, policy)

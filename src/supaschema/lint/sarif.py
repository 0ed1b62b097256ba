"""A lint result as SARIF 2.1.0, the format GitHub code scanning uploads.

Findings for objects declared in schema.yaml point at their line there; others (a live database's
extra objects) point at the file's first line and name the object as a logical location.
"""

from __future__ import annotations

import json

from .. import __version__
from .engine import ALL_RULES, LintResult
from .model import ERROR, INFO, WARN

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {ERROR: "error", WARN: "warning", INFO: "note"}
# GitHub ranks security alerts by this property (CVSS-like, 0-10).
SECURITY_SEVERITY = {ERROR: "8.0", WARN: "5.0", INFO: "2.0"}


def _rule(rule) -> dict:
    properties: dict = {"tags": [c.lower() for c in rule.categories], "source": rule.source}
    if "SECURITY" in rule.categories:
        properties["security-severity"] = SECURITY_SEVERITY[rule.level]
    return {
        "id": rule.name,
        "name": "".join(word.capitalize() for word in rule.name.split("_")),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": {"text": f"{rule.fix}\nIn schema.yaml: {rule.fix_yaml}"},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.level]},
        "properties": properties,
        **({"helpUri": rule.remediation} if rule.reference else {}),
    }


def to_sarif(result: LintResult, spec_uri: str | None) -> str:
    index = {rule.name: i for i, rule in enumerate(ALL_RULES)}
    results = []
    for f in result.findings:
        location: dict = {"logicalLocations": [{"fullyQualifiedName": f.object, "kind": f.metadata.get("type", "object")}]}
        if spec_uri:
            location["physicalLocation"] = {"artifactLocation": {"uri": spec_uri}, "region": {"startLine": f.line or 1}}
        results.append({
            "ruleId": f.name,
            "ruleIndex": index[f.name],
            "level": SARIF_LEVEL[f.level],
            "message": {"text": f"{f.detail} Fix: {f.fix}"},
            "locations": [location],
            "partialFingerprints": {"supaschemaCacheKey/v1": f.cache_key},
        })
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "supaschema", "version": __version__,
                                "rules": [_rule(rule) for rule in ALL_RULES]}},
            "results": results,
        }],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

"""Showing a policy's rule and one enterprise's explanation (PO-2 "the reason per condition").

The same shapes as the whitelist's criteria pages (``whitelist/criteria_tree.html`` rows and the pre-check
tree), over the policy subject's fields, so the templates of both read alike."""

import json
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from sibao.core.rules import GROUP_LABELS, describe_leaf
from sibao.policies.formulas import plain
from sibao.policies.rule_fields import FIELDS


def rule_rows(rule: Any) -> list[dict[str, Any]]:
    """The rule flattened for display: one row per group or condition, with its depth and label."""
    rows: list[dict[str, Any]] = []

    def walk(node: Mapping[str, Any], depth: int) -> None:
        group = next((name for name in GROUP_LABELS if name in node), None)
        if group is None:
            if node.get("field") not in FIELDS:
                rows.append({"depth": depth, "label": json.dumps(node, ensure_ascii=False), "group": None})
                return
            value = json.dumps(node.get("value"), ensure_ascii=False) if "value" in node else ""
            rows.append(
                {
                    "depth": depth,
                    "label": node.get("label") or describe_leaf(node, FIELDS),
                    "group": None,
                    "detail": f"{node['field']} {node['op']} {value}".strip(),
                }
            )
            return
        rows.append({"depth": depth, "label": node.get("label", ""), "group": group, "meaning": GROUP_LABELS[group]})
        for child in node[group]:
            walk(child, depth + 1)

    if isinstance(rule, Mapping) and rule:
        walk(rule, 0)
    return rows


def actual_text(leaf: Mapping[str, Any]) -> str:
    spec = FIELDS.get(leaf.get("field") or "")
    actual = leaf.get("actual")
    if spec is None:
        return "" if actual is None else plain(actual)
    if spec.kind == "records":
        assert spec.records is not None
        if not actual:
            return _("no such record")
        kinds = dict(spec.records.kinds)
        return "；".join(
            f"{item.get('occurred_on', '')} {kinds.get(item.get('kind'), item.get('kind'))}" for item in actual
        )
    if actual is None:
        return "—"
    if spec.kind == "bool":
        return _("Yes") if actual else _("No")
    if spec.kind == "choice":
        return spec.choice_label(actual)
    if spec.kind == "region":
        return str(actual).strip("/").rsplit("/", 1)[-1]
    return plain(actual)


def explanation_tree(node: Mapping[str, Any] | None, *, parent_ok: bool = False) -> dict[str, Any] | None:
    """``Explanation.as_dict()`` shaped for ``policies/_explanation_node.html``: each node ok, failed or neutral
    (a failed alternative inside a satisfied "one of" did not count against the enterprise)."""
    if not node:
        return None
    ok = node.get("passed") == node.get("wanted", True)
    state = "ok" if ok else "neutral" if parent_ok else "failed"
    shaped: dict[str, Any] = {"label": node.get("label", ""), "state": state}
    if node.get("group"):
        shaped["group"] = node["group"]
        shaped["children"] = [
            explanation_tree(child, parent_ok=state != "failed") for child in node.get("children", [])
        ]
    else:
        shaped["actual"] = actual_text(node)
    return shaped

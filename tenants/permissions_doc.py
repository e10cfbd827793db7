"""docs/permissions.md, written from `tenants.access.PERMISSIONS` so the two cannot
drift apart (a unit test compares them; `manage.py permissions_doc` rewrites it)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation

from .access import HOLDER_LABELS, PERMISSIONS, Holder

DOC_PATH = Path(settings.BASE_DIR) / "docs" / "permissions.md"

INTRO = """\
# Who may do what

Generated from `tenants/access.py` by `manage.py permissions_doc`; edit the table
there, not here. A unit test fails when this file and the code differ.

A user holds, for one object, their organization role (owner, admin or member),
their role in the object's department (department admin, developer or viewer), any
grant on that one app, and "operator" if they are staff of the company running
Berth. They may take an action when any of those holders has a mark in its row.
Someone who may not even see an object gets the same "not found" as for an object
that does not exist.
"""


def render() -> str:
    holders = list(Holder)
    lines = [INTRO, "| action | " + " | ".join(holders) + " |"]
    lines.append("|---" * (len(holders) + 1) + "|")
    for action, allowed in PERMISSIONS.items():
        marks = ["✓" if holder in allowed else "" for holder in holders]
        lines.append(f"| `{action}` | " + " | ".join(marks) + " |")
    lines.append("")
    lines.append("Holders:")
    lines.append("")
    with translation.override("en"):
        lines += [f"- `{holder}`: {HOLDER_LABELS[holder]}" for holder in holders]
    return "\n".join(lines) + "\n"

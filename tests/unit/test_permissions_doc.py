"""docs/permissions.md states the table that tenants/access.py enforces."""

from tenants.permissions_doc import DOC_PATH, render


def test_permissions_doc_matches_the_code():
    assert DOC_PATH.read_text(encoding="utf-8") == render(), (
        "docs/permissions.md differs from tenants.access.PERMISSIONS; "
        "run `python manage.py permissions_doc` and commit the result."
    )

from django.core.management.base import BaseCommand

from tenants.permissions_doc import DOC_PATH, render


class Command(BaseCommand):
    help = "Rewrite docs/permissions.md from the permission table in tenants/access.py."

    def handle(self, *args, **options):
        DOC_PATH.write_text(render(), encoding="utf-8")
        self.stdout.write(f"wrote {DOC_PATH}")

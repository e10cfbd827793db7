from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = _("Tenancy")

    def ready(self):
        from .api import schema  # noqa: F401 - registers the signing scheme

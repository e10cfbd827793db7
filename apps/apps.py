from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppsConfig(AppConfig):
    name = "apps"
    label = "apps"
    verbose_name = _("Applications")

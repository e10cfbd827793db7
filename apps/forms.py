"""Console forms. They collect input; `apps.spec` decides what is valid."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from console.forms import add_errors

from .models import Cluster
from .spec import AppSpec, format_env_lines, parse_env_lines


class SpecForm(forms.Form):
    """The fields of a release's spec, shared by the new-app and edit forms."""

    image = forms.CharField(
        label=_("Image"),
        max_length=255,
        help_text=_("A container image, for example nginx:1.27."),
    )
    instances = forms.IntegerField(label=_("Instances"), initial=2)
    cpu_limit = forms.CharField(
        label=_("CPU"), initial="500m", help_text=_("Cores (0.5, 2) or millicores (500m).")
    )
    memory_limit = forms.CharField(
        label=_("Memory"), initial="512Mi", help_text=_("For example 256Mi or 2Gi.")
    )
    cpu_request = forms.CharField(
        label=_("CPU reserved"),
        required=False,
        help_text=_("Guaranteed share; empty means the same as CPU."),
    )
    memory_request = forms.CharField(
        label=_("Memory reserved"),
        required=False,
        help_text=_("Guaranteed share; empty means the same as memory."),
    )
    port = forms.IntegerField(
        label=_("Port"), initial=AppSpec.port, help_text=_("The port your container listens on.")
    )
    env = forms.CharField(
        label=_("Environment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "LOG_LEVEL=info"}),
        help_text=_("One NAME=value per line."),
    )

    @classmethod
    def initial_from(cls, spec: AppSpec) -> dict:
        return {**spec.to_dict(), "env": format_env_lines(spec.env)}

    def clean(self):
        """Shape the input into a spec. Whether the spec may be deployed is the action
        function's to say, so a refusal is audited like one through the API."""
        data = super().clean()
        if self.errors:
            return data
        try:
            data["spec"] = AppSpec(
                image=data["image"].strip(),
                instances=data["instances"],
                cpu_limit=data["cpu_limit"].strip(),
                memory_limit=data["memory_limit"].strip(),
                cpu_request=data["cpu_request"].strip(),
                memory_request=data["memory_request"].strip(),
                port=data["port"],
                env=parse_env_lines(data["env"]),
            )
        except ValidationError as error:
            add_errors(self, error)
        return data


class NewApplicationForm(SpecForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Lowercase letters, digits and hyphens; part of the app's address."),
    )
    department = forms.ModelChoiceField(label=_("Department"), queryset=None, empty_label=None)
    # TODO: every organization sees every cluster; per-organization cluster grants
    # (and dedicated clusters) come with the operators' capacity management.
    cluster = forms.ModelChoiceField(
        label=_("Runs on"),
        queryset=Cluster.objects.order_by("-is_default", "name"),
        empty_label=None,
        help_text=_("The cluster, or node pool, whose nodes run the app's instances."),
    )

    field_order = [
        "name",
        "department",
        "cluster",
        "image",
        "instances",
        "cpu_limit",
        "memory_limit",
    ]

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments


class ScaleForm(forms.Form):
    instances = forms.IntegerField(label=_("Instances"))

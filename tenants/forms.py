"""Console forms for tenancy. Choice lists come from `tenants.access` querysets, so a
form never offers another organization's departments or people."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DepartmentRole, Role


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=None, required=False, empty_label=_("None")
    )
    department_role = forms.ChoiceField(
        label=_("Role in the department"),
        choices=[("", "—"), *DepartmentRole.choices],
        required=False,
    )

    def __init__(self, *args, departments, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["role"].choices = [
            (role, label) for role, label in Role.choices if role in roles
        ]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    slug = forms.CharField(
        label=_("Slug"),
        max_length=30,
        help_text=_("Lowercase letters, digits and single hyphens; part of the namespace."),
    )


class DepartmentRoleForm(forms.Form):
    username = forms.CharField(label=_("Member"), max_length=150)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[*DepartmentRole.choices, ("", _("No role (remove)"))],
        required=False,
    )


class GrantForm(forms.Form):
    username = forms.CharField(label=_("Member"), max_length=150)
    level = forms.ChoiceField(
        label=_("Access"), choices=[("view", _("View")), ("deploy", _("View and deploy"))]
    )


class AccessKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What uses this key."))
    expires_in_days = forms.IntegerField(
        label=_("Expires in (days)"),
        required=False,
        min_value=1,
        max_value=3650,
        help_text=_("Empty: never expires."),
    )

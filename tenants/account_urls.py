"""Console pages outside any one organization: the user's account, invitations and
the operators' audit review."""

from django.urls import path

from .views import access_keys, audit, invitations

app_name = "account"

urlpatterns = [
    path("invitations/<str:token>/", invitations.accept_invitation, name="accept_invitation"),
    path("account/keys/", access_keys.access_keys, name="access_keys"),
    path("account/keys/<str:key_id>/enable/", access_keys.enable_key, name="enable_key"),
    path("account/keys/<str:key_id>/disable/", access_keys.disable_key, name="disable_key"),
    path("account/keys/<str:key_id>/delete/", access_keys.delete_key, name="delete_key"),
    path("audit/", audit.operator_audit, name="audit"),
    path("audit/export.<str:format>", audit.operator_audit_export, name="audit_export"),
]

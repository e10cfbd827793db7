"""Describing request signing in the OpenAPI schema (loaded by TenantsConfig.ready)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class SignatureScheme(OpenApiAuthenticationExtension):
    target_class = "tenants.authentication.SignatureAuthentication"
    name = "accessKeySignature"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "AWS Signature Version 4 with a Berth access key: service `berth`, "
                "the region configured on the server. See docs/api.md."
            ),
        }

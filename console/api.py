"""What every API endpoint shares: errors as JSON field errors, and the actor."""

from django.core.exceptions import ValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from tenants.audit import Actor


def exception_handler(exc, context):
    """Action functions raise Django's ValidationError; answer it like DRF's own:
    400 with `{"field": ["message", ...]}` (non-field errors under "non_field_errors")."""
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            body = exc.message_dict
        else:
            body = {"non_field_errors": exc.messages}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)


def actor(request) -> Actor:
    return Actor.from_request(request, via="api")


def valid_data(serializer_class, request) -> dict:
    """The request's data shaped by `serializer_class`, or a 400 with field errors."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data

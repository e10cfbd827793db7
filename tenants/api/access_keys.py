"""The caller's own access keys."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from console.api import actor, valid_data

from .. import access
from .. import access_keys as keys
from . import serializers


class AccessKeyList(generics.ListCreateAPIView):
    serializer_class = serializers.AccessKeySerializer
    pagination_class = None

    def get_queryset(self):
        return access.access_keys_for(self.request.user)

    @extend_schema(
        request=serializers.NewAccessKeySerializer,
        responses={201: serializers.CreatedAccessKeySerializer},
    )
    def post(self, request):
        data = valid_data(serializers.NewAccessKeySerializer, request)
        key, secret = keys.create_access_key(
            actor(request), data["name"], data.get("expires_in_days")
        )
        key.secret = secret
        body = serializers.CreatedAccessKeySerializer(key).data
        return Response(body, status=status.HTTP_201_CREATED)


class AccessKeyDetail(generics.GenericAPIView):
    """PATCH `is_active` to disable or enable a key; DELETE removes it."""

    serializer_class = serializers.AccessKeySerializer

    def get_object(self):
        return access.get_access_key(self.request.user, self.kwargs["key_id"])

    def get(self, request, key_id):
        return Response(self.get_serializer(self.get_object()).data)

    def patch(self, request, key_id):
        key = self.get_object()
        serializer = self.get_serializer(key, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        if "is_active" in serializer.validated_data:
            enabled = serializer.validated_data["is_active"]
            key = keys.set_access_key_enabled(actor(request), key, enabled)
        return Response(self.get_serializer(key).data)

    def delete(self, request, key_id):
        keys.delete_access_key(actor(request), self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

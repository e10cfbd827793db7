"""Applications: list, create, read, new release, scale, roll back, delete."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from console.api import actor, valid_data
from tenants import access
from tenants.access import Action
from tenants.audit import require_audited

from .. import actions
from . import serializers


def _application(view):
    """The app, if the user may see it."""
    kwargs = view.kwargs
    return access.get_application(view.request.user, kwargs["organization"], kwargs["name"])


def _changeable(view, action: Action, audit_action: str):
    """The app, once `action` is allowed on it: checked before the input is, and a
    refusal audited as the failed attempt it is."""
    application = _application(view)
    require_audited(actor(view.request), action, audit_action, application)
    return application


def _detail(application, status_code=status.HTTP_200_OK) -> Response:
    application.refresh_from_db()
    return Response(serializers.ApplicationSerializer(application).data, status=status_code)


class ApplicationList(generics.ListCreateAPIView):
    serializer_class = serializers.ApplicationSerializer
    pagination_class = None

    def get_queryset(self):
        organization = access.get_organization(self.request.user, self.kwargs["organization"])
        return (
            access.applications_for(self.request.user)
            .filter(organization=organization)
            .select_related("department", "desired_release", "cluster")
            .order_by("name")
        )

    @extend_schema(
        request=serializers.NewApplicationSerializer,
        responses={201: serializers.ApplicationSerializer},
    )
    def post(self, request, organization):
        organization = access.get_organization(request.user, organization)
        departments = access.departments_for(request.user, Action.CREATE_APP, organization)
        if not departments.exists():
            raise PermissionDenied
        shaped = serializers.NewApplicationSerializer(data=request.data)
        shaped.is_valid(raise_exception=True)
        department = departments.filter(slug=shaped.validated_data["department"]).first()
        if department is None:
            return Response(
                {"department": [_("Choose a department you may create apps in.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        application = actions.create_application(
            actor(request),
            department,
            shaped.validated_data["name"].strip(),
            shaped.to_spec(),
            cluster=shaped.validated_data.get("cluster"),
        )
        return _detail(application, status.HTTP_201_CREATED)


class ApplicationDetail(generics.GenericAPIView):
    serializer_class = serializers.ApplicationSerializer

    def get(self, request, organization, name):
        return Response(self.get_serializer(_application(self)).data)

    @extend_schema(responses={202: None})
    def delete(self, request, organization, name):
        actions.delete_application(
            actor(request), _changeable(self, Action.DELETE_APP, "application.delete")
        )
        return Response(status=status.HTTP_202_ACCEPTED)


class ReleaseList(generics.ListCreateAPIView):
    """The app's releases; POST deploys a new release with a full spec."""

    serializer_class = serializers.ReleaseSerializer
    pagination_class = None

    def get_queryset(self):
        return _application(self).releases.all()

    @extend_schema(
        request=serializers.SpecSerializer, responses={201: serializers.ReleaseSerializer}
    )
    def post(self, request, organization, name):
        application = _changeable(self, Action.DEPLOY_APP, "application.update")
        shaped = serializers.SpecSerializer(data=request.data)
        shaped.is_valid(raise_exception=True)
        release = actions.update_application(actor(request), application, shaped.to_spec())
        body = serializers.ReleaseSerializer(release).data
        return Response(body, status=status.HTTP_201_CREATED)


class ReleaseDetail(generics.RetrieveAPIView):
    serializer_class = serializers.ReleaseSerializer

    def get_object(self):
        release = _application(self).releases.filter(number=self.kwargs["number"]).first()
        if release is None:
            raise Http404
        return release


class Scale(generics.GenericAPIView):
    serializer_class = serializers.ScaleSerializer

    @extend_schema(responses={201: serializers.ReleaseSerializer})
    def post(self, request, organization, name):
        application = _changeable(self, Action.DEPLOY_APP, "application.scale")
        data = valid_data(serializers.ScaleSerializer, request)
        release = actions.scale_application(actor(request), application, data["instances"])
        body = serializers.ReleaseSerializer(release).data
        return Response(body, status=status.HTTP_201_CREATED)


class Rollback(generics.GenericAPIView):
    serializer_class = serializers.RollbackSerializer

    @extend_schema(responses={201: serializers.ReleaseSerializer})
    def post(self, request, organization, name):
        application = _changeable(self, Action.DEPLOY_APP, "application.rollback")
        data = valid_data(serializers.RollbackSerializer, request)
        release = actions.rollback_application(actor(request), application, data["release"])
        body = serializers.ReleaseSerializer(release).data
        return Response(body, status=status.HTTP_201_CREATED)


class InstanceList(generics.ListAPIView):
    serializer_class = serializers.InstanceSerializer
    pagination_class = None

    def get_queryset(self):
        return _application(self).instances.all()

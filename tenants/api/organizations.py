"""Organizations and their departments."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from console.api import actor, valid_data

from .. import access, actions
from ..access import Action
from . import serializers


class OrganizationList(generics.ListAPIView):
    serializer_class = serializers.OrganizationSerializer
    pagination_class = None

    def get_queryset(self):
        return access.organizations_for(self.request.user).order_by("slug")


class OrganizationDetail(generics.RetrieveAPIView):
    serializer_class = serializers.OrganizationSerializer

    def get_object(self):
        return access.get_organization(self.request.user, self.kwargs["organization"])


class DepartmentList(generics.ListCreateAPIView):
    serializer_class = serializers.DepartmentSerializer
    pagination_class = None

    def get_queryset(self):
        organization = access.get_organization(self.request.user, self.kwargs["organization"])
        return organization.departments.select_related("organization").order_by("slug")

    @extend_schema(
        request=serializers.NewDepartmentSerializer,
        responses={201: serializers.DepartmentSerializer},
    )
    def post(self, request, organization):
        organization = access.get_organization(
            request.user, organization, Action.MANAGE_DEPARTMENTS
        )
        data = valid_data(serializers.NewDepartmentSerializer, request)
        department = actions.create_department(
            actor(request), organization, data["name"], data["slug"]
        )
        body = serializers.DepartmentSerializer(department).data
        return Response(body, status=status.HTTP_201_CREATED)


class DepartmentMemberList(generics.ListCreateAPIView):
    """Roles in one department; POST sets one member's role ("" removes it)."""

    serializer_class = serializers.DepartmentMembershipSerializer
    pagination_class = None

    def _department(self):
        return access.get_department(
            self.request.user,
            self.kwargs["organization"],
            self.kwargs["department"],
            Action.MANAGE_DEPARTMENT_MEMBERS,
        )

    def get_queryset(self):
        return self._department().memberships.select_related("user").order_by("user__username")

    @extend_schema(request=serializers.DepartmentRoleSerializer, responses={204: None})
    def post(self, request, organization, department):
        department = self._department()
        data = valid_data(serializers.DepartmentRoleSerializer, request)
        user = actions.find_member(department.organization, data["username"])
        actions.set_department_role(actor(request), department, user, data["role"])
        return Response(status=status.HTTP_204_NO_CONTENT)

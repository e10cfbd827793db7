"""Members of an organization, invitations, and grants on one app."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from console.api import actor, valid_data

from .. import access, actions
from ..access import Action
from ..models import Department
from . import serializers


class MemberList(generics.ListAPIView):
    serializer_class = serializers.MembershipSerializer
    pagination_class = None

    def get_queryset(self):
        # The same rule as the console's members page: managers see the list.
        organization = access.get_organization(
            self.request.user, self.kwargs["organization"], Action.MANAGE_MEMBERS
        )
        return (
            access.members_of(self.request.user, organization)
            .select_related("user")
            .order_by("user__username")
        )


class MemberDetail(generics.GenericAPIView):
    """PATCH changes a member's role; DELETE removes them from the organization."""

    serializer_class = serializers.MembershipSerializer

    def get_object(self):
        organization = access.get_organization(
            self.request.user, self.kwargs["organization"], Action.MANAGE_MEMBERS
        )
        return get_object_or_404(
            access.members_of(self.request.user, organization).select_related(
                "user", "organization"
            ),
            pk=self.kwargs["membership"],
        )

    def get(self, request, organization, membership):
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=serializers.RoleSerializer)
    def patch(self, request, organization, membership):
        membership = self.get_object()
        data = valid_data(serializers.RoleSerializer, request)
        membership = actions.change_role(actor(request), membership, data["role"])
        return Response(self.get_serializer(membership).data)

    def delete(self, request, organization, membership):
        actions.remove_member(actor(request), self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationList(generics.ListCreateAPIView):
    serializer_class = serializers.InvitationSerializer
    pagination_class = None

    def _organization(self):
        return access.get_organization(
            self.request.user, self.kwargs["organization"], Action.MANAGE_MEMBERS
        )

    def get_queryset(self):
        return self._organization().invitations.filter(accepted_at__isnull=True)

    @extend_schema(
        request=serializers.NewInvitationSerializer,
        responses={201: serializers.InvitationSerializer},
    )
    def post(self, request, organization):
        organization = self._organization()
        data = valid_data(serializers.NewInvitationSerializer, request)
        department = None
        if data["department"]:
            department = get_object_or_404(
                Department, organization=organization, slug=data["department"]
            )
        invitation = actions.invite_member(
            actor(request),
            organization,
            data["email"],
            data["role"],
            department,
            data["department_role"],
        )
        body = serializers.InvitationSerializer(invitation).data
        return Response(body, status=status.HTTP_201_CREATED)


class AcceptInvitation(APIView):
    @extend_schema(
        request=serializers.AcceptInvitationSerializer,
        responses={200: serializers.MembershipSerializer},
    )
    def post(self, request):
        data = valid_data(serializers.AcceptInvitationSerializer, request)
        invitation = actions.find_invitation(data["token"])
        membership = actions.accept_invitation(actor(request), invitation)
        return Response(serializers.MembershipSerializer(membership).data)


class GrantList(generics.GenericAPIView):
    """Who is granted this one app, and granting it to one more member."""

    serializer_class = serializers.GrantSerializer

    def _application(self):
        return access.get_application(
            self.request.user, self.kwargs["organization"], self.kwargs["name"], Action.GRANT_APP
        )

    def get(self, request, organization, name):
        grants = actions.app_grants(self._application())
        body = [{"username": user.get_username(), "level": level} for user, level in grants]
        return Response(body)

    @extend_schema(responses={204: None})
    def post(self, request, organization, name):
        application = self._application()
        data = valid_data(serializers.GrantSerializer, request)
        user = actions.find_member(application.organization, data["username"])
        actions.grant_app_permission(actor(request), application, user, data["level"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class GrantDetail(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, organization, name, username):
        application = access.get_application(request.user, organization, name, Action.GRANT_APP)
        user = actions.find_member(application.organization, username)
        if user is None:
            return Response(status=status.HTTP_404_NOT_FOUND)
        actions.revoke_app_permission(actor(request), application, user)
        return Response(status=status.HTTP_204_NO_CONTENT)

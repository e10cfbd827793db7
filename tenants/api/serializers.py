"""How tenancy objects look in the API. Input serializers only shape input; the
action functions validate it."""

from rest_framework import serializers

from ..models import (
    AccessKey,
    AuditEvent,
    Department,
    DepartmentMembership,
    DepartmentRole,
    Invitation,
    Membership,
    Organization,
    Role,
)


class OrganizationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["slug", "name", "created_at"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["slug", "name", "namespace", "created_at"]


class NewDepartmentSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    slug = serializers.CharField(max_length=30)


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    email = serializers.CharField(source="user.email", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "username", "email", "role", "created_at"]
        read_only_fields = ["id", "created_at"]


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)


class DepartmentMembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username")

    class Meta:
        model = DepartmentMembership
        fields = ["username", "role"]


class DepartmentRoleSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(
        choices=[*DepartmentRole.choices, ("", "none")], allow_blank=True
    )


class InvitationSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "department", "department_role", "expires_at"]


class NewInvitationSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    role = serializers.CharField(default=Role.MEMBER)
    department = serializers.CharField(required=False, allow_blank=True, default="")
    department_role = serializers.CharField(required=False, allow_blank=True, default="")


class AcceptInvitationSerializer(serializers.Serializer):
    token = serializers.CharField()


class GrantSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    level = serializers.ChoiceField(choices=["view", "deploy"])


class AccessKeySerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessKey
        fields = [
            "key_id",
            "name",
            "is_active",
            "expires_at",
            "created_at",
            "last_used_at",
            "last_used_from",
        ]
        read_only_fields = [field for field in fields if field != "is_active"]


class NewAccessKeySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    expires_in_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=3650
    )


class CreatedAccessKeySerializer(AccessKeySerializer):
    """The one response that carries the secret."""

    secret = serializers.CharField(read_only=True)

    class Meta(AccessKeySerializer.Meta):
        fields = [*AccessKeySerializer.Meta.fields, "secret"]


class AuditEventSerializer(serializers.ModelSerializer):
    organization = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "occurred_at",
            "actor_name",
            "access_key",
            "via",
            "organization",
            "action",
            "target_type",
            "target_id",
            "target_name",
            "changes",
            "source_address",
            "request_id",
            "result",
            "reason",
        ]

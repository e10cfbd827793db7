"""How apps, releases and instances look in the API. `apps.spec` validates specs;
these serializers only shape JSON into an AppSpec and back."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Application, Cluster, Instance, Release
from ..spec import AppSpec


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a misspelt one ("cpu" for "cpu_limit")
    is an error rather than silently left at its default."""

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown field; see the API schema for the fields.")] for name in unknown}
            )
        return attrs


class SpecSerializer(StrictSerializer):
    image = serializers.CharField(max_length=255)
    instances = serializers.IntegerField(default=1)
    cpu_limit = serializers.CharField(default="500m")
    memory_limit = serializers.CharField(default="512Mi")
    cpu_request = serializers.CharField(default="", allow_blank=True)
    memory_request = serializers.CharField(default="", allow_blank=True)
    port = serializers.IntegerField(default=8080)
    env = serializers.DictField(child=serializers.CharField(allow_blank=True), default=dict)

    def to_spec(self) -> AppSpec:
        data = {name: self.validated_data[name] for name in SpecSerializer._declared_fields}
        data["env"] = tuple(data["env"].items())
        return AppSpec(**data)


def spec_json(spec: AppSpec) -> dict:
    return {**spec.to_dict(), "env": dict(spec.env)}


class NewApplicationSerializer(SpecSerializer):
    name = serializers.CharField(max_length=100)
    department = serializers.CharField(max_length=30)
    cluster = serializers.SlugRelatedField(
        slug_field="name",
        queryset=Cluster.objects.all(),
        required=False,
        help_text="Where the app runs; the platform's default cluster when left out.",
    )


class ApplicationSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    cluster = serializers.StringRelatedField()
    release = serializers.IntegerField(source="desired_release.number")
    desired_instances = serializers.IntegerField()
    spec = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "name",
            "department",
            "cluster",
            "release",
            "health",
            "sync_state",
            "sync_message",
            "ready_instances",
            "desired_instances",
            "spec",
            "created_at",
        ]

    def get_spec(self, application) -> dict:
        return spec_json(application.spec)


class ReleaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Release
        fields = [
            "number",
            "cause",
            "rollback_to",
            "spec",
            "changes",
            "created_by_name",
            "created_at",
        ]


class InstanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Instance
        fields = [
            "pod_name",
            "release_number",
            "node_name",
            "zone",
            "phase",
            "ready",
            "restarts",
            "reason",
            "started_at",
        ]


class ScaleSerializer(serializers.Serializer):
    instances = serializers.IntegerField()


class RollbackSerializer(serializers.Serializer):
    release = serializers.IntegerField()

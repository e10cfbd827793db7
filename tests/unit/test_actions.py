"""Action functions: validation, releases, audit, and access, without a cluster."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from apps import actions
from apps.models import Application, Release
from apps.spec import AppSpec
from tenants.audit import Actor
from tenants.models import AuditEvent

from .. import factories


def test_create_makes_release_one_and_one_audit_event(owner, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    assert application.desired_release.number == 1
    assert application.sync_state == Application.SyncState.PENDING
    [event] = AuditEvent.objects.filter(action="application.create")
    assert (event.actor, event.organization, event.target_name) == (owner, organization, "hello")


@pytest.mark.parametrize(
    ("name", "spec", "field"),
    [
        ("Hello_World", {}, "name"),
        ("x" * 70, {}, "name"),
        ("hello", {"instances": -1}, "instances"),
        ("hello", {"cpu_limit": "abc"}, "cpu_limit"),
        ("hello", {"memory_limit": "1.5.5Gi"}, "memory_limit"),
        ("hello", {"image": "nginx:"}, "image"),
    ],
)
def test_bad_input_creates_nothing(owner, organization, offline_cluster, name, spec, field):
    with pytest.raises(ValidationError) as raised:
        factories.application(owner, organization, offline_cluster, name=name, **spec)
    assert field in raised.value.message_dict
    assert not Application.objects.exists()
    assert not Release.objects.exists()


def test_duplicate_name_is_a_field_error(owner, organization, offline_cluster):
    factories.application(owner, organization, offline_cluster)
    with pytest.raises(ValidationError) as raised:
        factories.application(owner, organization, offline_cluster)
    assert "already exists" in raised.value.message_dict["name"][0]


def test_scale_update_and_rollback_number_releases(owner, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    actor = Actor(user=owner, via="test")
    scaled = actions.scale_application(actor, application, 5)
    updated = actions.update_application(
        actor, application, AppSpec(image="nginx:1.28", instances=5, port=80)
    )
    rolled = actions.rollback_application(actor, application, 1)
    assert [scaled.number, updated.number, rolled.number] == [2, 3, 4]
    assert scaled.changes == [{"field": "instances", "before": 2, "after": 5}]
    assert rolled.app_spec == Release.objects.get(application=application, number=1).app_spec
    application.refresh_from_db()
    assert application.desired_release == rolled
    assert AuditEvent.objects.filter(target_id=str(application.pk)).count() == 4


def test_releases_are_immutable(owner, organization, offline_cluster):
    release = factories.application(owner, organization, offline_cluster).desired_release
    release.spec = {"image": "evil"}
    with pytest.raises(ValueError):
        release.save()


def test_rollback_to_missing_release_names_the_field(owner, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    with pytest.raises(ValidationError) as raised:
        actions.rollback_application(Actor(user=owner, via="test"), application, 42)
    assert "release" in raised.value.message_dict


def test_outsider_cannot_see_or_change(owner, outsider, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    with pytest.raises(Http404):
        actions.scale_application(Actor(user=outsider, via="test"), application, 3)
    with pytest.raises(Http404):
        actions.delete_application(Actor(user=outsider, via="test"), application)


def test_developer_may_deploy_but_not_delete(owner, developer, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    actions.scale_application(Actor(user=developer, via="test"), application, 3)
    with pytest.raises(PermissionDenied):
        actions.delete_application(Actor(user=developer, via="test"), application)


def test_deleting_app_takes_no_more_releases(owner, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    actions.delete_application(Actor(user=owner, via="test"), application)
    with pytest.raises(ValidationError):
        actions.scale_application(Actor(user=owner, via="test"), application, 3)
    assert AuditEvent.objects.filter(action="application.delete", actor=owner).count() == 1


def test_app_goes_to_the_chosen_cluster(owner, organization, offline_cluster):
    other = factories.cluster(name="real-pool")
    application = factories.application(owner, organization, other)
    assert application.cluster == other


def test_no_default_cluster_is_a_field_error(owner, organization, offline_cluster):
    type(offline_cluster).objects.update(is_default=False)
    with pytest.raises(ValidationError) as raised:
        actions.create_application(
            Actor(user=owner, via="test"),
            organization.departments.get(),
            "hello",
            AppSpec(image="nginx:1.27"),
        )
    assert "cluster" in raised.value.message_dict


def test_a_change_that_changes_nothing_is_refused(owner, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    with pytest.raises(ValidationError) as raised:
        actions.scale_application(Actor(user=owner, via="test"), application, 2)
    assert "Nothing to deploy" in raised.value.messages[0]
    assert application.releases.count() == 1


def test_a_scale_keeps_the_instances_release(owner, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    actor = Actor(user=owner, via="test")
    scaled = actions.scale_application(actor, application, 5)
    updated = actions.update_application(
        actor, application, AppSpec(image="nginx:1.28", instances=5, port=80)
    )
    rescaled = actions.scale_application(actor, application, 1)
    assert [scaled.instance_release, updated.instance_release, rescaled.instance_release] == [
        1,
        3,
        3,
    ]

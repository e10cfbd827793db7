"""The audit trail: one event per change, failures too, append-only, reviewable and
exported in a stream."""

import tracemalloc

import pytest
from django.core.exceptions import PermissionDenied

from apps import actions as app_actions
from apps import clusters
from apps.spec import AppSpec
from tenants import access_keys, actions
from tenants.access import PERMISSIONS, Action
from tenants.audit import Actor
from tenants.models import AuditEvent, Membership

from .. import factories

# Actions that only read: nothing changes, so nothing is audited.
READS = {Action.VIEW_ORGANIZATION, Action.VIEW_APP, Action.VIEW_AUDIT}


def _invite(world):
    actions.invite_member(world.actor, world.organization, "new@example.test")
    return "member.invite", world.organization.invitations.get()


def _change_role(world):
    membership = Membership.objects.get(user=world.member)
    actions.change_role(world.actor, membership, "admin")
    return "member.change_role", membership


def _make_owner(world):
    membership = Membership.objects.get(user=world.member)
    actions.change_role(world.actor, membership, "owner")
    return "member.change_role", membership


def _remove(world):
    membership = Membership.objects.get(user=world.member)
    actions.remove_member(world.actor, membership)
    return "member.remove", membership


def _create_department(world):
    department = actions.create_department(world.actor, world.organization, "Ops", "ops")
    return "department.create", department


def _set_department_role(world):
    department = world.organization.departments.get()
    actions.set_department_role(world.actor, department, world.member, "viewer")
    return "department.set_role", department


def _create_app(world):
    return "application.create", factories.application(
        world.owner, world.organization, world.cluster, name="fresh"
    )


def _scale(world):
    app_actions.scale_application(world.actor, world.application, 3)
    return "application.scale", world.application


def _update(world):
    spec = AppSpec(image="nginx:1.28", instances=2, port=80)
    app_actions.update_application(world.actor, world.application, spec)
    return "application.update", world.application


def _rollback(world):
    app_actions.rollback_application(world.actor, world.application, 1)
    return "application.rollback", world.application


def _delete(world):
    app_actions.delete_application(world.actor, world.application)
    return "application.delete", world.application


def _grant(world):
    actions.grant_app_permission(world.actor, world.application, world.member, "deploy")
    return "application.grant", world.application


def _revoke(world):
    actions.revoke_app_permission(world.actor, world.application, world.member)
    return "application.revoke", world.application


def _create_organization(world):
    world.act_as(world.operator)
    organization = actions.create_organization(world.actor, "Globex", "globex", world.owner)
    return "organization.create", organization


def _rename_organization(world):
    actions.rename_organization(world.actor, world.organization, "Renamed")
    return "organization.rename", world.organization


def _save_cluster(world):
    world.act_as(world.operator)
    world.cluster.region = "elsewhere"
    clusters.save_cluster(world.actor, world.cluster, ["region"])
    return "cluster.save", world.cluster


PERFORMERS = {
    Action.CREATE_ORGANIZATION: [_create_organization],
    Action.RENAME_ORGANIZATION: [_rename_organization],
    Action.MANAGE_CLUSTERS: [_save_cluster],
    Action.MANAGE_MEMBERS: [_invite, _change_role, _remove],
    Action.MANAGE_OWNERS: [_make_owner],
    Action.MANAGE_DEPARTMENTS: [_create_department],
    Action.MANAGE_DEPARTMENT_MEMBERS: [_set_department_role],
    Action.CREATE_APP: [_create_app],
    Action.DEPLOY_APP: [_update, _scale, _rollback],
    Action.DELETE_APP: [_delete],
    Action.GRANT_APP: [_grant, _revoke],
}


def test_every_action_in_the_table_has_a_performer():
    missing = set(PERMISSIONS) - READS - set(PERFORMERS)
    assert not missing, f"add a performer to PERFORMERS in {__file__} for: {sorted(missing)}"


class World:
    """An organization with an app, its owner acting, a plain member to act on, and
    an operator for platform-wide actions."""

    def __init__(self, owner, member, operator, organization, cluster):
        self.owner, self.member, self.operator = owner, member, operator
        self.organization, self.cluster = organization, cluster
        self.application = factories.application(owner, organization, cluster)
        self.act_as(owner)

    def act_as(self, user):
        self.actor = Actor(user=user, via="test", source_address="127.0.0.1")


@pytest.mark.parametrize(
    "performer", [each for performers in PERFORMERS.values() for each in performers]
)
def test_each_action_writes_exactly_one_event(
    owner, member, operator, organization, offline_cluster, performer
):
    world = World(owner, member, operator, organization, offline_cluster)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    audit_action, target = performer(world)
    [event] = AuditEvent.objects.exclude(pk__in=before)
    assert event.action == audit_action
    actor = world.actor.user
    assert (event.actor, event.actor_name) == (actor, actor.username)
    assert event.target_type == target._meta.label_lower
    assert event.target_id == str(target.pk)
    # Platform-wide targets (clusters) belong to no organization.
    expected_organization = getattr(target, "organization", target)
    if target._meta.label_lower == "apps.cluster":
        expected_organization = None
    assert event.organization == expected_organization
    assert event.result == AuditEvent.Result.SUCCESS


def test_refused_action_is_audited_as_failed(owner, viewer, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    with pytest.raises(PermissionDenied):
        app_actions.scale_application(Actor(user=viewer, via="test"), application, 9)
    [event] = AuditEvent.objects.filter(result="failure")
    assert (event.action, event.actor, event.reason) == (
        "application.scale",
        viewer,
        "permission denied",
    )
    assert event.target_id == str(application.pk)


def test_invalid_input_is_audited_as_failed_with_the_reason(owner, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    with pytest.raises(Exception, match="Instances"):
        app_actions.scale_application(Actor(user=owner, via="test"), application, -1)
    event = AuditEvent.objects.get(result="failure")
    assert "Instances is a whole number" in event.reason
    assert application.releases.count() == 1


def test_access_key_changes_are_audited(developer):
    actor = Actor(user=developer, via="test")
    key, _secret = access_keys.create_access_key(actor, "ci")
    key_pk = str(key.pk)
    access_keys.set_access_key_enabled(actor, key, False)
    access_keys.delete_access_key(actor, key)
    actions_seen = list(
        AuditEvent.objects.filter(target_id=key_pk).order_by("id").values_list("action", flat=True)
    )
    assert actions_seen == ["access_key.create", "access_key.set_enabled", "access_key.delete"]


def test_events_cannot_be_changed_or_deleted(owner, organization, offline_cluster):
    factories.application(owner, organization, offline_cluster)
    event = AuditEvent.objects.get()
    event.reason = "edited"
    for attempt in (
        event.save,
        event.delete,
        lambda: AuditEvent.objects.update(reason="x"),
        lambda: AuditEvent.objects.all().delete(),
    ):
        with pytest.raises(ValueError):
            attempt()


def test_deleting_a_user_keeps_their_name_on_the_trail(owner, organization, offline_cluster):
    factories.application(owner, organization, offline_cluster)
    name = owner.username
    Membership.objects.filter(user=owner).delete()
    owner.delete()
    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_name) == (None, name)


def test_review_page_filters_and_pages(client, owner, organization, offline_cluster):
    for number in range(60):
        AuditEvent.objects.create(
            actor=owner, actor_name=owner.username, via="test", organization=organization,
            action="thing.poke", target_type="t", target_id=str(number), result="success",
        )  # fmt: skip
    client.force_login(owner)
    url = f"/orgs/{organization.slug}/audit/"
    first = client.get(url, {"action": "thing.poke"})
    assert len(first.context["events"]) == 50
    second = client.get(url, {"action": "thing.poke", "cursor": first.context["next_cursor"]})
    assert len(second.context["events"]) == 10
    assert not {e.pk for e in first.context["events"]} & {e.pk for e in second.context["events"]}
    one = client.get(url, {"target_type": "t", "target_id": "7"})
    assert [e.target_id for e in one.context["events"]] == ["7"]


def test_review_shows_only_the_own_organization(
    client, owner, outsider, organization, other_organization
):
    for org in (organization, other_organization):
        AuditEvent.objects.create(
            via="test", organization=org, action="x.y", target_type="t", result="success"
        )
    client.force_login(outsider)
    response = client.get(f"/orgs/{other_organization.slug}/audit/")
    assert {e.organization for e in response.context["events"]} == {other_organization}
    export = client.get(f"/orgs/{other_organization.slug}/audit/export.json")
    assert organization.slug not in b"".join(export.streaming_content).decode()
    assert client.get("/audit/").status_code == 404


def test_operators_review_everything(client, operator, organization, other_organization):
    for org in (organization, other_organization):
        AuditEvent.objects.create(
            via="test", organization=org, action="x.y", target_type="t", result="success"
        )
    client.force_login(operator)
    response = client.get("/audit/")
    assert len(response.context["events"]) == 2


def test_export_streams_100k_events_in_bounded_memory(client, operator, organization):
    events = (
        AuditEvent(
            actor_name="bulk", via="test", organization=organization, action="bulk.insert",
            target_type="t", target_id=str(number), target_name=f"target {number}",
            result="success",
        )
        for number in range(100_000)
    )  # fmt: skip
    AuditEvent.objects.bulk_create(events, batch_size=5000)
    client.force_login(operator)
    response = client.get("/audit/export.csv")
    assert response.streaming
    tracemalloc.start()
    lines = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert lines == 100_001
    # All 100,000 rows held at once would take well over 50 MB.
    assert peak < 20 * 2**20, f"export peaked at {peak / 2**20:.1f} MiB"

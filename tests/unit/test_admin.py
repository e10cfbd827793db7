"""The operators' admin panel: searchable, one click to the audit trail, and every
change made there goes through an action function and is audited."""

from apps.models import Cluster
from tenants.models import AuditEvent, Department, Membership, Organization

from .. import factories


def admin_events(action):
    return AuditEvent.objects.filter(action=action, via="admin", result="success")


def test_operator_manages_tenancy_through_actions(client, operator, owner, member, organization):
    client.force_login(operator)
    response = client.post(
        "/admin/tenants/organization/add/",
        {
            "name": "Globex",
            "slug": "globex",
            **_empty_inlines("departments"),
            **_empty_inlines("memberships"),
        },
    )
    assert response.status_code == 302, response.content
    globex = Organization.objects.get(slug="globex")
    assert admin_events("organization.create").get().actor == operator

    client.post(
        "/admin/tenants/membership/add/",
        {"user": member.pk, "organization": globex.pk, "role": "owner"},
    )
    membership = Membership.objects.get(user=member, organization=globex)
    assert admin_events("member.add").count() == 1

    client.post(f"/admin/tenants/membership/{membership.pk}/change/", {"role": "admin"})
    assert Membership.objects.filter(user=member, organization=globex).count() == 1
    assert admin_events("member.change_role").count() == 0  # the last owner stays

    client.post(
        "/admin/tenants/department/add/", {"organization": globex.pk, "name": "Ops", "slug": "ops"}
    )
    assert Department.objects.filter(organization=globex, slug="ops").exists()
    assert admin_events("department.create").count() == 1

    owner_membership = Membership.objects.get(user=owner, organization=organization)
    client.post(f"/admin/tenants/membership/{owner_membership.pk}/delete/", {"post": "yes"})
    assert Membership.objects.filter(pk=owner_membership.pk).exists()  # last owner again
    plain = factories.user(organization=organization)
    plain_membership = Membership.objects.get(user=plain)
    client.post(f"/admin/tenants/membership/{plain_membership.pk}/delete/", {"post": "yes"})
    assert not Membership.objects.filter(pk=plain_membership.pk).exists()
    assert admin_events("member.remove").count() == 1


def _empty_inlines(prefix):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_cluster_changes_are_audited(client, operator, offline_cluster):
    client.force_login(operator)
    data = {
        "name": offline_cluster.name,
        "region": "moved",
        "kubeconfig_path": offline_cluster.kubeconfig_path,
        "context": "",
        "is_default": "on",
    }
    client.post(f"/admin/apps/cluster/{offline_cluster.pk}/change/", data)
    assert Cluster.objects.get().region == "moved"
    event = admin_events("cluster.save").get()
    assert event.changes["region"] == "moved"


def test_lists_are_searchable_and_link_to_the_audit_trail(client, operator, owner, organization):
    client.force_login(operator)
    for model in ["organization", "department", "membership"]:
        page = client.get(f"/admin/tenants/{model}/", {"q": organization.slug}).content.decode()
        assert "/audit/?target_type=tenants." in page, model
    response = client.get("/admin/tenants/organization/", {"q": organization.slug})
    link = f"/audit/?target_type=tenants.organization&amp;target_id={organization.pk}"
    assert link in response.content.decode()
    assert client.get(link.replace("&amp;", "&")).status_code == 200


def test_audit_events_are_read_only_in_the_admin(
    client, operator, owner, organization, offline_cluster
):
    factories.application(owner, organization, offline_cluster)
    event = AuditEvent.objects.get()
    client.force_login(operator)
    assert client.get(f"/admin/tenants/auditevent/{event.pk}/change/").status_code == 200
    client.post(f"/admin/tenants/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert AuditEvent.objects.filter(pk=event.pk).exists()

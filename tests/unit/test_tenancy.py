"""Organizations, departments, members, invitations and grants on one app."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from apps import actions as app_actions
from tenants import access, actions
from tenants.access import Action
from tenants.audit import Actor
from tenants.models import (
    AuditEvent,
    DepartmentMembership,
    DepartmentRole,
    Invitation,
    Membership,
    Role,
)

from .. import factories


def as_(user) -> Actor:
    return Actor(user=user, via="test")


def invite(owner, organization, email="new@example.test", **kwargs):
    actions.invite_member(as_(owner), organization, email, **kwargs)


def link_token(message) -> str:
    body = message.get_payload(decode=True).decode()
    return re.search(r"/invitations/([^/\s]+)/", body).group(1)


def test_invitation_is_emailed_and_works_once(
    owner, organization, smtp_mailbox, django_capture_on_commit_callbacks
):
    department = organization.departments.get()
    with django_capture_on_commit_callbacks(execute=True):
        invite(owner, organization, department=department, department_role="developer")
    [message] = smtp_mailbox.messages
    assert message["To"] == "new@example.test"
    assert organization.name in message["Subject"]
    token = link_token(message)
    newcomer = factories.user()
    invitation = actions.find_invitation(token)
    membership = actions.accept_invitation(as_(newcomer), invitation)
    assert (membership.organization, membership.role) == (organization, Role.MEMBER)
    assert DepartmentMembership.objects.get(user=newcomer).role == DepartmentRole.DEVELOPER
    with pytest.raises(ValidationError, match="already been used"):
        actions.accept_invitation(as_(factories.user()), actions.find_invitation(token))
    failed = AuditEvent.objects.get(action="member.accept_invitation", result="failure")
    assert "already been used" in failed.reason


def test_the_token_is_not_stored(
    owner, organization, smtp_mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(owner, organization)
    token = link_token(smtp_mailbox.messages[0])
    assert not Invitation.objects.filter(token_hash=token).exists()


def test_expired_or_unknown_invitation_is_refused(owner, organization):
    invite(owner, organization)
    invitation = Invitation.objects.get()
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(1))
    invitation.refresh_from_db()
    with pytest.raises(ValidationError, match="expired"):
        actions.accept_invitation(as_(factories.user()), invitation)
    with pytest.raises(ValidationError, match="not valid"):
        actions.accept_invitation(as_(factories.user()), actions.find_invitation("nonsense"))


def test_only_owners_invite_owners(admin, organization):
    with pytest.raises(PermissionDenied):
        invite(admin, organization, role=Role.OWNER)
    invite(admin, organization, role=Role.ADMIN)


def test_members_cannot_invite_and_outsiders_get_404(member, outsider, organization):
    with pytest.raises(PermissionDenied):
        invite(member, organization)
    with pytest.raises(Http404):
        invite(outsider, organization)
    assert AuditEvent.objects.filter(action="member.invite", result="failure").count() == 2


def test_last_owner_stays(owner, organization):
    membership = Membership.objects.get(user=owner)
    with pytest.raises(ValidationError, match="at least one owner"):
        actions.change_role(as_(owner), membership, Role.ADMIN)
    with pytest.raises(ValidationError, match="at least one owner"):
        actions.remove_member(as_(owner), membership)


def test_removing_a_member_takes_department_roles_and_grants(
    owner, viewer, organization, offline_cluster
):
    application = factories.application(owner, organization, offline_cluster)
    actions.grant_app_permission(as_(owner), application, viewer, "deploy")
    actions.remove_member(as_(owner), Membership.objects.get(user=viewer))
    assert not DepartmentMembership.objects.filter(user=viewer).exists()
    assert not access.applications_for(viewer).exists()
    # Joining again does not bring the old grant back.
    Membership.objects.create(user=viewer, organization=organization)
    assert not access.can(viewer, Action.VIEW_APP, application)


def test_department_roles_decide_per_department(owner, developer, organization, offline_cluster):
    ops = actions.create_department(as_(owner), organization, "Ops", "ops")
    web_app = factories.application(owner, organization, offline_cluster)
    assert access.can(developer, Action.DEPLOY_APP, web_app)
    assert not access.can(developer, Action.CREATE_APP, ops)
    actions.set_department_role(as_(owner), ops, developer, DepartmentRole.VIEWER)
    assert access.can(developer, Action.VIEW_ORGANIZATION, organization)
    assert not access.can(developer, Action.CREATE_APP, ops)
    assert list(access.departments_for(developer, Action.CREATE_APP, organization)) == [
        web_app.department
    ]


def test_department_slug_rules(owner, organization):
    with pytest.raises(ValidationError) as raised:
        actions.create_department(as_(owner), organization, "Bad", "a--b")
    assert "slug" in raised.value.message_dict
    with pytest.raises(ValidationError, match="already has"):
        actions.create_department(as_(owner), organization, "Web again", "web")


def test_grant_deploy_on_one_app_only(owner, viewer, organization, offline_cluster):
    granted = factories.application(owner, organization, offline_cluster, name="granted")
    other = factories.application(owner, organization, offline_cluster, name="other")
    with pytest.raises(PermissionDenied):
        app_actions.scale_application(as_(viewer), granted, 3)
    actions.grant_app_permission(as_(owner), granted, viewer, "deploy")
    app_actions.scale_application(as_(viewer), granted, 3)
    with pytest.raises(PermissionDenied):
        app_actions.scale_application(as_(viewer), other, 3)
    actions.revoke_app_permission(as_(owner), granted, viewer)
    with pytest.raises(PermissionDenied):
        app_actions.scale_application(as_(viewer), granted, 3)


def test_a_grant_alone_makes_one_app_visible(owner, member, organization, offline_cluster):
    granted = factories.application(owner, organization, offline_cluster, name="granted")
    factories.application(owner, organization, offline_cluster, name="other")
    assert not access.applications_for(member).exists()
    actions.grant_app_permission(as_(owner), granted, member, "view")
    assert list(access.applications_for(member)) == [granted]
    assert not access.can(member, Action.DEPLOY_APP, granted)


def test_grants_only_go_to_members(owner, outsider, organization, offline_cluster):
    application = factories.application(owner, organization, offline_cluster)
    with pytest.raises(ValidationError):
        actions.grant_app_permission(as_(owner), application, outsider, "deploy")
    assert not access.can(outsider, Action.VIEW_APP, application)


def test_removed_member_is_refused_on_next_request(client, owner, developer, organization):
    client.force_login(developer)
    assert client.get(f"/orgs/{organization.slug}/").status_code == 200
    actions.remove_member(as_(owner), Membership.objects.get(user=developer))
    assert client.get(f"/orgs/{organization.slug}/").status_code == 404


def test_members_page_invites_and_removes(
    client, owner, member, organization, smtp_mailbox, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    url = f"/orgs/{organization.slug}/members/"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "pat@example.test", "role": "member"})
    assert response.status_code == 302
    assert smtp_mailbox.messages[0]["To"] == "pat@example.test"
    membership = Membership.objects.get(user=member)
    client.post(f"{url}{membership.pk}/remove/")
    assert not Membership.objects.filter(user=member).exists()


def test_invitation_page_joins_the_signed_in_user(
    client, owner, organization, smtp_mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(owner, organization)
    token = link_token(smtp_mailbox.messages[0])
    newcomer = factories.user()
    client.force_login(newcomer)
    assert organization.name in client.get(f"/invitations/{token}/").content.decode()
    response = client.post(f"/invitations/{token}/")
    assert response.status_code == 302
    assert Membership.objects.filter(user=newcomer, organization=organization).exists()


def test_someone_without_an_account_signs_up_from_the_invitation(
    client, owner, organization, smtp_mailbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(owner, organization, email="newcomer@example.test")
    url = f"/invitations/{link_token(smtp_mailbox.messages[0])}/"
    assert "Create your account" in client.get(url).content.decode()
    weak = client.post(url, {"username": "newcomer", "password1": "x", "password2": "x"})
    assert weak.status_code == 200 and not Membership.objects.filter(user__username="newcomer")
    password = "a-long-enough-secret-42"
    response = client.post(
        url, {"username": "newcomer", "password1": password, "password2": password}
    )
    assert response.url == f"/orgs/{organization.slug}/"
    membership = Membership.objects.get(user__username="newcomer")
    assert (membership.organization, membership.user.email) == (
        organization,
        "newcomer@example.test",
    )
    assert client.get(response.url).status_code == 200  # signed in as the new account
    assert AuditEvent.objects.filter(action="member.sign_up", result="success").count() == 1
    # The link worked once: a second sign-up with it creates no account.
    other = client_class_post(url, "second", password)
    assert other.status_code == 200
    assert not Membership.objects.filter(user__username="second").exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="second").exists()


def client_class_post(url, username, password):
    from django.test import Client

    return Client().post(url, {"username": username, "password1": password, "password2": password})


def test_tenancy_pages_render_for_an_owner(client, owner, organization, offline_cluster):
    factories.application(owner, organization, offline_cluster)
    client.force_login(owner)
    base = f"/orgs/{organization.slug}"
    for url in [
        f"{base}/members/",
        f"{base}/departments/",
        f"{base}/departments/web/",
        f"{base}/apps/hello/access/",
        f"{base}/audit/",
        "/account/keys/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_new_app_form_offers_only_departments_the_user_may_deploy_to(
    client, owner, developer, organization
):
    actions.create_department(as_(owner), organization, "Ops", "ops")
    client.force_login(developer)
    response = client.get(f"/orgs/{organization.slug}/apps/new/")
    choices = [label for _value, label in response.context["form"].fields["department"].choices]
    assert [str(choice) for choice in choices] == [str(organization.departments.get(slug="web"))]

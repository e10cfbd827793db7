"""Labels Berth puts on every object it manages, and the selectors built from them."""

MANAGED_BY = "app.kubernetes.io/managed-by"
MANAGER = "berth"
APP_NAME = "app.kubernetes.io/name"
ORGANIZATION = "berth.io/organization"
DEPARTMENT = "berth.io/department"
APPLICATION_ID = "berth.io/application-id"
RELEASE = "berth.io/release"
ZONE = "topology.kubernetes.io/zone"
FIELD_MANAGER = "berth"


def tenant_labels(department) -> dict[str, str]:
    return {
        MANAGED_BY: MANAGER,
        ORGANIZATION: department.organization.slug,
        DEPARTMENT: department.slug,
    }


def application_selector(application) -> dict[str, str]:
    """Selects an app's pods. Never changes for an app: a Deployment's selector is immutable."""
    return {APP_NAME: application.name, MANAGED_BY: MANAGER}


def application_labels(application) -> dict[str, str]:
    return {
        **tenant_labels(application.department),
        **application_selector(application),
        APPLICATION_ID: str(application.pk),
    }


def selector_string(labels: dict[str, str]) -> str:
    return ",".join(f"{key}={value}" for key, value in sorted(labels.items()))

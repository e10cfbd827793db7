"""Berth's settings.

Every setting that differs between a laptop, CI and production comes from a
`BERTH_*` environment variable; the defaults run Berth locally with SQLite and the
local cluster started by `localcluster/cluster.py`.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = Path(os.environ.get("BERTH_STATE_DIR", BASE_DIR / "var"))


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("BERTH_DEBUG", True)
SECRET_KEY = os.environ.get("BERTH_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("BERTH_SECRET_KEY must be set when BERTH_DEBUG is off.")
    SECRET_KEY = "berth-local-development-only"  # noqa: S105 - never used outside DEBUG

ALLOWED_HOSTS = env_list("BERTH_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list(
    "BERTH_CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000"
)

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "channels",
    "console",
    "tenants",
    "apps",
    "scaling",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "console.urls"
ASGI_APPLICATION = "console.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "console.context_processors.navigation",
            ],
            "string_if_invalid": "",
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("BERTH_DATABASE_URL", f"sqlite:///{STATE_DIR / 'berth.sqlite3'}"),
        conn_max_age=int(os.environ.get("BERTH_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database of `make run` serves a web server and a worker at once:
    # writers queue for the lock instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = STATE_DIR / "staticfiles"

REDIS_URL = os.environ.get("BERTH_REDIS_URL", "redis://127.0.0.1:16379/0")

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        # A page's consumer blocks on Redis for up to 5 s at a time waiting for
        # events; the client's own read timeout must be longer, or every idle live
        # page is dropped after 5 s.
        "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 30}]},
    }
}
if env_flag("BERTH_INMEMORY_CHANNELS", False):
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

CELERY_BROKER_URL = os.environ.get("BERTH_BROKER_URL", REDIS_URL)
CELERY_TASK_ACKS_LATE = True  # a killed worker's apply is redelivered, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "reconcile-applications": {
        "task": "apps.tasks.reconcile_due",
        "schedule": float(os.environ.get("BERTH_RECONCILE_SECONDS", "5")),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.authentication.SignatureAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "console.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Berth API",
    "DESCRIPTION": "Everything the Berth console does, for scripts and the CLI.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "OrganizationRoleEnum": "tenants.models.Role",
        "DepartmentRoleEnum": "tenants.models.DepartmentRole",
    },
}

# Kubernetes: the cluster Berth registers on first run. Other clusters are rows in
# the database, each with its own kubeconfig path.
LOCAL_CLUSTER_STATE = Path(
    os.environ.get("BERTH_CLUSTER_STATE", Path.home() / ".local/state/berth/cluster")
)
LOCAL_KUBECONFIG = os.environ.get("BERTH_KUBECONFIG", str(LOCAL_CLUSTER_STATE / "kubeconfig"))

# Apps are reached at <app>.<organization>.<apps domain> through the ingress
# controller of this class. `*.localhost` resolves to loopback in browsers and curl,
# which suits the local cluster's controller on 127.0.0.1:18080.
BERTH_APPS_DOMAIN = os.environ.get("BERTH_APPS_DOMAIN", "apps.localhost")
BERTH_APPS_HTTP_PORT = int(os.environ.get("BERTH_APPS_HTTP_PORT", "18080"))
BERTH_INGRESS_CLASS = os.environ.get("BERTH_INGRESS_CLASS", "berth")

# Email: printed to the console unless an SMTP server is configured.
EMAIL_HOST = os.environ.get("BERTH_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("BERTH_EMAIL_PORT", "25"))
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("BERTH_FROM_EMAIL", "berth@localhost")
# The address people reach the console at, for links in emails.
BERTH_PUBLIC_URL = os.environ.get("BERTH_PUBLIC_URL", "http://127.0.0.1:8000")
BERTH_INVITATION_DAYS = int(os.environ.get("BERTH_INVITATION_DAYS", "7"))

# Fernet key for access-key secrets; derived from SECRET_KEY when empty.
BERTH_ENCRYPTION_KEY = os.environ.get("BERTH_ENCRYPTION_KEY", "")
BERTH_MAX_ACCESS_KEYS = int(os.environ.get("BERTH_MAX_ACCESS_KEYS", "10"))
# Signed API requests: the region and service in their credential scope, and how far
# a request's clock may be from Berth's.
BERTH_SIGNING_REGION = os.environ.get("BERTH_SIGNING_REGION", "us-east-1")
BERTH_SIGNING_SERVICE = "berth"
BERTH_SIGNING_MAX_SKEW_SECONDS = 300

BERTH_MAX_INSTANCES = int(os.environ.get("BERTH_MAX_INSTANCES", "50"))
# How long a rollout is watched for before Berth leaves it to the periodic reconcile.
BERTH_ROLLOUT_WATCH_SECONDS = int(os.environ.get("BERTH_ROLLOUT_WATCH_SECONDS", "300"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {
            "()": "console.logging.StructuredFormatter",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "structured"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("BERTH_LOG_LEVEL", "INFO")},
    "loggers": {
        "kubernetes": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}

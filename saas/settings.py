"""Settings of the whole product, read from the environment with safe development defaults."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
# Embedded servers, uploads and development mail live under this folder (git-ignored).
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str | None = None) -> str:
    """Return an environment variable, or its development default; production must set it."""
    value = os.environ.get(name)
    if value:
        return value
    if default is None or PRODUCTION:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return default


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


PRODUCTION = env_bool("PRODUCTION", False)
DEBUG = env_bool("DEBUG", not PRODUCTION)
# With DEBUG on, the product's 404/403/500 pages still show (the demo runs with DEBUG); a
# developer who wants Django's technical pages sets DEBUG_ERROR_PAGES=1.
DEBUG_ERROR_PAGES = env_bool("DEBUG_ERROR_PAGES", False)
SECRET_KEY = env("SECRET_KEY", "dev-only-secret-key-never-use-in-production")
# Fernet key(s) for secrets kept in the database (see saas/crypto.py); empty: derived from
# SECRET_KEY, which production refuses.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", "")

# Tenants live at <sub-domain>.<BASE_DOMAIN>; the public host is BASE_DOMAIN itself.
BASE_DOMAIN = env("BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = [
    h.strip() for h in env("ALLOWED_HOSTS", f".{BASE_DOMAIN},{BASE_DOMAIN}").split(",")
]
# Scheme and port used in the links we e-mail (confirmation, invitations).
PUBLIC_URL_SCHEME = env("PUBLIC_URL_SCHEME", "http")
PUBLIC_URL_PORT = env("PUBLIC_URL_PORT", "8000")

SHARED_APPS = [
    "django_tenants",
    "saas.tenancy",
    "saas.reference_sync",
    "shared_reference",
    # The user model: platform staff in public, each hospital's users in its own schema.
    "tenants.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "django_tables2",
    "django_filters",
    "rest_framework",
    "rest_framework_api_key",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served by us, not from a CDN
    "axes",  # lock-out of platform staff accounts
    # The audit trail (saas/audit): triggers, and a change-context table in every schema.
    "pgtrigger",
    "pghistory",
    "saas.audit",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "tenants.accounts",
    "axes",  # each tenant counts its own failed logins
    "tenants.structure",
    "tenants.mirror",
    "tenants.alerts",
    "tenants.inventory",
    "tenants.campaigns",
    "tenants.numbering",  # per-tenant counters of human references (DEM-2027-00042)
    "tenants.requests",
    "tenants.plan",
    "tenants.loans",
    "tenants.trials",  # manufacturers' trial loans (prêts d'essai)
    "tenants.markets",  # central markets followed and local markets, with their lots
    "tenants.purchasing",  # off-contract exceptions, purchase files, purchase requests (DRA)
    "tenants.catalogue",  # referenced consumables and accessories, favourites, shared lists
    "tenants.controls",  # the checks every app declares, and what they found
    "tenants.finance",  # the finance system's order lines, fixed assets and invoices
    "tenants.notifications",
    "tenants.documents",
    "tenants.wordtemplates",  # Word templates of produced documents (DOCX and PDF)
    "tenants.imports",
    "tenants.tables",
    "tenants.access",
    "tenants.sso",
    "tenants.core",
    "pghistory",  # each tenant's change contexts (who, from where) stay in its schema
]
if os.environ.get("BENCH_SYNTHETIC_APP"):
    # A generated app of ~40 tables, for the provisioning benchmark only (bench/synthetic.py).
    import sys

    sys.path.insert(0, os.environ["BENCH_SYNTHETIC_APP"])
    TENANT_APPS.append("synthetic_domain")
INSTALLED_APPS = list(SHARED_APPS) + [a for a in TENANT_APPS if a not in SHARED_APPS]

TENANT_MODEL = "tenancy.Tenant"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
PUBLIC_SCHEMA_URLCONF = "saas.urls_public"
ROOT_URLCONF = "saas.urls_tenant"
DEFAULT_NOT_FOUND_TENANT_VIEW = "saas.tenancy.views.unknown_host"
# Only migrate schemas that have something to apply: makes migrate_schemas fast and resumable.
GET_EXECUTOR_FUNCTION = "saas.tenancy.migration_executor.get_executor"
# Spare schemas kept migrated and claimed on sign-up (see saas/tenancy/provisioning.py).
SPARE_SCHEMA_POOL_SIZE = int(env("SPARE_SCHEMA_POOL_SIZE", "3"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out accounts before checking passwords
    "tenants.accounts.backends.EmailBackend",
    # Only answers the OIDC callback, which names the tenant's provider (tenants/sso).
    "tenants.sso.backend.TenantOIDCBackend",
]
# mozilla-django-oidc: everything provider-specific is per tenant, in the database.
OIDC_TIMEOUT = 10
OIDC_USE_PKCE = True
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
# Lock an account for one address after five failures in a row, for fifteen minutes; a
# successful login resets the count. Not the account alone: anyone could lock anyone out by
# typing five wrong passwords on purpose. Not the address alone: a hospital's staff share a
# few outgoing addresses. Attacks spread over accounts or addresses meet the limits of
# tenants/accounts/throttle.py (README, "Passwords").
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The login form posts the e-mail address as "username" (Django's AuthenticationForm).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "tenants.accounts.backends.lockout_username"
AXES_CLIENT_IP_CALLABLE = "saas.client.address_of"
# Behind deploy/nginx.conf every request comes from nginx: the client is in X-Real-IP, which
# nginx sets (and overwrites). Without that proxy the header could be forged: leave it off.
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", PRODUCTION)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:login"

MIDDLEWARE = [
    # First: a request the database cannot take answers 503 rather than failing further in.
    "saas.middleware.DatabaseUnavailableMiddleware",
    "saas.tenancy.middleware.TenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "saas.error_pages.ProductErrorPagesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale (its message is translated), before anything reads parameters.
    "saas.middleware.RefuseNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "saas.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tenants.accounts.middleware.HtmxLoginRedirectMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
    "saas.headers.SecurityHeadersMiddleware",
]

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline
# (page behaviour lives in app static files such as tenants/core/static/core/page.js) and
# never eval'd. Styles may still be inline: templates size forms with style attributes and
# the Swagger page has a <style> block; a style cannot run code, a script can.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Features no page of the product uses: a page that got injected cannot ask for them either.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "saas" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "saas.wsgi.application"

# runserver serves each request on a thread of its own and never closes its connection: with
# persistent connections each one stays open, idle, after its thread ends, and a burst of
# requests exhausts PostgreSQL. gunicorn's workers (deploy/) reuse theirs, checked first.
_RUNSERVER = sys.argv[1:2] == ["runserver"]
_database = dj_database_url.parse(
    env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/equipment_plan"),
    conn_max_age=0 if _RUNSERVER else 60,
    conn_health_checks=True,
)
_database["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES = {"default": _database}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
# Set search_path once per request rather than before every query (django-tenants).
TENANT_LIMIT_SET_CALLS = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")


def _next_redis_database(url: str) -> str:
    """The same server, the next database number: the cache must not share Celery's broker."""
    base, _, number = url.rstrip("/").rpartition("/")
    if not number.isdigit():
        return url.rstrip("/") + "/1"
    return f"{base}/{int(number) + 1}"


CACHE_URL = os.environ.get("CACHE_URL") or _next_redis_database(REDIS_URL)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        # Every key carries the tenant's schema, and this prefix: several processes that share
        # a Redis database without sharing their data (the test suite's parallel workers, each
        # with its own database) keep apart by it.
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "Europe/Paris"
# Tasks that tasks send go to the queue their worker consumes (the tests give each run its own).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_BEAT_SCHEDULE = {
    "refill-spare-schema-pool": {
        "task": "saas.tenancy.tasks.refill_spare_pool",
        "schedule": 300.0,
    },
    # Publishing a release already queues the concerned tenants; this catches the rest
    # (a worker down at the time, a tenant whose retries ran out).
    "alert-digests": {
        "task": "tenants.alerts.tasks.send_all_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "plan-reminders": {
        "task": "tenants.plan.tasks.send_all_reminders",
        "schedule": crontab(hour=7, minute=10),
    },
    "loan-reminders": {
        "task": "tenants.loans.tasks.send_all_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    "trial-reminders": {
        "task": "tenants.trials.tasks.send_all_reminders",
        "schedule": crontab(hour=7, minute=20),
    },
    "notification-digests": {
        "task": "tenants.notifications.tasks.send_all_digests",
        "schedule": crontab(hour=7, minute=5),
    },
    # Every tenant's controls, each night (imports also run the checks reading their data).
    "controls-nightly": {
        "task": "tenants.controls.tasks.run_all_checks",
        "schedule": crontab(hour=5, minute=30),
    },
    "sync-reference-safety-net": {
        "task": "saas.reference_sync.tasks.sync_all_tenants",
        "schedule": float(os.environ.get("REFERENCE_SYNC_EVERY", "900")),
    },
}

# The reference sync API as tenants' sync client reaches it: the platform's own public host
# (BASE_DOMAIN) unless set, e.g. to an internal address the worker can reach.
REFERENCE_API_URL = os.environ.get("REFERENCE_API_URL", "")
REFERENCE_SYNC_PAGE_SIZE = int(os.environ.get("REFERENCE_SYNC_PAGE_SIZE", "500"))
# Nomenclatures every new tenant mirrors whole (codes of the reference server's systems).
REFERENCE_DEFAULT_NOMENCLATURES = ["emdn"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600  # invitation links stay valid a week
SESSION_COOKIE_AGE = 8 * 3600  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "fr"
# dd/mm/yyyy dates (and French numbers) in English too: saas/formats/en/formats.py.
FORMAT_MODULE_PATH = ["saas.formats"]
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "saas" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded and generated files (imports, exports), under a folder per tenant schema. Web and
# workers must see the same folder (a shared volume in production).
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Documents attached to requests and other objects (tenants/documents): size limit per file.
DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))
# Word templates (tenants/wordtemplates): size limit of an uploaded template; DOCX to PDF by
# LibreOffice, "warm" (one kept running per process, unoserver) or "cold" (one run per PDF).
WORD_TEMPLATE_MAX_BYTES = int(os.environ.get("WORD_TEMPLATE_MAX_BYTES", str(5 * 1024 * 1024)))
WORD_PDF_CONVERTER = os.environ.get("WORD_PDF_CONVERTER", "warm")
WORD_PDF_TIMEOUT = int(os.environ.get("WORD_PDF_TIMEOUT", "60"))
# Each worker process starts its LibreOffice when it starts, not on its first document.
WORD_PDF_WARM_AT_START = env_bool("WORD_PDF_WARM_AT_START", True)
# A purchase request's documents still queued or running after this long are taken for lost
# (the worker died): shown as failed, and may be asked for again.
PURCHASING_DOCUMENT_JOB_TIMEOUT = int(os.environ.get("PURCHASING_DOCUMENT_JOB_TIMEOUT", "600"))
WORD_SOFFICE = os.environ.get("WORD_SOFFICE", "soffice")
# unoserver's server needs LibreOffice's Python bridge: Debian's python3-uno, for this Python.
WORD_UNO_PYTHON = os.environ.get("WORD_UNO_PYTHON", "/usr/bin/python3")
# Seconds a notification e-mail waits for others to the same person (one e-mail for a batch).
NOTIFICATION_MAIL_DELAY = int(os.environ.get("NOTIFICATION_MAIL_DELAY", "60"))


def _xstatic_dir(module: str) -> str:
    import importlib

    return str(importlib.import_module(module).BASE_DIR)


STATICFILES_DIRS = [("bootstrap", _xstatic_dir("xstatic.pkg.bootstrap"))]
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = Path(os.environ.get("EMAIL_FILE_PATH", VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "plan-equipement@localhost")
# Where people write about the platform itself, the accessibility statement's contact on the
# public host (a tenant's host gives the tenant's contact e-mail instead, when it has one).
PLATFORM_CONTACT_EMAIL = os.environ.get("PLATFORM_CONTACT_EMAIL") or DEFAULT_FROM_EMAIL

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_RATES": {
        "reference_api_key": os.environ.get("REFERENCE_API_RATE", "1200/min"),
        # Refused API keys per client address (saas.client.address_of, as for logins).
        "reference_api_failed_key": os.environ.get("REFERENCE_API_FAILED_KEY_RATE", "30/min"),
        # The tenant API's import keys (api/tenant/v1/imports.py), counted the same way.
        "tenant_import_key": os.environ.get("TENANT_IMPORT_API_RATE", "120/min"),
        "tenant_import_failed_key": os.environ.get("TENANT_IMPORT_FAILED_KEY_RATE", "30/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # The JSON parser refuses with a 400 what PostgreSQL or json.loads would make a 500.
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Errors people cause (saas.errors.UserError) answer 4xx naming the field.
    "EXCEPTION_HANDLER": "saas.errors.api_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Reference sync API",
    "DESCRIPTION": (
        "Nomenclatures, device models and central markets of the shared reference server. "
        "Subscribe to what you use, pull the change feed from a cursor, fall back to the "
        "snapshot on 410. See DESIGN.md section 4."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets sharing a field name ("status") in the tenant API, named once each.
    "ENUM_NAME_OVERRIDES": {
        "PlanLineStatusEnum": "tenants.plan.models.PlanLine.Status",
        "StepStatusEnum": "tenants.plan.models.StepStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant_context": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "tenant_context": {
            "format": "[%(schema_name)s:%(domain_url)s] %(levelname)s %(name)s: %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["tenant_context"],
            "formatter": "tenant_context",
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # HTTPS only: plain HTTP is redirected (except the health probe, which the orchestrator
    # calls inside the network) and browsers are told to stay on HTTPS for a year, on every
    # tenant's sub-domain too.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preload commits the whole domain for months and is hard to undo: an operator opts in.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # check --deploy's advice to preload, declined on purpose (see above).
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

if not PRODUCTION:
    # Development serves static files through the finders; whitenoise still wants the folder.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

"""Waarborg settings: one module, driven by the environment.

The defaults serve a laptop (SQLite, a Celery broker on the file system, e-mail to
the console). Production sets the variables documented in the README.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("WAARBORG_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    """Read a variable, or the contents of the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text().strip()
    return os.environ.get(name, default)


def envbool(name: str, default: str = "False") -> bool:
    return env(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(env(name, str(default)))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DJANGO_DEBUG", "False")
# The development key is refused with DEBUG off (see the check in core/checks.py).
INSECURE_DEV_KEY = "insecure-development-key-change-me"
SECRET_KEY = env("DJANGO_SECRET_KEY", INSECURE_DEV_KEY)
ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Keyed pseudonyms (HMAC-SHA256) of identifiers that must never be stored in clear.
PSEUDONYM_KEY = env("PSEUDONYM_KEY", "insecure-development-pseudonym-key")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "core",
    "accounts",
    "organisation",
    "compliance",
    "incidents",
    "privacy",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # /api/v2/: camelCase query keys, API-Version header, problem+json; /api/v1/: Deprecation header (after
    # LocaleMiddleware: the problem's detail in the language the client asks for)
    "core.api.v2.ApiVersionMiddleware",
    "core.middleware.QueryStringGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.HistoryChannelMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a lock rather than fail at once when the worker and the web server write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One login page for everyone (employees are not staff, so the admin's login is not theirs).
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out users before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]

# Single sign-on with OpenID Connect (accounts/sso.py, mozilla-django-oidc): off unless an issuer
# and a client id are set. The provider's endpoints come from its discovery document
# (<issuer>/.well-known/openid-configuration), fetched once and cached. The client secret is read
# from OIDC_CLIENT_SECRET_FILE (or OIDC_CLIENT_SECRET).
OIDC_ISSUER = env("OIDC_ISSUER").strip().rstrip("/")
OIDC_RP_CLIENT_ID = env("OIDC_CLIENT_ID").strip()
OIDC_RP_CLIENT_SECRET = env("OIDC_CLIENT_SECRET")
SSO_ENABLED = bool(OIDC_ISSUER and OIDC_RP_CLIENT_ID)
OIDC_RP_SCOPES = env("OIDC_SCOPES", "openid email profile")
# The claim with the user's groups at the provider, and which of them give which Waarborg role:
# "provider-group=Role;other-group=Role" (role names as in accounts/roles.py; the Beheerder
# role is never given through single sign-on).
OIDC_GROUP_CLAIM = env("OIDC_GROUP_CLAIM", "groups").strip()
OIDC_ROLE_MAPPING = env("OIDC_ROLE_MAPPING", "")
# The ID token proves a second factor when its `amr` holds one of these or its `acr` is one of
# these; otherwise a role that needs one gives Waarborg's own code (TOTP) after the login.
OIDC_MFA_AMR = envlist("OIDC_MFA_AMR", "mfa,otp,hwk")
OIDC_MFA_ACR = envlist("OIDC_MFA_ACR")
OIDC_LOGIN_LABEL = env("OIDC_LOGIN_LABEL")  # default: "uw organisatie"
OIDC_TIMEOUT = envint("OIDC_TIMEOUT_SECONDS", 10)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_STORE_ID_TOKEN = True  # the hint for the provider's logout
OIDC_CREATE_USER = True
LOGIN_REDIRECT_URL_FAILURE = "login"
if SSO_ENABLED:
    AUTHENTICATION_BACKENDS.append("accounts.sso.SSOBackend")

# Two-factor login (TOTP with recovery codes) for every role but the employee's.
WAARBORG_REQUIRE_2FA = envbool("WAARBORG_REQUIRE_2FA", "True")
OTP_TOTP_ISSUER = "Waarborg"
# No admin page shows a TOTP key or its otpauth:// URI (the admins in compliance/admin_users.py
# show neither either; this keeps django-otp's own views shut as well).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Lockout: five failed logins lock that user name, and separately that address, for 15 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Axes' own reset on success deletes every failure from the same address too, so one
# account's successful login would wipe another account's failures. A success resets only
# that account's failures (accounts.views.reset_own_failures).
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
# Behind AXES_PROXY_COUNT reverse proxies, the client is the address the outermost proxy
# saw: that many entries from the right of X-Forwarded-For (accounts.middleware.client_ip).
# (Named WAARBORG_ here: axes warns about its own legacy setting AXES_PROXY_COUNT.)
WAARBORG_PROXY_COUNT = envint("AXES_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "accounts.middleware.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.middleware.lockout_response"

# Dutch first, English available; dates in Amsterdam.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
# Moments and dates later than now plus this many minutes (clock skew between machines) are
# refused everywhere: nothing is recorded before it happened.
FUTURE_SKEW_MINUTES = envint("FUTURE_SKEW_MINUTES", 5)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Front-end packages pinned in package.json/package-lock.json, installed by `npm ci` (make install) and
# served from node_modules by WhiteNoise like the project's own static files: no CDN, no build step,
# nothing third-party committed. Only the directories that exist are listed, so that Django still
# starts (with plain styling and the tables instead of the charts) where node_modules is absent.
NODE_MODULES = BASE_DIR / "node_modules"
FRONTEND_PACKAGES = [
    ("nlds/utrecht", NODE_MODULES / "@utrecht" / "component-library-css" / "dist"),
    ("nlds/rhc-tokens", NODE_MODULES / "@rijkshuisstijl-community" / "design-tokens" / "dist" / "uitvoerend-lintblauw"),
    ("vendor/chartjs", NODE_MODULES / "chart.js" / "dist"),
]
STATICFILES_DIRS = [(prefix, path) for prefix, path in FRONTEND_PACKAGES if path.is_dir()]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploaded evidence is never served from a public URL: only through permission-checked views.
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names once `collectstatic` has run (production); plain names before
    # that (a laptop, the tests), so that nothing breaks for want of a manifest.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if (STATIC_ROOT / "staticfiles.json").exists()
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_PERMISSIONS = 0o640
# Evidence, policy documents and export files on an S3 bucket instead of DJANGO_MEDIA_ROOT
# (core/s3storage.py): private (no ACL, no URL), never overwritten, encrypted at rest.
# Credentials from EVIDENCE_S3_ACCESS_KEY_FILE / EVIDENCE_S3_SECRET_KEY_FILE, or else boto3's
# usual sources (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, AWS_SHARED_CREDENTIALS_FILE, a role).
EVIDENCE_STORAGE = env("EVIDENCE_STORAGE", "local").strip().lower()
if EVIDENCE_STORAGE not in {"local", "s3"}:
    raise ValueError(f"EVIDENCE_STORAGE: expected local or s3, not {EVIDENCE_STORAGE!r}")
if EVIDENCE_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "core.s3storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": env("EVIDENCE_S3_BUCKET"),
            "location": env("EVIDENCE_S3_PREFIX", "").strip("/"),
            "endpoint_url": env("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": env("EVIDENCE_S3_REGION") or None,
            "access_key": env("EVIDENCE_S3_ACCESS_KEY") or None,
            "secret_key": env("EVIDENCE_S3_SECRET_KEY") or None,
            "server_side_encryption": env("EVIDENCE_S3_SSE", "AES256"),
            "kms_key_id": env("EVIDENCE_S3_KMS_KEY_ID"),
        },
    }


def email_settings(url: str) -> dict[str, object]:
    """Translate EMAIL_URL into Django's e-mail settings.

    console://            print to standard output (default)
    file:///path/to/dir   one file a message
    locmem://             kept in memory (tests)
    smtp://user:pass@host:587?tls=1   or   smtps://user:pass@host:465
    """
    parsed = urlparse(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parsed.scheme not in backends:
        raise ValueError(f"EMAIL_URL: unknown scheme {parsed.scheme!r}")
    result: dict[str, object] = {"EMAIL_BACKEND": backends[parsed.scheme]}
    if parsed.scheme == "file":
        result["EMAIL_FILE_PATH"] = parsed.path or str(VAR_DIR / "mail")
    if parsed.scheme in {"smtp", "smtps"}:
        query = parse_qs(parsed.query)
        result.update(
            EMAIL_HOST=parsed.hostname or "localhost",
            EMAIL_PORT=parsed.port or (465 if parsed.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parsed.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parsed.password or ""),
            EMAIL_USE_SSL=parsed.scheme == "smtps",
            EMAIL_USE_TLS=query.get("tls", ["0"])[0] in {"1", "true"},
            EMAIL_TIMEOUT=envint("EMAIL_TIMEOUT", 30),
        )
    return result


globals().update(email_settings(env("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Waarborg <waarborg@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: the default broker keeps its messages in folders, so a laptop needs no server.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir / "queue"),
        "data_folder_out": str(_queue_dir / "queue"),
        "processed_folder": str(_queue_dir / "processed"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat only triggers; every row carries its own due date, so a missed beat loses nothing.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "send-reminders": {
        "task": "core.tasks.send_reminders",
        "schedule": crontab(minute=f"*/{envint('REMINDER_SWEEP_MINUTES', 15)}"),
    },
    "seal-history": {"task": "core.tasks.seal_history", "schedule": 60.0},
    "apply-retention": {"task": "core.tasks.apply_retention", "schedule": crontab(hour=3, minute=17)},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an unauthenticated request gets 401 with WWW-Authenticate.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.RolePermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rest_framework.filters.SearchFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
        # ?format=csv|xlsx|jsonl on every list: the filtered rows, unpaginated (reports)
        "core.api.renderers.CSVRenderer",
        "core.api.renderers.XLSXRenderer",
        "core.api.renderers.JSONLinesRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # /api/v1/ (no URL namespace) and /api/v2/ (namespace "v2") from the same views
    "DEFAULT_VERSIONING_CLASS": "core.api.versioning.ApiVersioning",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", "60/min"),
        "user": env("API_THROTTLE_USER", "3000/min"),
        "token_login": env("API_THROTTLE_TOKEN_LOGIN", "10/min"),
    },
}
# API tokens (django-rest-knox): stored as a hash, shown once, expire after this many days.
API_TOKEN_TTL_DAYS = envint("API_TOKEN_TTL_DAYS", 90)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}
# The Beheerder's start page lists tokens within this many days of their expiry (or past it).
START_PAGE_TOKEN_WARNING_DAYS = envint("START_PAGE_TOKEN_WARNING_DAYS", 14)
SPECTACULAR_SETTINGS = {
    "TITLE": "Waarborg API",
    "DESCRIPTION": "Compliance tracker: controls, evidence, privacy, incidents and reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # tags and operation ids from the path after /api/v1/ or /api/v2/ (the same in both)
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # v1: operations marked deprecated; v2: the NL API Design Rules (core/api/v2.py)
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "core.api.v2.versioned_schema"],
}
# The v2 schema (/api/v2/openapi.json): the address it is served on (https) and who to contact.
API_SERVER_URL = env("API_SERVER_URL", "https://waarborg.example")
API_CONTACT_NAME = env("API_CONTACT_NAME", "Waarborg-beheer")
API_CONTACT_URL = env("API_CONTACT_URL", "https://waarborg.example/")
API_CONTACT_EMAIL = env("API_CONTACT_EMAIL", "waarborg@example.org")

# Change history: every change of a domain object, kept at least seven years.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = True  # who and when is needed; the address is personal data
HISTORY_RETENTION_DAYS = envint("HISTORY_RETENTION_DAYS", 7 * 366)
# The hash chain over the history (core/seal.py) is an HMAC-SHA256 under this key, which
# is never stored in the database: whoever holds only the database cannot recompute the chain.
# The development default is refused by `check --deploy`. Never change it (old seals would no
# longer verify).
HISTORY_KEY = env("HISTORY_KEY", "insecure-development-history-key")
# A history record must be sealed within this many minutes of being written; older unsealed
# records, and records dated more than this before their place in the chain, are reported.
HISTORY_SEAL_DELAY_MINUTES = envint("HISTORY_SEAL_DELAY_MINUTES", 10)
# Anchors: every seal run writes the head of the chain (sequence, hash, time) outside the
# database (core/anchors.py). Configure at least one in production.
HISTORY_ANCHOR_FILE = env("HISTORY_ANCHOR_FILE", "")  # append-only JSON lines, on another volume
HISTORY_ANCHOR_S3_BUCKET = env("HISTORY_ANCHOR_S3_BUCKET", "")  # a bucket with object lock
HISTORY_ANCHOR_S3_PREFIX = env("HISTORY_ANCHOR_S3_PREFIX", "waarborg/history-anchors/")
HISTORY_ANCHOR_S3_ENDPOINT_URL = env("HISTORY_ANCHOR_S3_ENDPOINT_URL", "") or None
HISTORY_ANCHOR_S3_REGION = env("HISTORY_ANCHOR_S3_REGION", "") or None
HISTORY_ANCHOR_S3_RETENTION_DAYS = envint("HISTORY_ANCHOR_S3_RETENTION_DAYS", 7 * 366)
HISTORY_ANCHOR_EMAIL = envlist("HISTORY_ANCHOR_EMAIL")  # addresses that receive the head
HISTORY_ANCHOR_EMAIL_MINUTES = envint("HISTORY_ANCHOR_EMAIL_MINUTES", 60)  # at most one mail per N minutes
# Retention periods in days per kind of record, overriding each policy's default
# (core/retention.py; `manage.py retention` lists them with their reasons).
RETENTION_DAYS: dict[str, int] = {}

# Reminder stages (days); see core/reminders.py.
REMINDER_DAYS_BEFORE = [int(d) for d in envlist("REMINDER_DAYS_BEFORE", "14,7,1")]
REMINDER_DAYS_OVERDUE = [int(d) for d in envlist("REMINDER_DAYS_OVERDUE", "1,7")]
REMINDER_ESCALATE_AFTER_DAYS = envint("REMINDER_ESCALATE_AFTER_DAYS", 7)

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content Security Policy: nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Behind TLS (production): secure cookies, HTTPS redirect and HSTS. Off by default so
# that a laptop and the test client can speak plain HTTP.
if envbool("DJANGO_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# ---------------------------------------------------------------------------
# compliance: controls, checks, evidence, reminders
# ---------------------------------------------------------------------------

# Checks are created this many days ahead of today (rolling horizon, kept up daily).
CHECK_HORIZON_DAYS = envint("CHECK_HORIZON_DAYS", 400)
# A follow-up action raised by a failed check is due this many days after acceptance.
FOLLOW_UP_DAYS = envint("FOLLOW_UP_DAYS", 30)
# Evidence files: size limit and the extensions allowed (the content must match).
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
EVIDENCE_ALLOWED_TYPES = envlist("EVIDENCE_ALLOWED_TYPES", "pdf,png,jpg,jpeg,docx,xlsx,odt,ods,txt,csv")
# Framework-library YAML imports: largest file accepted (bytes) and deepest nesting of
# mappings and lists (the format needs about eight levels; anchors and aliases are refused).
FRAMEWORK_MAX_BYTES = envint("FRAMEWORK_MAX_BYTES", 5 * 1024 * 1024)
FRAMEWORK_MAX_DEPTH = envint("FRAMEWORK_MAX_DEPTH", 32)
# Reminder sweep: a claim older than this is taken over by the next sweep (a worker
# that died after claiming); failed sends are retried after base * 2^(attempts-1).
REMINDER_CLAIM_EXPIRY_SECONDS = envint("REMINDER_CLAIM_EXPIRY_SECONDS", 600)
REMINDER_RETRY_BASE_SECONDS = envint("REMINDER_RETRY_BASE_SECONDS", 300)
REMINDER_RETRY_MAX_SECONDS = envint("REMINDER_RETRY_MAX_SECONDS", 86400)
REMINDER_BATCH_RECIPIENTS = envint("REMINDER_BATCH_RECIPIENTS", 100)
# On PostgreSQL the sweep commits its recordings and its "sent" marks without waiting for the
# WAL flush (synchronous_commit off for those transactions only): a mark is visible at once,
# so a killed worker never resends; only a crash of the database server itself within
# ~0.6 s of a mark can lose it, and that digest goes out once more (a duplicate, never a
# loss). True: wait for the flush on every mark (about 4 ms or more per e-mail).
REMINDER_SYNCHRONOUS_COMMIT = envbool("REMINDER_SYNCHRONOUS_COMMIT", "False")
# A digest lists at most this many items per kind, then says how many more there are.
REMINDER_DIGEST_MAX_ITEMS = envint("REMINDER_DIGEST_MAX_ITEMS", 50)
# Evidence dossiers up to this many files and bytes are built in the request; larger ones
# run as a background export job (compliance/dossier.py).
DOSSIER_SYNC_MAX_FILES = envint("DOSSIER_SYNC_MAX_FILES", 200)
DOSSIER_SYNC_MAX_BYTES = envint("DOSSIER_SYNC_MAX_BYTES", 50 * 1024 * 1024)
CELERY_BEAT_SCHEDULE["generate-checks"] = {
    "task": "compliance.tasks.generate_checks",
    "schedule": crontab(hour=2, minute=30),
}
# Weekly: every stored evidence file and policy document against its recorded SHA-256
# (compliance/verification.py); mismatches and missing files go to the security officers.
CELERY_BEAT_SCHEDULE["verify-evidence"] = {
    "task": "compliance.tasks.verify_evidence",
    "schedule": crontab(day_of_week="sunday", hour=4, minute=40),
}


# ---------------------------------------------------------------------------
# privacy: processing register, DPIAs, data breaches, workshops
# ---------------------------------------------------------------------------

# Workshop sessions are created this many days ahead by the periodic task.
PRIVACY_WORKSHOP_HORIZON_DAYS = envint("PRIVACY_WORKSHOP_HORIZON_DAYS", 180)
# Duty: onboarding within this many months of the start date; an AVG workshop every N months.
PRIVACY_ONBOARDING_WITHIN_MONTHS = envint("PRIVACY_ONBOARDING_WITHIN_MONTHS", 3)
PRIVACY_AVG_WORKSHOP_EVERY_MONTHS = envint("PRIVACY_AVG_WORKSHOP_EVERY_MONTHS", 12)
# Onboarding is owed by people who started on or after this date (when the programme began).
PRIVACY_ONBOARDING_REQUIRED_FROM = env("PRIVACY_ONBOARDING_REQUIRED_FROM", "2020-01-01")
# Remind people of their workshop duty this many days before it falls due.
PRIVACY_DUTY_REMIND_DAYS = envint("PRIVACY_DUTY_REMIND_DAYS", 30)
# OpenAPI: name the privacy app's status choice sets so their names do not collide.
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "DPIAStatusEnum": "privacy.models.dpia.DPIA.Status",
        "RegistrationStatusEnum": "privacy.models.workshops.Registration.Status",
    }
)
CELERY_BEAT_SCHEDULE["privacy-create-workshop-sessions"] = {
    "task": "privacy.tasks.create_workshop_sessions",
    "schedule": crontab(hour=2, minute=20),
}


# ---------------------------------------------------------------------------
# incidents: incidents, calamities, takedowns, fraud removals, exercises, SOC intake
# ---------------------------------------------------------------------------

# Calamity escalation is proposed when an incident crosses one of these thresholds:
# citizens plus businesses affected, or a duration beyond the expected one (by a factor,
# or by a number of minutes; 0 switches that rule off).
INCIDENTS_CALAMITY_PEOPLE_AFFECTED = envint("INCIDENTS_CALAMITY_PEOPLE_AFFECTED", 100_000)
INCIDENTS_CALAMITY_DURATION_FACTOR = float(env("INCIDENTS_CALAMITY_DURATION_FACTOR", "2"))
INCIDENTS_CALAMITY_OVERRUN_MINUTES = envint("INCIDENTS_CALAMITY_OVERRUN_MINUTES", 240)
# How long (hours) an incident may stay in one open status, per severity, before its
# owner is reminded (reminder source "incidents.status_overdue").
INCIDENTS_STATUS_MAX_HOURS = {
    "critical": envint("INCIDENTS_STATUS_MAX_HOURS_CRITICAL", 4),
    "high": envint("INCIDENTS_STATUS_MAX_HOURS_HIGH", 24),
    "medium": envint("INCIDENTS_STATUS_MAX_HOURS_MEDIUM", 72),
    "low": envint("INCIDENTS_STATUS_MAX_HOURS_LOW", 168),
}
# Admin lists of takedowns and fraud removals count at most this many rows (no full COUNT).
INCIDENTS_ADMIN_COUNT_LIMIT = envint("INCIDENTS_ADMIN_COUNT_LIMIT", 10_000)
# Bulk imports: largest upload accepted (bytes) and rows inserted per batch.
INCIDENTS_IMPORT_MAX_BYTES = envint("INCIDENTS_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
INCIDENTS_IMPORT_BATCH_SIZE = envint("INCIDENTS_IMPORT_BATCH_SIZE", 2000)
# Name the incidents' enumerations in the OpenAPI schema (several apps have a "status").
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "IncidentStatusEnum": "incidents.choices.Status",
        "CalamityLevelEnum": "incidents.choices.CalamityLevel",
    }
)


# ---------------------------------------------------------------------------
# reports: annual report, exports, dashboard
# ---------------------------------------------------------------------------

# Exports of more rows than this run as a background job (reports.ExportJob), never in a request.
EXPORT_ASYNC_THRESHOLD = envint("EXPORT_ASYNC_THRESHOLD", 100_000)

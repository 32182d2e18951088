"""Settings for the ESS platform, read from the environment (see .env.example).

One module for every environment. Safe defaults: DEBUG off, no default SECRET_KEY outside DEBUG,
ALLOWED_HOSTS required when not debugging. Without DATABASE_URL the platform runs on a SQLite file
under var/; without REDIS_URL Celery runs tasks eagerly and the cache lives in memory.
"""

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from ess.client_ip import parse_trusted_proxies

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.FileAwareEnv()  # honours FOO_FILE for every FOO (Docker/Kubernetes secrets)
# Variables already in the environment win over the file. ESS_ENV_FILE names another file, or
# none when empty: `make run` and the tests set it empty, so a production .env never reaches
# the demo (its ALLOWED_HOSTS, SMTP relay or database) nor the test suite.
ENV_FILE = env.str("ESS_ENV_FILE", default=str(BASE_DIR / ".env"))
if ENV_FILE and (Path(ENV_FILE).is_file() or "ESS_ENV_FILE" in os.environ):
    with open(ENV_FILE, encoding="utf-8") as env_file:  # a named file that is missing: error
        environ.Env.read_env(env_file)

DEBUG = env.bool("DEBUG", default=False)

# ---------------------------------------------------------------------------------------------
# Security
# ---------------------------------------------------------------------------------------------
if DEBUG:
    SECRET_KEY = env.str(
        "SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production-9f3k"
    )
else:
    SECRET_KEY = env.str("SECRET_KEY")  # required: ImproperlyConfigured when missing

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Behind a TLS-terminating proxy (see docker-compose.yml and docs/operations.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR ranges; default: none, so
# the client is the connection's address). One definition of the client's address for the audit
# trail and every rate limit: ess/client_ip.py.
ESS_TRUSTED_PROXIES = env.list("ESS_TRUSTED_PROXIES", default=[])
try:
    parse_trusted_proxies(ESS_TRUSTED_PROXIES)
except ValueError as exc:
    raise ImproperlyConfigured(f"ESS_TRUSTED_PROXIES: {exc}") from exc
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes talk plain HTTP inside the network
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# W021: joining the browsers' preload list is hard to undo, a deliberate choice. W040: covering
# indexes (INCLUDE) are a PostgreSQL optimisation; SQLite (the demo) builds them without them.
SILENCED_SYSTEM_CHECKS = ["security.W021", "models.W040"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 3600)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Content-Security-Policy (django-csp 4): no inline script anywhere, no third-party origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Browser features the platform never uses are switched off for every page (and any frame).
# WebAuthn (publickey-credentials-*) is left at the browser default, same origin only.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "gamepad",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "interest-cohort",
        "local-fonts",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "screen-wake-lock",
        "serial",
        "usb",
        "window-management",
        "xr-spatial-tracking",
    )
}

# ---------------------------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "csp",
    "ess",
    "members",
    "members.psc",
    "scheduling",
    "referrals",
    "pathways",
    "meetings",
    "events",
    "finance",
    "association",
    "partners",
    "projet_sante",
    "portal",
    "interop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: public static files keep their long-lived caching.
    "ess.security_middleware.NoStoreForAuthenticatedMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before any view or form reads the input; after LocaleMiddleware so the 400 is translated.
    "ess.security_middleware.RejectMalformedInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "ess.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "ess.urls"
WSGI_APPLICATION = "ess.wsgi.application"
ASGI_APPLICATION = "ess.asgi.application"

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
                "csp.context_processors.nonce",
                "ess.context_processors.platform",
            ],
        },
    },
    {
        # Plain text (the subjects and text bodies of emails): nothing in it is HTML, so nothing
        # is escaped (a title "l'ECG" stays "l'ECG", not "l&#x27;ECG").
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# ---------------------------------------------------------------------------------------------
# Data stores
# ---------------------------------------------------------------------------------------------
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'ess.sqlite3'}")}
# Persistent connections: ~8x throughput on a one-row insert view (docs/performance.md); none
# in development, whose server keeps one per request thread until PostgreSQL has no more.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Uploaded documents never live under a public path: a view checks access and audits them.
PRIVATE_STORAGE_ROOT = Path(env.str("PRIVATE_STORAGE_ROOT", default=str(VAR_DIR / "private")))
MEDIA_ROOT = PRIVATE_STORAGE_ROOT
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": "/non-public/"},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]

# ---------------------------------------------------------------------------------------------
# Accounts (django-allauth, email login, MFA)
# ---------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = ["ess.auth.EssAuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "ess.auth.EssAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ESS] "
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: 10 a minute per address whatever the account, and 5 in 5 minutes per
    # account *from one address* (ess/auth.py keys them so): a stranger cannot lock out the owner.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    # Public forms without an account (ess/throttle.py): each POST counts, valid or not.
    "member_apply": env.str("ESS_RATE_MEMBER_APPLY", default="10/h/ip"),
    "newsletter_subscribe": env.str("ESS_RATE_NEWSLETTER_SUBSCRIBE", default="10/h/ip"),
    # Self-registration: checking the number, then confirming, are two POSTs.
    "registration": env.str("ESS_RATE_REGISTRATION", default="20/h/ip"),
    "referral_without_account": env.str("ESS_RATE_REFERRAL_WITHOUT_ACCOUNT", default="10/h/ip"),
    # The answer's link asks for the RPPS/ADELI number: tries per address, and per link whoever
    # tries (a forwarded email cannot be guessed through from many addresses).
    "answer_without_account": env.str("ESS_RATE_ANSWER_LINK", default="10/h/ip,5/h/key"),
    # Registering to a training without an account (/evenements/<id>/inscription/).
    "event_registration": env.str("ESS_RATE_EVENT_REGISTRATION", default="10/h/ip"),
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="ESS")

# Pro Santé Connect (docs/operations.md, "Pro Santé Connect"): the national identity provider of
# health professionals, through allauth's OpenID Connect provider (members/psc, provider id
# "psc"). Off (no button, /accounts/oidc/psc/login/ answers 404) until PSC_CLIENT_ID is set.
# PSC_DISCOVERY_URL defaults to the sandbox ("bac à sable"); production:
# https://auth.esante.gouv.fr/auth/realms/esante-wallet/.well-known/wallet-openid-configuration
PSC_CLIENT_ID = env.str("PSC_CLIENT_ID", default="")
PSC_CLIENT_SECRET = env.str("PSC_CLIENT_SECRET", default="")
PSC_DISCOVERY_URL = env.str(
    "PSC_DISCOVERY_URL",
    default="https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet"
    "/.well-known/wallet-openid-configuration",
)
# The sign-in and logout forms post to the platform, which redirects the browser to PSC: the
# browser applies the CSP's form-action to that redirect, so PSC's hosts are allowed there.
PSC_FORM_ACTION = env.list("PSC_FORM_ACTION", default=["https://*.esante.gouv.fr"])
if PSC_CLIENT_ID:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += PSC_FORM_ACTION
SOCIALACCOUNT_ADAPTER = "members.psc.adapter.PSCSocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = {
    "psc": {
        "APPS": [
            {
                "provider_id": "psc",
                "name": "Pro Santé Connect",
                "client_id": PSC_CLIENT_ID,
                "secret": PSC_CLIENT_SECRET,
                "settings": {"server_url": PSC_DISCOVERY_URL},
            }
        ]
        if PSC_CLIENT_ID
        else [],
    }
}
SOCIALACCOUNT_AUTO_SIGNUP = True
# PSC proves who the professional is but usually sends no email address: a first sign-in asks
# for one (allauth's sign-up form) and sends a confirmation link without holding the sign-in.
SOCIALACCOUNT_EMAIL_VERIFICATION = "optional"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False

# Staff roles always need a second factor (ess/mfa.py); no setting turns that off. Demo
# accounts are exempt while ESS_DEMO is on.
ESS_DEMO = env.bool("ESS_DEMO", default=False)
# Public by design (docs/design.md §8): demo accounts are refused unless ESS_DEMO is on.
ESS_DEMO_PASSWORD = "ess-demo-2026"  # noqa: S105 -- documented demo password, not a secret
ESS_INVITATION_DAYS = env.int("ESS_INVITATION_DAYS", default=14)
# How long the link of a professional's self-registration (/inscription/) stays valid.
ESS_REGISTRATION_LINK_HOURS = env.int("ESS_REGISTRATION_LINK_HOURS", default=48)
# Default validity of a new API token, in days.
ESS_API_TOKEN_DAYS = env.int("ESS_API_TOKEN_DAYS", default=90)
# Absolute links in emails (notifications, invitations sent by background jobs).
ESS_BASE_URL = env.str("ESS_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# ---------------------------------------------------------------------------------------------
# Email
# ---------------------------------------------------------------------------------------------
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    # Development default: one file per email under var/mail, readable by a person.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="ESS <ne-pas-repondre@ess.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Secure health messaging (MSSanté): the specialist's answer goes to the requester's MSSanté
# address through the operator's SMTP server, authenticated by the platform's client
# certificate (interop/mssante/). Off while ESS_MSSANTE_HOST or ESS_MSSANTE_FROM is empty.
ESS_MSSANTE_EMAIL_BACKEND = env.str(
    "ESS_MSSANTE_EMAIL_BACKEND", default="interop.mssante.backend.MSSanteEmailBackend"
)
ESS_MSSANTE_HOST = env.str("ESS_MSSANTE_HOST", default="")
ESS_MSSANTE_PORT = env.int("ESS_MSSANTE_PORT", default=587)
# "starttls" (port 587) or "ssl" (implicit TLS, port 465); never in clear.
ESS_MSSANTE_TLS = env.str("ESS_MSSANTE_TLS", default="starttls")
ESS_MSSANTE_USER = env.str("ESS_MSSANTE_USER", default="")
ESS_MSSANTE_PASSWORD = env.str("ESS_MSSANTE_PASSWORD", default="")
ESS_MSSANTE_CLIENT_CERT = env.str("ESS_MSSANTE_CLIENT_CERT", default="")
ESS_MSSANTE_CLIENT_KEY = env.str("ESS_MSSANTE_CLIENT_KEY", default="")
# The authority the server's certificate is checked against (empty: the system's).
ESS_MSSANTE_CA_FILE = env.str("ESS_MSSANTE_CA_FILE", default="")
ESS_MSSANTE_TIMEOUT = env.int("ESS_MSSANTE_TIMEOUT", default=30)
# The platform's own MSSanté address (the sender).
ESS_MSSANTE_FROM = env.str("ESS_MSSANTE_FROM", default="")
# Domains accepted for a professional's MSSanté address besides mssante.fr and its subdomains.
ESS_MSSANTE_EXTRA_DOMAINS = env.list("ESS_MSSANTE_EXTRA_DOMAINS", default=[])

# ---------------------------------------------------------------------------------------------
# Internationalisation: French first, English available.
# ---------------------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# ---------------------------------------------------------------------------------------------
# API (Django REST Framework + drf-spectacular)
# ---------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "ess.api_auth.HashedTokenAuthentication",
        "ess.api_auth.FrenchCsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "ess.api_parsers.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "ess.api_negotiation.UnknownFormatIgnored",
    "DEFAULT_PAGINATION_CLASS": "ess.api_pagination.PageNumberPaginationV31",
    "PAGE_SIZE": 25,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Per account (session or token) and per anonymous client address, counted in the shared
    # cache (Redis in production): ess/api_throttling.py.
    "DEFAULT_THROTTLE_CLASSES": [
        "ess.api_throttling.UserRateThrottle",
        "ess.api_throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("ESS_API_RATE_USER", default="600/min"),
        "anon": env.str("ESS_API_RATE_ANON", default="60/min"),
    },
    "EXCEPTION_HANDLER": "ess.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API ESS — guichet unique",
    "DESCRIPTION": "API de l'Équipe de Soins Spécialisés : demandes d'avis, régulation, annuaire.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # 3.1: a nullable reference is written oneOf [ref, null]; 3.0's allOf + nullable does not
    # actually allow null (the schema would lie about every nullable nested object).
    "OAS_VERSION": "3.1.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ess.api_schema.add_error_responses",
    ],
    # One name per choice set, whatever the field that uses it.
    "ENUM_NAME_OVERRIDES": {
        "PriorityEnum": "referrals.models.Priority",
        "ReferralStatusEnum": "referrals.models.Status",
        "ResponseModeEnum": "referrals.models.ResponseMode",
        "ProjectVersionStatusEnum": "projet_sante.project.models.VersionStatus",
        "ProjectActionStatusEnum": "projet_sante.project.models.ActionStatus",
        "PathwayStatusEnum": "pathways.models.PathwayStatus",
        "PathwayTaskStatusEnum": "pathways.models.TaskStatus",
        "ProtocolTaskKindEnum": "partners.models.ProtocolTaskKind",
        "TrainingKindEnum": "events.models.TrainingKind",
        "TrainingStatusEnum": "events.models.TrainingStatus",
        "CampaignKindEnum": "events.models.CampaignKind",
    },
}

# ---------------------------------------------------------------------------------------------
# Celery (Redis broker; eager without REDIS_URL)
# ---------------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Keep DB connections across tasks: ~5x throughput for DB-writing tasks (docs/performance.md).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=200)

# ---------------------------------------------------------------------------------------------
# Logging: to stderr, one line per record (the container runtime collects it).
# ---------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stderr"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Eager tasks (no Redis: the demo) would log one "succeeded" line per email sent.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}

# The ESS's own rules (delays, limits, thresholds) and its periodic jobs: ess/settings_ess.py.
from ess.settings_ess import *  # noqa: E402, F403

"""Test settings: everything from settings, plus speed-ups and isolation."""

import os

# Production defaults stay on (DEBUG off); tests supply what production must configure.
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key-not-for-production-use-0123456789abcdef")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "*")
os.environ.setdefault("EMAIL_URL", "memorymail://")
os.environ.setdefault("STORE_SANDBOX_WEBHOOK_SECRET", "whsec_test")
os.environ.setdefault("STORE_SANDBOX_CARRIER_SECRET", "whsec_carrier_test")
os.environ.setdefault("STORE_SANDBOX_INBOUND_EMAIL_SECRET", "whsec_inbound_mail_test")
os.environ.setdefault("STORE_SANDBOX_WHATSAPP_SECRET", "whatsapp_app_secret_test")
os.environ.setdefault("STORE_WHATSAPP_VERIFY_TOKEN", "whatsapp_verify_test")
os.environ.setdefault("STORE_SITE_URL", "http://testserver")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = None  # the test server serves static files from the finders
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# Tasks run in-process unless a test starts a real worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True  # a test sees the error of a task it runs
CELERY_BROKER_URL = "memory://"

# Each test process gets a cache of its own: a shared Redis would let one xdist worker (or
# an earlier run) answer another's pages. Tests that need Redis point at it themselves.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

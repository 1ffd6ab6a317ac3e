"""Settings for building the image: collecting static files reads no secret and reaches no
service, so the values production must supply at run time get inert placeholders here and
the build needs nothing from its environment."""

import os

BUILD_PLACEHOLDERS = {
    "DJANGO_SECRET_KEY": "build-only-placeholder-never-used-to-sign-anything",
    "DJANGO_ALLOWED_HOSTS": "localhost",
    "EMAIL_URL": "dummymail://",
    "STORE_SITE_URL": "http://localhost",
    "STORE_SANDBOX_WEBHOOK_SECRET": "build-only",
    "STORE_SANDBOX_CARRIER_SECRET": "build-only",
    "STORE_SANDBOX_INBOUND_EMAIL_SECRET": "build-only",
    "STORE_SANDBOX_WHATSAPP_SECRET": "build-only",
    "STORE_WHATSAPP_VERIFY_TOKEN": "build-only",
}
for name, placeholder in BUILD_PLACEHOLDERS.items():
    os.environ.setdefault(name, placeholder)

from config.settings import *  # noqa: E402, F403

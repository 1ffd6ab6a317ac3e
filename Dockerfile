FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY . .
RUN pip install --no-cache-dir .
# Static files are collected at build time, where no runtime secret exists.
RUN DJANGO_SETTINGS_MODULE=config.settings_build python manage.py collectstatic --noinput

RUN useradd --create-home store && mkdir -p /app/media && chown -R store /app/media
USER store

EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2"]

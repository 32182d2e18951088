# Production image for the ESS platform (gunicorn; the same image runs the Celery worker/beat).
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH=/app/.venv/bin:$PATH \
    STATIC_ROOT=/app/staticfiles \
    PRIVATE_STORAGE_ROOT=/data/private

# WeasyPrint's system libraries, a font for PDFs, gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv

WORKDIR /app
# Dependencies first (cached layer), from the lock file only; dev group excluded.
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-cache

COPY . .
# Build-time only: throwaway settings so that the settings module imports.
RUN if [ -n "$(find . -path ./.venv -prune -o -type d -name locale -print -quit)" ]; then \
        SECRET_KEY=build-only DEBUG=0 ALLOWED_HOSTS=x python manage.py compilemessages --ignore=.venv; \
    fi \
    && SECRET_KEY=build-only DEBUG=0 ALLOWED_HOSTS=x python manage.py collectstatic --noinput \
    && useradd --system --user-group --uid 10001 --create-home --home-dir /home/ess ess \
    && mkdir -p /app/var /data/private \
    && chown -R ess:ess /app/var /data/private

USER ess
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["gunicorn", "ess.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--access-logfile", "-"]

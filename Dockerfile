# sendgraph API / worker image. docker-compose.yml runs it as `api` and `worker`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SENDGRAPH_VAR_DIR=/data

WORKDIR /src
COPY . .
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin sendgraph \
    && mkdir -p /data && chown sendgraph /data

# State that must survive restarts (persisted secret key, file outbox) lives in /data.
WORKDIR /data
USER sendgraph
EXPOSE 8000
CMD ["sendgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]

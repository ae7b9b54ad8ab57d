# syntax=docker/dockerfile:1
FROM python:3.12 AS builder
RUN apt-get update && apt-get install -y --no-install-recommends gcc libffi-dev && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/root/.cache/pip pip install poetry==1.8.3
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
WORKDIR /srv
COPY pyproject.toml /srv/pyproject.toml
COPY poetry.lock* /srv/
RUN --mount=type=cache,target=/root/.cache/pypoetry poetry config virtualenvs.create false \
    && poetry install --no-root --only main

FROM python:3.12-slim
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libffi8 \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
WORKDIR /srv
COPY --from=builder /opt/venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
COPY . .
USER 10001:10001
CMD ["gunicorn", "app:app"]

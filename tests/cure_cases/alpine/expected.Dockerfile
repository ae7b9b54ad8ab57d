# syntax=docker/dockerfile:1
FROM python:3.12-alpine AS builder
RUN apk add --no-cache gcc musl-dev postgresql-dev
RUN python -m venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements.txt /app/requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt \
    && /opt/venv/bin/python -m pip uninstall --yes pip

FROM python:3.12-alpine
# hadolint ignore=DL3018
RUN apk add --no-cache libpq tini
RUN addgroup -S -g 10001 app \
    && adduser -S -D -H -u 10001 -G app -s /sbin/nologin app
WORKDIR /app
COPY --from=builder /opt/venv /opt/venv
ENV VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
COPY . .
USER 10001:10001
ENTRYPOINT ["/sbin/tini", "--"]
CMD ["python", "-m", "app"]

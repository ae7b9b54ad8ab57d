# syntax=docker/dockerfile:1
FROM node:20.11.1 AS builder
WORKDIR /usr/src/app
COPY package.json package-lock.json* npm-shrinkwrap.json* yarn.lock* pnpm-lock.yaml* ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
RUN npm prune --omit=dev

FROM node:20.11.1-slim
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
WORKDIR /usr/src/app
COPY --from=builder /usr/src/app /usr/src/app
USER 10001:10001
ENTRYPOINT ["/usr/bin/tini", "--", "docker-entrypoint.sh"]
CMD ["npm", "start"]

# syntax=docker/dockerfile:1
FROM node:20.11 AS builder
RUN apt-get update && apt-get install --no-install-recommends -y python3 make g++ curl && rm -rf /var/lib/apt/lists/*
WORKDIR /srv
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm install && npm cache clean --force
RUN npm prune --omit=dev

FROM node:20.11-slim
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
WORKDIR /srv
COPY --from=builder /srv /srv
COPY . .
USER 10001:10001
EXPOSE 8080
CMD ["node", "server.js"]

FROM node:20.11 AS base
WORKDIR /usr/app
RUN apt-get update && apt-get install -y --no-install-recommends mongodb-clients && rm -rf /var/lib/apt/lists/*

FROM base AS release
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
COPY . .
RUN npm ci && npm cache clean --force
USER 10001:10001
CMD ["node", "server.js"]

# syntax=docker/dockerfile:1
FROM node:20.11 AS builder
ENV NODE_ENV=production
WORKDIR /home/node/app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
RUN npm prune --omit=dev

FROM node:20.11-slim
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
ENV SLACK_TOKEN=xoxb-placeholder
ENV NODE_ENV=production
WORKDIR /home/node/app
COPY --from=builder /home/node/app /home/node/app
COPY main.js ./
USER 10001:10001
CMD ["node", "main.js"]

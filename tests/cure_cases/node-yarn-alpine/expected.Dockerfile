# syntax=docker/dockerfile:1
FROM node:18.19-alpine AS builder
RUN apk add --no-cache python3 make g++
WORKDIR /app
COPY package.json yarn.lock ./
RUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install --frozen-lockfile
COPY . .
RUN yarn build

FROM node:18.19-alpine
RUN addgroup -S -g 10001 app \
    && adduser -S -D -H -u 10001 -G app -s /sbin/nologin app
WORKDIR /app
COPY --from=builder /app /app
USER 10001:10001
CMD ["node", "dist/index.js"]

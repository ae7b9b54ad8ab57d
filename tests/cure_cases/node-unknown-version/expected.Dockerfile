FROM node:latest
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY . .
RUN npm install && npm cache clean --force
USER 10001:10001
CMD ["node", "index.js"]

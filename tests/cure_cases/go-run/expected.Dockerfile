FROM golang:1.22.4
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY . .
RUN go build ./...
USER 10001:10001
CMD ["go", "run", "."]

# syntax=docker/dockerfile:1
FROM golang:1.22 AS builder
ENV CGO_ENABLED=0
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go mod download
COPY . .
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o /usr/local/bin/server ./cmd/server

FROM scratch
WORKDIR /src
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /usr/local/bin/server /usr/local/bin/server
USER 65532:65532
EXPOSE 8080
CMD ["/usr/local/bin/server"]

# syntax=docker/dockerfile:1
FROM golang:1.19 AS builder
ENV CGO_ENABLED=0
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o /usr/local/bin/pinger .

FROM scratch
WORKDIR /src
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /usr/local/bin/pinger /usr/local/bin/pinger
USER 65532:65532
EXPOSE 8082
CMD ["/usr/local/bin/pinger", "--port", "8082"]

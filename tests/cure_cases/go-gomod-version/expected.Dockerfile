# syntax=docker/dockerfile:1
FROM golang:1.21.5 AS builder
ENV CGO_ENABLED=0
WORKDIR /go/src/app
COPY . .
RUN --mount=type=cache,target=/root/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build -o app .

FROM scratch
WORKDIR /go/src/app
COPY --from=builder /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=builder /go/src/app/app /go/src/app/app
USER 65532:65532
CMD ["./app"]

# syntax=docker/dockerfile:1
FROM maven:3.9-eclipse-temurin-17 AS builder
WORKDIR /app
COPY . .
RUN --mount=type=cache,target=/root/.m2 mvn -B -P production package

# the JRE of Java 17: pin its patch release with the builder's
# hadolint ignore=DW101
FROM eclipse-temurin:17-jre
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY --from=builder /app/target/app.jar /app/target/app.jar
USER 10001:10001
CMD ["java", "-jar", "target/app.jar"]

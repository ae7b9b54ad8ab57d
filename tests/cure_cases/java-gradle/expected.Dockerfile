# syntax=docker/dockerfile:1
FROM gradle:8.5-jdk21 AS builder
WORKDIR /home/gradle/project
COPY . .
RUN --mount=type=cache,target=/home/gradle/.gradle gradle build --no-daemon -x test

# the JRE of Java 21: pin its patch release with the builder's
# hadolint ignore=DW101
FROM eclipse-temurin:21-jre
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
WORKDIR /home/gradle/project
COPY --from=builder /home/gradle/project/build/libs/app.jar /home/gradle/project/build/libs/app.jar
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "build/libs/app.jar"]

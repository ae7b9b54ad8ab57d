FROM maven:3.9.6-eclipse-temurin-21
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini \
    && apt-get clean \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY . .
RUN mvn -B package
USER 10001:10001
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["/bin/sh", "-c", "java -jar target/*.jar"]

FROM python:3.12-slim
WORKDIR /app
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY . .
RUN useradd --no-log-init --uid 10001 app
USER 10001
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["python", "app.py"]

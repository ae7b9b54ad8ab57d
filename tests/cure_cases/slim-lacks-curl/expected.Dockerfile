FROM python:3.11
RUN groupadd --gid 10001 app \
    && useradd --no-log-init --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
RUN curl -fsSL https://example.com/model.bin -o /app/model.bin
COPY . .
USER 10001:10001
CMD ["python", "app.py"]

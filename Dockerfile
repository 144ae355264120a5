# One image for the worker and the web app: `complaints worker` / `complaints web` (docker-compose.yml).
FROM python:3.11.7-slim-bookworm
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
RUN pip install --no-cache-dir --no-deps . && useradd --system --no-create-home complaints
USER complaints
EXPOSE 8000
ENTRYPOINT ["complaints"]
CMD ["worker"]

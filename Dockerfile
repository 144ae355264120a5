# One image for the worker and the web app: `complaints worker` / `complaints web` (docker-compose.yml).
FROM python:3.11.7-slim-bookworm
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# weasyprint (letters and reports as PDF) needs pango and a font; the slim image has neither.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
# The runtime lock only: no pytest, hypothesis, playwright or Temporal test/dev servers (requirements-dev.lock).
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
# A fixed UID, so deploy/make-certs.sh can give the worker's and web app's keys to it alone (0600).
RUN pip install --no-cache-dir --no-deps . && useradd --system --no-create-home --uid 10001 complaints
USER complaints
EXPOSE 8000
ENTRYPOINT ["complaints"]
CMD ["worker"]

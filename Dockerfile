# graphsvc's service image. docker-compose.yml runs it against Neo4j 5.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY graphsvc ./graphsvc
COPY loaders ./loaders
RUN pip install . && useradd --system --uid 10001 --no-create-home graphsvc

USER graphsvc
ENV GRAPHSVC_HOST=0.0.0.0 \
    GRAPHSVC_PORT=8000
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=10s --retries=5 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=5)"]
CMD ["graphsvc", "serve"]

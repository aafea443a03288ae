# The ORGraph dashboard image: `docker compose up -d` runs it next to the neo4j service.
# It installs the base package and the `dashboard` extra only (no PyTorch, no CUDA), at the
# versions of constraints.txt (the ones the tests ran with).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY pyproject.toml README.md LICENSE constraints.txt ./
COPY core core
COPY loader loader
COPY queries queries
COPY gnn gnn
COPY dashboard dashboard
COPY orgraph orgraph
RUN pip install -c constraints.txt ".[dashboard]"

EXPOSE 8501
CMD ["orgraph", "dashboard", "--backend", "neo4j", "--address", "0.0.0.0", "--port", "8501"]

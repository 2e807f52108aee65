# syntax=docker/dockerfile:1
# Two images from one file:
#   docker build --target api -t shelfcast-api .       the forecast API: Node, production packages, no Python
#   docker build --target worker -t shelfcast-worker .  flows, training and monitoring jobs: Node plus the .venv
# Both run as the unprivileged `node` user (uid 1000) and keep data under /data (mount the lake, runs and monitoring there).

# --- npm packages ---------------------------------------------------------------------------------------------
# Install scripts stay off, as in scripts/setup.sh: DuckDB, koffi and onnxruntime-node ship prebuilt binaries,
# and onnxruntime-node's postinstall would try to download. `npm install` rather than `npm ci` for the reason
# setup.sh gives (the lock may omit DuckDB's binaries for other platforms); it installs the locked versions.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --ignore-scripts --omit=dev --no-audit --no-fund --loglevel=error \
    && npm cache clean --force

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
    && npm cache clean --force
COPY tsconfig.json tsconfig.build.json ./
COPY core ./core
COPY cli ./cli
COPY pipelines ./pipelines
COPY training ./training
COPY serving ./serving
COPY monitoring ./monitoring
RUN npx tsc -p tsconfig.build.json

# --- the Python environment of the worker (requirements.txt, as scripts/setup.sh builds it) --------------------
FROM node:20-bookworm-slim AS venv
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt ./
RUN python3 -m venv /app/.venv \
    && /app/.venv/bin/python -m pip install --no-cache-dir --no-deps -r requirements.txt \
    && /app/.venv/bin/python -m pip check

# --- the forecast API ----------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS api
ENV NODE_ENV=production \
    SHELFCAST_LAKE=/data/lake \
    SHELFCAST_RUNS_DIR=/data/runs \
    SHELFCAST_MONITORING_DB=/data/monitoring/monitoring.duckdb \
    SHELFCAST_CACHE_DIR=/tmp/shelfcast-cache
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
RUN mkdir -p /data/lake /data/runs /data/monitoring && chown -R 1000:1000 /data
# 1000 is the `node` user of the Node images.
USER 1000:1000
EXPOSE 8080
# /healthz answers as soon as the process listens; /readyz (for a load balancer) once the model is loaded.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "dist/cli/bin.js"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]

# --- flows, training and monitoring jobs ---------------------------------------------------------------------
FROM node:20-bookworm-slim AS worker
# python3: the .venv's interpreter; libgomp1: the OpenMP runtime lib_lightgbm.so links against.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 libgomp1 \
    && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    SHELFCAST_LAKE=/data/lake \
    SHELFCAST_RUNS_DIR=/data/runs \
    SHELFCAST_MONITORING_DB=/data/monitoring/monitoring.duckdb \
    SHELFCAST_CACHE_DIR=/tmp/shelfcast-cache \
    SHELFCAST_VENV=/app/.venv
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=venv /app/.venv ./.venv
COPY package.json requirements.txt ./
RUN mkdir -p /data/lake /data/runs /data/monitoring && chown -R 1000:1000 /data
# 1000 is the `node` user of the Node images.
USER 1000:1000
# A job runs to completion and its exit code is its health; there is no server to probe.
HEALTHCHECK NONE
ENTRYPOINT ["node", "dist/cli/bin.js"]
CMD ["--help"]

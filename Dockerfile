# syntax=docker/dockerfile:1
# The ipnhub container image (docs/deployment.md, "Docker"):
#   docker build -t ipnhub .
#   docker run -d -p 127.0.0.1:8080:8080 -v ipnhub-data:/data ipnhub
# compose.yaml runs it with PostgreSQL, one server and one worker.

# Build stage: the toolchain, every dependency, the TypeScript compiler and the web UI's build.
FROM node:20-bookworm-slim AS build
WORKDIR /src
# better-sqlite3 compiles its native module when no prebuilt one fits this platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Exactly the lockfile. Install scripts run only for the packages that need them (the same ones
# package.json's allowScripts approves): the native SQLite driver and the bundler's binary.
RUN npm ci --no-audit --no-fund --ignore-scripts \
 && npm rebuild better-sqlite3 esbuild
COPY . .
# Server (dist/server/, bundled) and web UI (dist/web/); then the development dependencies go.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund

# Runtime stage: node, the production dependencies and the build output; no compiler, no sources.
FROM node:20-bookworm-slim
WORKDIR /app
# A dedicated user without a login; /data is its own and no one else's (0700).
RUN groupadd --system --gid 10001 ipnhub \
 && useradd --system --uid 10001 --gid ipnhub --home-dir /data --no-create-home \
      --shell /usr/sbin/nologin ipnhub \
 && mkdir /data \
 && chown ipnhub:ipnhub /data \
 && chmod 0700 /data
COPY --from=build /src/package.json /src/package-lock.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/deploy/docker-entrypoint.sh /src/deploy/healthcheck.js ./deploy/
# SQLite database, master key and mail files live in the volume; a container listens on every
# interface of its own network namespace (publish the port on the host's loopback address and
# put the TLS proxy in front).
ENV IPNHUB_DATA_DIR=/data \
    IPNHUB_HOST=0.0.0.0 \
    IPNHUB_PORT=8080
VOLUME ["/data"]
EXPOSE 8080
USER ipnhub
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "/app/deploy/healthcheck.js"]
ENTRYPOINT ["/app/deploy/docker-entrypoint.sh"]
CMD ["serve"]

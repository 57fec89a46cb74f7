# fastmoss-etl as an image: dependencies installed and src/ compiled at build time, nothing
# installed or written under /app when a container starts, and no root at run time.
#   docker build -t fastmoss-etl .
#   docker run --rm fastmoss-etl demo                      # embedded Postgres + simulator, in /home/node
#   docker run --rm -e DATABASE_URL=... -e FASTMOSS_TOKEN=... fastmoss-etl backfill --from 2026-10-01 --to 2026-10-07
# docker-compose.yml runs it as the scheduler, beside Postgres.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# `npm ci` runs the `prepare` script, which compiles src/ to lib/: it needs the sources first.
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm ci --no-audit --no-fund \
 && test -f lib/cli.js \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
COPY package.json package-lock.json ./
COPY bin ./bin
COPY migrations ./migrations
COPY src ./src
# The bin runs lib/ when it is at least as new as every file in src/ (else src/ through tsx).
RUN find lib -exec touch {} + \
 && ln -s /app/bin/fastmoss-etl.js /usr/local/bin/fastmoss-etl

# /app stays root's and read-only to the process; the embedded default (commands without
# DATABASE_URL) keeps .fastmoss-etl/ in the working directory, the node user's home.
USER node
WORKDIR /home/node
ENV METRICS_PORT=9464
EXPOSE 9464
# Healthy while `schedule` answers /healthz with 200 (database reachable, a good cycle within 48 h).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node itself is the container's main process (no npm, no shell in between), so `docker stop`'s
# SIGTERM reaches the CLI; run it with an init (`docker run --init`, compose `init: true`).
ENTRYPOINT ["node", "/app/bin/fastmoss-etl.js"]
CMD ["schedule"]

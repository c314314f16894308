# syntax=docker/dockerfile:1
#
# Clearance in a container: `docker build -t clearance .`, then docs/deploy.md ("Docker") for how to
# run it. The image holds no setting and no secret: DATABASE_URL, AUTH_SECRET, CLEARANCE_AUDIT_KEYS,
# the OIDC client and the rest come from the environment when the container starts.
#
# Why the runtime stage carries the whole build, node_modules included, and not Next.js's
# `output: "standalone"`: the container runs what `npm start` runs, which is more than Next.js's
# server. The launcher (server/launch.ts, server/launcher/run.ts) is TypeScript run through tsx. It
# checks the settings and the database roles, applies the migrations in drizzle/ with drizzle-orm's
# migrator and installs pg-boss's schema (server/db/migrate.ts), then starts
# `node_modules/.bin/next start` and runs the background jobs (pg-boss, the expiry and provisioning
# loops, the audit sequencer, exports, mail) in its own process beside it. A standalone trace holds
# only what Next.js's pages import; it would have none of that. The CLI (`node bin/clearance.mjs`)
# and `npm run db:migrate` need the same files.
#
# This machine has no Docker engine: nobody has built or run this image here. CI checks the file as
# far as it can without one (test/dockerfile.test.ts): what COPY takes exists and is not in
# .dockerignore, the Node.js version matches package.json, the runtime runs as a non-root user, CMD is
# `npm start`'s command, and HEALTHCHECK asks /api/health.

# --- build: dependencies exactly as package-lock.json has them, then `next build` -----------------
FROM node:20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# The lock first, so a change to the sources reuses the installed dependencies. Dev dependencies
# too: `next build` needs TypeScript and Tailwind's PostCSS plugin.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# .next/cache is the build's own cache; the running server starts an empty one.
RUN npm run build && rm -rf .next/cache

# --- runtime: the build as it is, run as the unprivileged `node` user ------------------------------
FROM node:20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 \
    CLEARANCE_DATA_DIR=/data
COPY --from=build /app /app
# The app's files stay root's, read-only to the app. It writes only to /data (background exports and
# the audit checkpoints by default: mount a volume there) and to Next.js's runtime cache.
RUN mkdir -p /data /app/.next/cache && chown node:node /data /app/.next/cache
USER node
EXPOSE 3000
# Liveness only: /api/health answers whenever the process does, without asking the database.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# `npm start`'s command, without npm in between: SIGTERM (`docker stop`) reaches the launcher's
# parent, which stops Next.js, then the jobs, in order.
CMD ["node", "--import", "tsx", "server/launch.ts", "start"]

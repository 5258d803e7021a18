# claude-usage: the Slack app and morning digest.
# Build: docker build -t claude-usage .   Run: docker run --env-file .env -v claude-usage:/data claude-usage

# --- build: compile TypeScript and the native SQLite module, then drop dev dependencies
FROM node:22-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 is compiled when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# --- run: production dependencies and compiled JavaScript only, as the unprivileged node user
FROM node:22-bookworm-slim
# A heap limit far above what the app keeps makes V8 collect sooner than under its default (sized
# from the machine's memory): ~30 % less peak memory for concurrent reports, no slower
# (docs/PERFORMANCE.md). Raise it for orgs of well over 50,000 people.
ENV NODE_ENV=production DATA_DIR=/data PORT=3000 NODE_OPTIONS=--max-old-space-size=1024
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json manifest.yml ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HEALTH_PORT||process.env.PORT)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node directly (what `npm run start:prod` runs): it receives SIGTERM itself and shuts down cleanly.
CMD ["node", "dist/main.js"]

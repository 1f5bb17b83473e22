# pancake-sync as a container: `docker compose up` runs it next to Postgres and Metabase.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
# `npm ci` runs `prepare`, which compiles TypeScript into dist/.
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY docker/sync-loop.sh ./docker/sync-loop.sh
USER node
ENTRYPOINT ["node", "dist/src/cli.js"]
CMD ["sync"]

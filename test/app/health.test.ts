import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { checkHealth, startHealthServer } from "../../src/app/health.js";
import { openDatabase } from "../../src/store/database.js";
import { type TestStoreHandle, testDatabase } from "../support/stores.js";

let handle: TestStoreHandle | undefined;
afterEach(async () => {
  await handle?.cleanup();
  handle = undefined;
});

describe("health", () => {
  it("is ok when Slack is ready and the store answers", async () => {
    handle = testDatabase("sqlite");
    const store = await handle.open();
    const next = new Date("2026-11-26T08:00:00Z");
    const report = await checkHealth({
      slackReady: () => true,
      store,
      lastApiSuccess: () => null,
      nextDigest: () => next,
    });
    expect(report).toEqual({
      status: "ok",
      checks: {
        slack: "ready",
        store: "ok",
        lastApiSuccess: null,
        nextDigest: "2026-11-26T08:00:00.000Z",
      },
    });
  });

  it("says how far the backfill is; a failing pass does not make the app unavailable", async () => {
    const report = await checkHealth({
      slackReady: () => true,
      lastApiSuccess: () => null,
      nextDigest: () => null,
      backfill: () => ({
        total: 92,
        warm: 40,
        running: true,
        lastPassAt: "2026-12-04T07:00:00.000Z",
        lastError: "Anthropic API answered 503",
      }),
    });
    expect(report.status).toBe("ok");
    expect(report.checks.backfill).toEqual({
      total: 92,
      warm: 40,
      running: true,
      lastPassAt: "2026-12-04T07:00:00.000Z",
      lastError: "Anthropic API answered 503",
    });
  });

  it("is unavailable while Slack is starting or when the store is unreachable, with a 503", async () => {
    handle = testDatabase("sqlite");
    const store = await handle.open();
    const state = {
      slackReady: () => false,
      store,
      lastApiSuccess: () => null,
      nextDigest: () => null,
    };
    expect((await checkHealth(state)).checks.slack).toBe("starting");
    await store.close();
    const report = await checkHealth({ ...state, slackReady: () => true });
    expect(report).toMatchObject({ status: "unavailable", checks: { store: "unreachable" } });

    const server = await startHealthServer({ ...state, slackReady: () => true }, 0);
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      expect(response.status).toBe(503);
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it("a database that accepts connections and never answers is unreachable, within the timeout", async () => {
    // A host that is there but says nothing (a hung server, a half-open network path).
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const port = (silent.address() as { port: number }).port;
    const database = openDatabase({ databaseUrl: `postgres://u@127.0.0.1:${port}/db` });
    try {
      const started = Date.now();
      const report = await checkHealth(
        {
          slackReady: () => true,
          store: { database },
          lastApiSuccess: () => null,
          nextDigest: () => null,
        },
        { storeTimeoutMs: 300 },
      );
      expect(report).toMatchObject({ status: "unavailable", checks: { store: "unreachable" } });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      await database.close();
    }
  });
});

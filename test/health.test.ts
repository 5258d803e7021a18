import { afterEach, describe, expect, it } from "vitest";
import { checkHealth, startHealthServer } from "../src/health.js";
import { type TestStoreHandle, testDatabase } from "./support/stores.js";

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
});

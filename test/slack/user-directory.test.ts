import { WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import {
  createMemoryUserCache,
  createUserDirectory,
  optionalUserCache,
} from "../../src/slack/user-directory.js";
import type { UserCache } from "../../src/store/user-cache.js";
import { TEST_DIALECTS, type TestStoreHandle, testDatabase } from "../support/stores.js";

/* The Slack user directory when its cache fails: a miss, and Slack answers. */

let slack: FakeSlackApi | undefined;
let handle: TestStoreHandle | undefined;
afterEach(async () => {
  await slack?.close();
  await handle?.cleanup();
  slack = undefined;
  handle = undefined;
});

const failingCache: UserCache = {
  get: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")),
  set: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")),
};

async function directoryOn(cache: UserCache) {
  slack = await startFakeSlackApi({
    users: [{ id: "UADA", email: "ada@example.com" }],
    botToken: FAKE_BOT_TOKEN,
  });
  const warnings: { operation: string; error: unknown }[] = [];
  const directory = createUserDirectory({
    client: new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl }),
    cache,
    onCacheError: (operation, error) => warnings.push({ operation, error }),
  });
  return { directory, warnings, slack };
}

describe("optionalUserCache", () => {
  it("turns a failing get into a miss and a failing set into nothing, telling each", async () => {
    const told: string[] = [];
    const cache = optionalUserCache(failingCache, (operation, error) =>
      told.push(`${operation}: ${(error as Error).message}`),
    );
    expect(await cache.get("email:ada@example.com")).toBeUndefined();
    await expect(cache.set("email:ada@example.com", { userId: "UADA" }, 1000)).resolves.toBe(
      undefined,
    );
    expect(told).toEqual([
      "get: connect ECONNREFUSED 127.0.0.1:5432",
      "set: connect ECONNREFUSED 127.0.0.1:5432",
    ]);
  });

  it("passes answers through untouched when the cache works", async () => {
    const told: unknown[] = [];
    const cache = optionalUserCache(createMemoryUserCache(), (_op, error) => told.push(error));
    await cache.set("email:ada@example.com", { userId: "UADA" }, 60_000);
    expect(await cache.get("email:ada@example.com")).toEqual({ userId: "UADA" });
    expect(await cache.get("email:nobody@example.com")).toBeUndefined();
    expect(told).toEqual([]);
  });
});

describe("createUserDirectory with a failing cache", () => {
  it("still finds people in Slack, and warns about the cache", async () => {
    const { directory, warnings, slack } = await directoryOn(failingCache);
    expect(await directory.lookupByEmail("Ada@Example.com")).toEqual({
      userId: "UADA",
      name: "UADA",
      tz: "UTC",
    });
    expect(await directory.lookupByEmail("nobody@example.com")).toBeNull();
    // Nothing could be kept, so each lookup asks Slack.
    expect(await directory.lookupByEmail("ada@example.com")).toEqual({
      userId: "UADA",
      name: "UADA",
      tz: "UTC",
    });
    expect(slack.callsTo("users.lookupByEmail")).toHaveLength(3);
    expect(warnings.map((w) => w.operation)).toEqual(["get", "set", "get", "set", "get", "set"]);
  });

  for (const dialect of TEST_DIALECTS) {
    it(`still finds people in Slack when the store's database is closed (${dialect})`, async () => {
      handle = testDatabase(dialect);
      const store = await handle.open();
      await store.close();
      const { directory, warnings } = await directoryOn(store.userCache);
      expect(await directory.lookupByEmail("ada@example.com")).toEqual({
        userId: "UADA",
        name: "UADA",
        tz: "UTC",
      });
      expect(warnings.map((w) => w.operation)).toEqual(["get", "set"]);
      expect(String(warnings[0]?.error)).toContain("destroyed");
    });
  }
});

describe("names", () => {
  it("a person's name is their display name, else their real name; misses have none", async () => {
    slack = await startFakeSlackApi({
      users: [
        { id: "UADA", email: "ada@example.com", name: "ada", displayName: "Ada L." },
        { id: "UBOB", email: "bob@example.com", name: "Bob Stone", displayName: "" },
      ],
      botToken: FAKE_BOT_TOKEN,
    });
    const directory = createUserDirectory({
      client: new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl }),
    });
    expect(await directory.lookupByEmail("ada@example.com")).toEqual({
      userId: "UADA",
      name: "Ada L.",
      tz: "UTC",
    });
    expect(await directory.lookupByEmail("bob@example.com")).toEqual({
      userId: "UBOB",
      name: "Bob Stone",
      tz: "UTC",
    });
    expect(await directory.lookupByEmail("nobody@example.com")).toBeNull();
    expect(await directory.nameOf("UADA")).toBe("Ada L.");
    expect(await directory.emailOf("UADA")).toBe("ada@example.com");
    // One users.info serves both the email and the name.
    expect(slack.callsTo("users.info")).toHaveLength(1);
  });

  for (const dialect of TEST_DIALECTS) {
    it(`keeps names in the store; a row from before names were is asked again (${dialect})`, async () => {
      handle = testDatabase(dialect);
      const store = await handle.open();
      // As an older release left it: the id only.
      await store.userCache.set("email:ada@example.com", { userId: "UADA" }, 60_000);
      expect(await store.userCache.get("email:ada@example.com")).toEqual({ userId: "UADA" });
      const { directory, slack } = await directoryOn(store.userCache);
      expect(await directory.lookupByEmail("ada@example.com")).toEqual({
        userId: "UADA",
        name: "UADA",
        tz: "UTC",
      });
      expect(await store.userCache.get("email:ada@example.com")).toEqual({
        userId: "UADA",
        name: "UADA",
        tz: "UTC",
      });
      // Now kept with its name: no second call.
      await directory.lookupByEmail("ada@example.com");
      expect(slack.callsTo("users.lookupByEmail")).toHaveLength(1);
    });
  }

  it("an old row (no name) still gives the person when Slack cannot be asked", async () => {
    const cache = createMemoryUserCache();
    await cache.set("email:ada@example.com", { userId: "UADA" }, 60_000);
    slack = await startFakeSlackApi({
      users: [{ id: "UADA", email: "ada@example.com" }],
      botToken: FAKE_BOT_TOKEN,
      fault: () => ({ error: "internal_error" }),
    });
    const errors: string[] = [];
    const directory = createUserDirectory({
      client: new WebClient(FAKE_BOT_TOKEN, {
        slackApiUrl: slack.apiUrl,
        retryConfig: { retries: 0 },
      }),
      cache,
      onError: (method) => errors.push(method),
    });
    expect(await directory.lookupByEmail("ada@example.com")).toEqual({ userId: "UADA" });
    expect(await directory.findByEmail("ada@example.com")).toEqual({ userId: "UADA" });
    expect(errors).toEqual([]);
  });
});

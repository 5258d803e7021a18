import { WebClient } from "@slack/web-api";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import { apiRecord } from "../../fakes/records.js";
import { SIGNING_SECRET, slashCommand } from "../../fakes/slack-requests.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { loadConfig } from "../../src/app/config.js";
import { digestDeps } from "../../src/app/jobs.js";
import { logCacheErrors, slackAppOptionsFromConfig } from "../../src/app/options.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { runDigest } from "../../src/schedule/digest-job.js";
import { createSlackApp } from "../../src/slack/app.js";
import { createUserDirectory } from "../../src/slack/user-directory.js";
import type { Store } from "../../src/store/store.js";
import { morningScheduler } from "../support/scheduler.js";
import { TEST_DIALECTS, type TestDialect, testDatabase } from "../support/stores.js";

/*
 * The store's database gone (closed) or broken (its tables dropped) under a running app: every
 * cache is optional, so reports answer from the API; what needs the store says so plainly; the
 * schedule logs the failed run and tries again later.
 */

const now = new Date("2026-11-25T10:30:00Z");
const OPUS = "claude-opus-4-1-20250805";
const days = {
  "2026-11-24": [
    apiRecord({ email: "maria@example.com", sessions: 31, models: [[OPUS, 14210]] }),
    apiRecord({ email: "sam@example.com", sessions: 3, models: [[OPUS, 9602]] }),
  ],
};

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A real store whose database then fails: SQLite closed, PostgreSQL with its schema dropped. */
async function brokenStore(dialect: TestDialect): Promise<Store> {
  const handle = testDatabase(dialect);
  cleanups.push(() => handle.cleanup());
  const store = await handle.open();
  if (dialect === "sqlite") {
    await store.close();
    // The handle closes it again on cleanup; once is what the driver allows.
    store.close = async () => undefined;
  } else {
    const schema = handle.options.schema ?? "";
    const admin = new pg.Client({ connectionString: handle.options.databaseUrl });
    await admin.connect();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
  return store;
}

async function fakes(): Promise<{ api: FakeAdminApi; slack: FakeSlackApi }> {
  const api = await startFakeAdminApi({ days });
  const slack = await startFakeSlackApi({
    users: [{ id: "UMARIA", email: "maria@example.com" }],
    botToken: FAKE_BOT_TOKEN,
  });
  cleanups.push(
    () => api.close(),
    () => slack.close(),
  );
  return { api, slack };
}

function setup(api: FakeAdminApi, store: Store) {
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", sink: { write: (l) => logs.push(l) } });
  const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: api.url, maxAttempts: 1 });
  cleanups.push(() => client.close());
  const loader = createUsageLoader({
    source: client,
    cache: store.dayCache,
    now: () => now,
    onCacheError: logCacheErrors(logger),
  });
  return { logs, logger, loader };
}

for (const dialect of TEST_DIALECTS) {
  describe(`with the store's database ${dialect === "sqlite" ? "closed" : "broken"} (${dialect})`, () => {
    it("an org report still answers from the API, with Slack mentions; `dm off` says why it cannot", async () => {
      const { api, slack } = await fakes();
      const store = await brokenStore(dialect);
      const { logs, logger, loader } = setup(api, store);
      const config = loadConfig({
        ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
        ANTHROPIC_BASE_URL: api.url,
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: "0",
      });
      const app = createSlackApp({
        ...slackAppOptionsFromConfig(config),
        loader,
        logger,
        now: () => now,
        userCache: store.userCache,
        preferences: store.preferences,
      });
      const { port } = await app.start();
      cleanups.push(() => app.stop());
      const url = `http://127.0.0.1:${port}/slack/events`;

      await slashCommand(url, { text: "", user_id: "UMARIA", response_url: slack.responseUrl() });
      const [report] = await slack.waitForResponses(1);
      expect(report?.body.text).toBe(
        "Claude Code on Tue 24 Nov: $238 spent, up from nothing on Tue 17 Nov — one person drove it: UMARIA, $142 (60%). Everyone else: $96.02.",
      );
      expect(JSON.stringify(report?.body.blocks)).toContain("<@UMARIA>");
      expect(slack.callsTo("users.lookupByEmail").length).toBeGreaterThan(0);
      const text = logs.join("");
      expect(text).toContain("day cache failed; the report goes on from the API");
      expect(text).toContain("Slack user cache failed; asking Slack instead");

      await slashCommand(url, {
        text: "dm off",
        user_id: "UMARIA",
        response_url: slack.responseUrl(),
      });
      const replies = await slack.waitForResponses(2);
      const dm = String(replies[1]?.body.text);
      expect(dm).toContain(
        dialect === "sqlite"
          ? "I couldn't save your DM preference: my database is not answering right now."
          : "I couldn't save your DM preference: my database refused it.",
      );
      expect(dm).toContain("`/claude-usage dm off` again");
      expect(dm).not.toContain("something went wrong");
    });

    it("the scheduled digest fails, is logged, and is tried again later; nothing crashes", async () => {
      const { api, slack } = await fakes();
      const store = await brokenStore(dialect);
      const { logs, logger, loader } = setup(api, store);
      const config = loadConfig({
        ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
        ANTHROPIC_BASE_URL: api.url,
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_API_URL: slack.apiUrl,
        DIGEST_CHANNELS: "C1",
        DM_SUMMARIES: "all",
      });
      const web = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl });
      const directory = createUserDirectory({ client: web, cache: store.userCache });
      const deps = digestDeps({ config, store, loader, logger, slack: web, directory });
      const runs: string[] = [];
      const scheduler = morningScheduler({
        logger,
        retryDelayMs: 50,
        maxRetries: 2,
        run: async (date) => {
          runs.push(date);
          const summary = await runDigest({ date }, { ...deps, now: () => now });
          return { failed: summary.failed, busy: summary.busy };
        },
      });
      cleanups.push(() => scheduler.stop());
      await scheduler.caughtUp;
      for (let i = 0; i < 100 && runs.length < 3; i++) await new Promise((r) => setTimeout(r, 20));
      // The catch-up and both retries ran, and none posted anything.
      expect(runs).toEqual(["2026-11-25", "2026-11-25", "2026-11-25"]);
      expect(slack.messages).toEqual([]);
      // Each failed run was logged with the retry to come (a run that throws is logged too).
      const retries = logs.filter((l) => l.includes("deliveries left: retrying later"));
      const thrown = logs.filter((l) => l.includes("digest run failed"));
      expect(retries.length + thrown.length).toBeGreaterThanOrEqual(2);
    });
  });
}

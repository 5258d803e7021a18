import { WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  type FakeSlackApiOptions,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import { apiRecord } from "../../fakes/records.js";
import { buttonClick, overflowPick, SIGNING_SECRET } from "../../fakes/slack-requests.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { loadConfig } from "../../src/app/config.js";
import { slackAppOptionsFromConfig } from "../../src/app/options.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { type DigestConfig, runDigest } from "../../src/schedule/digest-job.js";
import { createSlackApp, type SlackApp } from "../../src/slack/app.js";
import { createMemoryDayCache } from "../../src/store/day-cache.js";
import type { Store } from "../../src/store/store.js";
import { readBlocks } from "../support/read-blocks.js";
import { TEST_DIALECTS, type TestStoreHandle, testDatabase } from "../support/stores.js";

/*
 * The digest's and DM's buttons end to end: the morning job posts to the fake Slack; the buttons
 * it posted are clicked — signed block_actions, as Slack sends them — on a *fresh* app in HTTP
 * mode, which shares nothing with the job but the button's value (and the store): a restart, or
 * another replica. Answers go to the fake's response_urls.
 */

const now = new Date("2026-11-25T09:00:00Z");
const OPUS = "claude-opus-4-1-20250805";
const records = (day: string) => [
  apiRecord({ day, email: "ada@example.com", sessions: 6, added: 1210, models: [[OPUS, 1840]] }),
  apiRecord({ day, email: "bob@example.com", sessions: 2, models: [[OPUS, 500]] }),
  apiRecord({ day, apiKey: "ci-bot", sessions: 9, models: [[OPUS, 900]] }),
];
const dayList = Array.from({ length: 40 }, (_, i) =>
  new Date(Date.UTC(2026, 9, 16 + i)).toISOString().slice(0, 10),
);
const days = Object.fromEntries(dayList.map((d) => [d, records(d)]));
const users = [
  { id: "UADA", email: "ada@example.com", name: "ada", displayName: "Ada Lovelace" },
  { id: "UBOB", email: "bob@example.com", name: "bob", displayName: "Bob" },
  { id: "UBOSS", email: "boss@example.com", name: "boss" },
];
const digestConfig: DigestConfig = {
  channels: ["C1"],
  dmMode: "all",
  timeZone: "UTC",
  weeklyOnMonday: false,
  monthlyOnFirst: false,
};

let slack: FakeSlackApi | undefined;
let api: FakeAdminApi | undefined;
let handle: TestStoreHandle | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await handle?.cleanup();
  await slack?.close();
  await api?.close();
  handle = undefined;
});

describe.each(TEST_DIALECTS)("digest and DM buttons (store on %s)", (dialect) => {
  async function fakes(slackOptions: FakeSlackApiOptions = {}) {
    slack = await startFakeSlackApi({
      users,
      botToken: FAKE_BOT_TOKEN,
      channels: [{ id: "C1", name: "claude-usage" }],
      ...slackOptions,
    });
    api = await startFakeAdminApi({ days });
    const database = testDatabase(dialect);
    handle = database;
    // Each caller its own connection to the same database, as separate processes would have.
    return { slack, api, open: () => database.open() };
  }

  /** The morning job, on its own store connection and loader, as the scheduler would run it. */
  async function morning(date: string, store: Store) {
    const client = createAdminClient({
      adminKey: FAKE_ADMIN_KEY,
      baseUrl: api?.url,
      maxAttempts: 1,
    });
    cleanups.push(() => client.close());
    return runDigest(
      { date },
      {
        loader: createUsageLoader({ source: client, cache: store.dayCache, now: () => now }),
        ledger: store.ledger,
        preferences: store.preferences,
        slack: new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack?.apiUrl }),
        lookupUser: async (email) => users.find((u) => u.email === email)?.id ?? null,
        logger: createLogger({ sink: { write: () => undefined } }),
        config: digestConfig,
        now: () => now,
      },
    );
  }

  /** A new app process: its own loader and memory cache, a new store connection; nothing else. */
  async function freshApp(env: Record<string, string> = {}) {
    const config = loadConfig({
      ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
      ANTHROPIC_BASE_URL: api?.url ?? "",
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack?.apiUrl ?? "",
      PORT: "0",
      API_MAX_ATTEMPTS: "1",
      ...env,
    });
    const logs: string[] = [];
    const logger = createLogger({
      level: "debug",
      secrets: [FAKE_ADMIN_KEY, FAKE_BOT_TOKEN, SIGNING_SECRET],
      sink: { write: (l) => logs.push(l) },
    });
    const client = createAdminClient({
      adminKey: FAKE_ADMIN_KEY,
      baseUrl: api?.url,
      maxAttempts: 1,
    });
    const store = await handle?.open();
    const app: SlackApp = createSlackApp({
      ...slackAppOptionsFromConfig(config),
      loader: createUsageLoader({ source: client, cache: createMemoryDayCache(), now: () => now }),
      logger,
      now: () => now,
      preferences: store?.preferences,
      stillFetchingAfterMs: 60_000,
    });
    const { port } = await app.start();
    cleanups.push(async () => {
      await app.stop();
      await client.close();
    });
    return { url: `http://127.0.0.1:${port}/slack/events`, logs };
  }

  type Posted = { args: Record<string, unknown> };
  const postsTo = (channel: string): Posted[] =>
    (slack?.callsTo("chat.postMessage") ?? []).filter((c) => c.args.channel === channel);

  function blocksOf(post: Posted | undefined): { type: string; elements?: unknown[] }[] {
    const raw = post?.args.blocks;
    return (typeof raw === "string" ? JSON.parse(raw) : raw) ?? [];
  }

  /** The value of a button the job posted, found by its action id. */
  function buttonValue(post: Posted | undefined, actionId: string): string {
    for (const block of blocksOf(post)) {
      for (const element of (block.elements ?? []) as { action_id?: string; value?: string }[]) {
        if (element.action_id === actionId && element.value) return element.value;
      }
    }
    throw new Error(`no ${actionId} button in the post`);
  }

  it("a digest's buttons answer the clicker privately on a fresh app, from their value alone", async () => {
    const { slack, open } = await fakes();
    await morning("2026-11-25", await open());
    const [digest] = postsTo("C1");
    expect(JSON.stringify(blocksOf(digest))).not.toContain("<@");

    const app = await freshApp();
    const message = { text: String(digest?.args.text), blocks: blocksOf(digest) };
    const where = {
      channel_id: "C1",
      channel_name: "claude-usage",
      message,
      block_id: "digest_actions",
    };
    const mine = await buttonClick(app.url, {
      ...where,
      user_id: "UADA",
      action_id: "digest_my_numbers",
      value: buttonValue(digest, "digest_my_numbers"),
      response_url: slack.responseUrl("mine"),
    });
    expect(mine.status).toBe(200);
    const [reply] = await slack.waitForResponses(1);
    expect(reply?.id).toBe("mine");
    expect(reply?.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(readBlocks(reply?.body.blocks)).toContain("your Claude Code cost an estimated *$18.40*");

    await buttonClick(app.url, {
      ...where,
      user_id: "UBOSS",
      action_id: "digest_last_7_days",
      value: buttonValue(digest, "digest_last_7_days"),
      response_url: slack.responseUrl("week"),
    });
    const [, week] = await slack.waitForResponses(2);
    expect(week?.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(readBlocks(week?.body.blocks)).toContain(
      "Claude Code · last 7 days · Wed 18 – Tue 24 Nov",
    );

    await buttonClick(app.url, {
      ...where,
      user_id: "UBOSS",
      action_id: "digest_charts",
      value: buttonValue(digest, "digest_charts"),
      response_url: slack.responseUrl("charts"),
    });
    const [, , charts] = await slack.waitForResponses(3);
    expect(String(charts?.body.text)).toContain(":bar_chart: Sent you the top spenders of");
    // Into the clicker's DM, as `chart` does; nothing into the digest's channel.
    expect(slack.shared.map((s) => s.channel)).toEqual(["DBOSS"]);
    // The digest itself was never touched.
    expect(slack.callsTo("chat.update")).toHaveLength(0);
    expect(slack.responses.every((r) => r.body.replace_original === false)).toBe(true);
  });

  it("someone without org access who clicks Last 7 days is told so, with their own week", async () => {
    const { slack, open } = await fakes();
    await morning("2026-11-25", await open());
    const [digest] = postsTo("C1");
    const app = await freshApp({ ALLOWED_USERS: "UBOSS" });
    await buttonClick(app.url, {
      channel_id: "C1",
      message: { blocks: blocksOf(digest) },
      user_id: "UADA",
      action_id: "digest_last_7_days",
      value: buttonValue(digest, "digest_last_7_days"),
      response_url: slack.responseUrl(),
    });
    const [reply] = await slack.waitForResponses(1);
    expect(reply?.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    const said = readBlocks(reply?.body.blocks);
    expect(said).toContain("The org's numbers are limited to a few people here");
    expect(said).toContain("In the last 7 days (Wed 18 – Tue 24 Nov) your Claude Code cost");
    expect(said).not.toContain("Bob");
  });

  it("a response_url Slack says has expired (404) is logged; the app goes on answering", async () => {
    const { slack, open } = await fakes();
    await morning("2026-11-25", await open());
    const [digest] = postsTo("C1");
    const app = await freshApp();
    const value = buttonValue(digest, "digest_my_numbers");
    const click = await buttonClick(app.url, {
      channel_id: "C1",
      message: { blocks: blocksOf(digest) },
      user_id: "UADA",
      action_id: "digest_my_numbers",
      value,
      response_url: slack.expiredResponseUrl(),
    });
    expect(click.status).toBe(200);
    for (let i = 0; i < 200 && !app.logs.some((l) => l.includes("response_url")); i++)
      await new Promise((r) => setTimeout(r, 10));
    const warning = app.logs.map((l) => JSON.parse(l)).find((l) => l.msg?.includes("response_url"));
    expect(warning).toMatchObject({ level: "warn", status: 404, action: "digest_my_numbers" });
    expect(slack.expiredPosts).toBeGreaterThanOrEqual(1);
    // Still up: the next click is answered.
    await buttonClick(app.url, {
      channel_id: "C1",
      message: { blocks: blocksOf(digest) },
      user_id: "UADA",
      action_id: "digest_my_numbers",
      value,
      response_url: slack.responseUrl(),
    });
    const [reply] = await slack.waitForResponses(1);
    expect(reply?.body.response_type).toBe("ephemeral");
  });

  it("Charts when Slack refuses the upload (files:write not granted): plain words and a ref", async () => {
    const { slack, open } = await fakes({
      fault: (call) =>
        call.method === "files.getUploadURLExternal" ? { error: "missing_scope" } : undefined,
    });
    await morning("2026-11-25", await open());
    const [digest] = postsTo("C1");
    const app = await freshApp();
    await buttonClick(app.url, {
      channel_id: "C1",
      message: { blocks: blocksOf(digest) },
      user_id: "UBOSS",
      action_id: "digest_charts",
      value: buttonValue(digest, "digest_charts"),
      response_url: slack.responseUrl(),
    });
    const [reply] = await slack.waitForResponses(1);
    expect(reply?.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(String(reply?.body.text)).toContain("Slack wouldn't let me do that");
    expect(String(reply?.body.text)).toMatch(/ref/);
    expect(slack.shared).toHaveLength(0);
  });

  it("“Stop these DMs” in a DM's menu is kept in the store; the next morning skips that person", async () => {
    const { slack, open } = await fakes();
    const first = await morning("2026-11-24", await open());
    expect(first.optedOut).toBe(0);
    const [dm] = postsTo("UADA");
    expect(postsTo("UBOB")).toHaveLength(1);

    const app = await freshApp();
    const picked = await overflowPick(app.url, {
      channel_id: "DADA",
      message: { text: String(dm?.args.text), blocks: blocksOf(dm) },
      block_id: "dm_actions",
      user_id: "UADA",
      action_id: "dm_more",
      option: { value: "stop_dms", text: "Stop these DMs" },
      response_url: slack.responseUrl("the-dm"),
    });
    expect(picked.status).toBe(200);
    const [replaced] = await slack.waitForResponses(1);
    expect(replaced?.id).toBe("the-dm");
    expect(replaced?.body.replace_original).toBe(true);
    const blocks = replaced?.body.blocks as { type: string }[];
    expect(blocks.map((b) => b.type)).not.toContain("actions");
    expect(readBlocks(blocks)).toContain(
      "You won't get these DMs any more. `/claude-usage dm on` to start again.",
    );
    // The DM's own numbers stay as they were.
    expect(readBlocks(blocks)).toContain("Good morning!");

    // In the database, read by another connection: the next morning's job.
    const next = await open();
    expect(await next.preferences.getDmPreference("UADA")).toBe("off");
    const second = await morning("2026-11-25", next);
    expect(second.optedOut).toBe(1);
    expect(postsTo("UADA")).toHaveLength(1);
    expect(postsTo("UBOB")).toHaveLength(2);
  });

  it("a DM's “My last 7 days” gives the person their own week", async () => {
    const { slack, open } = await fakes();
    await morning("2026-11-25", await open());
    const [dm] = postsTo("UBOB");
    const app = await freshApp();
    await buttonClick(app.url, {
      channel_id: "DBOB",
      message: { blocks: blocksOf(dm) },
      block_id: "dm_actions",
      user_id: "UBOB",
      action_id: "dm_last_7_days",
      value: buttonValue(dm, "dm_last_7_days"),
      response_url: slack.responseUrl(),
    });
    const [reply] = await slack.waitForResponses(1);
    expect(reply?.body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(readBlocks(reply?.body.blocks)).toContain(
      "In the last 7 days (Wed 18 – Tue 24 Nov) your Claude Code cost an estimated *$35.00*",
    );
  });
});

import { WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import {
  apiErrorBody,
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
import { slackAppOptionsFromConfig } from "../../src/app/options.js";
import { createSyntheticOrg, mulberry32 } from "../../src/demo/synthetic-org.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { reportToJson } from "../../src/render/json.js";
import { runDigest } from "../../src/schedule/digest-job.js";
import { createSlackApp } from "../../src/slack/app.js";
import { parsePeriod } from "../../src/usage/periods.js";
import { type TestStoreHandle, testDatabase } from "../support/stores.js";

/* Faults injected end to end: the results must be exactly those of a clean run. */

const now = new Date("2026-11-25T09:00:00Z");
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function api(options: Parameters<typeof startFakeAdminApi>[0]): Promise<FakeAdminApi> {
  const server = await startFakeAdminApi(options);
  cleanups.push(() => server.close());
  return server;
}

async function slackApi(options: Parameters<typeof startFakeSlackApi>[0]): Promise<FakeSlackApi> {
  const server = await startFakeSlackApi(options);
  cleanups.push(() => server.close());
  return server;
}

describe("Admin API faults", () => {
  it("429s (with retry-after), 500s and 529s every few calls: the report equals a clean run's, to the cent", async () => {
    const org = createSyntheticOrg({ users: 300, seed: 5 });
    const period = parsePeriod("last 14 days", { now, timeZone: "UTC" });
    const report = async (server: FakeAdminApi) => {
      const client = createAdminClient({
        adminKey: FAKE_ADMIN_KEY,
        baseUrl: server.url,
        pageSize: 50,
        backoffBaseMs: 2,
        backoffMaxMs: 10,
      });
      cleanups.push(() => client.close());
      return reportToJson(
        await createUsageLoader({ source: client, now: () => now }).loadReport(period),
      );
    };
    const clean = await report(await api({ org }));
    // Per page: the first try of every 2nd page is a 429, of every 3rd a 500; every 5th page also
    // fails its second try with a 529. At most two failures in a row: always recoverable.
    const attempts = new Map<string, number>();
    let page = 0;
    const pageNumbers = new Map<string, number>();
    const faulty = await api({
      org,
      fault: (r) => {
        const key = `${r.query.starting_at}:${r.query.page ?? ""}`;
        const attempt = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, attempt);
        if (!pageNumbers.has(key)) pageNumbers.set(key, ++page);
        const n = pageNumbers.get(key) ?? 0;
        if (attempt === 1 && n % 2 === 0) {
          return {
            status: 429,
            headers: { "retry-after": "0" },
            body: apiErrorBody("rate_limit_error", "slow down"),
          };
        }
        if (attempt === 1 && n % 3 === 0)
          return { status: 500, body: apiErrorBody("api_error", "oops") };
        if (attempt === 2 && n % 5 === 0)
          return { status: 529, body: apiErrorBody("overloaded_error", "Overloaded") };
        return undefined;
      },
    });
    const withFaults = await report(faulty);
    expect(faulty.requestCount).toBeGreaterThan(100);
    expect({ ...withFaults, generated_at: "" }).toEqual({ ...clean, generated_at: "" });
    expect(withFaults.totals.cost_cents).toBe(clean.totals.cost_cents);
  });
});

describe("Slack faults", () => {
  let stores: TestStoreHandle | undefined;
  afterEach(async () => {
    await stores?.cleanup();
    stores = undefined;
  });

  it("Slack 429s during a DM fan-out to 300 people: every DM delivered exactly once", async () => {
    const people = Array.from({ length: 300 }, (_, i) => ({
      id: `U${1000 + i}`,
      email: `person${i}@example.com`,
    }));
    const server = await api({
      days: {
        "2026-11-24": people.map((p, i) =>
          apiRecord({
            email: p.email,
            sessions: 1 + (i % 5),
            models: [["claude-sonnet-4-5-20250929", 10 + i]],
          }),
        ),
      },
    });
    // Every third person's DM is refused twice with a 429 before it goes through. (Refusing
    // every 7th call instead could, depending on timing, refuse one message on every retry.)
    const attempts = new Map<string, number>();
    const slack = await slackApi({
      users: people,
      botToken: FAKE_BOT_TOKEN,
      fault: (call) => {
        if (call.method !== "chat.postMessage") return undefined;
        const channel = String(call.args.channel);
        const attempt = (attempts.get(channel) ?? 0) + 1;
        attempts.set(channel, attempt);
        return Number(channel.slice(1)) % 3 === 0 && attempt <= 2
          ? { status: 429, retryAfter: 0 }
          : undefined;
      },
    });
    stores = testDatabase("sqlite");
    const store = await stores.open();
    const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: server.url });
    cleanups.push(() => client.close());
    const summary = await runDigest(
      { date: "2026-11-25" },
      {
        loader: createUsageLoader({ source: client, cache: store.dayCache, now: () => now }),
        ledger: store.ledger,
        preferences: store.preferences,
        slack: new WebClient(FAKE_BOT_TOKEN, {
          slackApiUrl: slack.apiUrl,
          retryConfig: { retries: 5, factor: 1, minTimeout: 1, maxTimeout: 5 },
        }),
        lookupUser: async (email) => people.find((p) => p.email === email)?.id ?? null,
        logger: createLogger({ sink: { write: () => undefined } }),
        config: {
          channels: [],
          dmMode: "all",
          timeZone: "UTC",
          weeklyOnMonday: true,
          monthlyOnFirst: true,
          dmConcurrency: 8,
        },
        now: () => now,
      },
    );
    expect(slack.callsTo("chat.postMessage")).toHaveLength(300 + 2 * 100); // 100 people × two 429s
    expect(summary).toMatchObject({ posted: 300, failed: 0 });
    const perPerson = new Map<string, number>();
    for (const m of slack.messages) perPerson.set(m.channel, (perPerson.get(m.channel) ?? 0) + 1);
    expect(perPerson.size).toBe(300);
    expect([...perPerson.values()].every((n) => n === 1)).toBe(true);
  });
});

describe("slash command fuzz", () => {
  it("hundreds of random texts — unicode, control characters, huge — always get a polite reply, never a crash", async () => {
    const server = await api({
      days: { "2026-11-24": [apiRecord({ email: "ada@example.com", models: [["m", 1]] })] },
    });
    const slack = await slackApi({
      users: [{ id: "U1", email: "ada@example.com" }],
      botToken: FAKE_BOT_TOKEN,
    });
    const config = loadConfig({
      ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
      ANTHROPIC_BASE_URL: server.url,
      SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      PORT: "0",
    });
    const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: server.url });
    const logs: string[] = [];
    const app = createSlackApp({
      ...slackAppOptionsFromConfig(config),
      loader: createUsageLoader({ source: client, now: () => now }),
      logger: createLogger({ sink: { write: (l) => logs.push(l) } }),
      now: () => now,
      // One reply per command, however loaded the machine: no "still fetching" notes.
      stillFetchingAfterMs: 120_000,
    });
    const { port } = await app.start();
    cleanups.push(
      () => client.close(),
      () => app.stop(),
    );
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    cleanups.push(async () => void process.off("unhandledRejection", onUnhandled));

    const rand = mulberry32(42);
    const pieces = [
      "last",
      "7",
      "days",
      "me",
      "top",
      "models",
      "dm",
      "on",
      "😀",
      "\u0000",
      "\u202e",
      "ｔｏｐ",
      "2026-02-30",
      "..",
      "<@U1>",
      "`",
      "*",
      "&",
      "\n",
      "help",
      "x".repeat(5000),
    ];
    const texts = Array.from({ length: 200 }, () =>
      Array.from(
        { length: Math.floor(rand() * 6) },
        () => pieces[Math.floor(rand() * pieces.length)],
      ).join(rand() < 0.5 ? " " : ""),
    );
    const url = `http://127.0.0.1:${port}/slack/events`;
    for (let i = 0; i < texts.length; i += 20) {
      const batch = texts.slice(i, i + 20);
      const acks = await Promise.all(
        batch.map((text) =>
          slashCommand(url, { text, user_id: "U1", response_url: slack.responseUrl() }),
        ),
      );
      expect(acks.every((a) => a.status === 200)).toBe(true);
    }
    const replies = await slack.waitForResponses(texts.length, 30_000);
    expect(replies).toHaveLength(texts.length);
    for (const reply of replies) {
      expect(reply.body.response_type).toBe("ephemeral");
      expect(String(reply.body.text).length).toBeGreaterThan(0);
      expect(JSON.stringify(reply.body)).not.toMatch(/at \S+\.ts:\d+|Error:/);
    }
    expect(unhandled).toEqual([]);
    expect(logs.join("")).not.toContain('"level":"error"');
  });
});

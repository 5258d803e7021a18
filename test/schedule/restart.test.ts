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
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import { apiRecord } from "../../fakes/records.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { DEFAULT_MAX_ATTEMPTS } from "../../src/schedule/deliver.js";
import { DELIVERY_EVENT_TYPE, runDigest } from "../../src/schedule/digest-job.js";
import { resumable, type Scheduler, startScheduler } from "../../src/schedule/scheduler.js";
import { createDeliveryClient } from "../../src/slack/delivery-client.js";
import type { Store } from "../../src/store/store.js";
import { morningScheduler } from "../support/scheduler.js";
import { TEST_DIALECTS, type TestStoreHandle, testDatabase } from "../support/stores.js";

/*
 * Retries of a failed run wait in timers, which die with the process. These tests stop a scheduler
 * with a run left unfinished, then start a new one on the same database (a restart), wired as
 * `npm start` wires it, against the fake Slack API.
 */

const OPUS = "claude-opus-4-1-20250805";
const days = Object.fromEntries(
  ["2026-11-19", "2026-11-23"].map((day) => [
    day,
    [apiRecord({ day, email: "ada@example.com", sessions: 3, models: [[OPUS, 250]] })],
  ]),
);
const LEASE_MS = 3_000;
/** The daily digest of the run of 2026-11-24 (about the 23rd). */
const digestKey = { kind: "digest-daily", target: "C1", period: "2026-11-23..2026-11-23" };

let handle: TestStoreHandle | undefined;
let slack: FakeSlackApi | undefined;
let api: FakeAdminApi | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await handle?.cleanup();
  await slack?.close();
  await api?.close();
  handle = undefined;
});

describe.each(TEST_DIALECTS)("scheduler after a restart (store on %s)", (dialect) => {
  let slackDown = false;
  const logs: string[] = [];

  async function setup() {
    slackDown = false;
    logs.length = 0;
    handle = testDatabase(dialect);
    api = await startFakeAdminApi({ days });
    slack = await startFakeSlackApi({
      users: [{ id: "UADA", email: "ada@example.com" }],
      botToken: FAKE_BOT_TOKEN,
      channels: [{ id: "C1" }],
      // Slack refuses channel posts while "down"; the DM still goes out, so a run is half done.
      fault: (call) =>
        slackDown && call.method === "chat.postMessage" && call.args.channel === "C1"
          ? { error: "fatal_error" }
          : undefined,
    });
  }

  /** A process: a store on the shared database and a scheduler that believes it is `at`. */
  async function start(
    at: string,
    runs: string[],
  ): Promise<{ store: Store; scheduler: Scheduler }> {
    if (!handle) throw new Error("no database");
    const store = await handle.open();
    const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: api?.url });
    cleanups.push(() => client.close());
    // The production delivery client, with a short lease: one try per call, bounded by it.
    const web = createDeliveryClient(FAKE_BOT_TOKEN, {
      leaseMs: LEASE_MS,
      slackApiUrl: slack?.apiUrl,
    });
    const logger = createLogger({ sink: { write: (line) => logs.push(line) } });
    const loader = createUsageLoader({
      source: client,
      cache: store.dayCache,
      now: () => new Date(at),
    });
    const scheduler = startScheduler({
      cron: "0 9 * * 1-5",
      timeZone: "UTC",
      catchUp: true,
      logger,
      now: () => new Date(at),
      retryDelayMs: 60 * 60_000, // the in-process retry never comes: the process "restarts" first
      unfinished: (since) => store.ledger.unfinished({ since, maxAttempts: DEFAULT_MAX_ATTEMPTS }),
      run: async (date) => {
        runs.push(date);
        const summary = await runDigest(
          { date },
          {
            loader,
            ledger: store.ledger,
            slack: web,
            lookupUser: async (email) => (email === "ada@example.com" ? "UADA" : null),
            logger,
            config: {
              channels: ["C1"],
              dmMode: "all",
              timeZone: "UTC",
              weeklyOnMonday: true,
              monthlyOnFirst: true,
              leaseMs: LEASE_MS,
            },
            now: () => new Date(at),
          },
        );
        return { failed: summary.failed, busy: summary.busy };
      },
    });
    cleanups.push(() => scheduler.stop());
    return { store, scheduler };
  }

  const channelPosts = (channel: string) =>
    (slack?.messages ?? []).filter((m) => m.channel === channel && !m.threadTs);

  it("a digest that failed yesterday is posted after a restart, exactly once", async () => {
    await setup();
    slackDown = true;
    const before: string[] = [];
    // Tuesday 10:30: today's digest time has passed, so the run is a catch-up; Slack is down.
    const first = await start("2026-11-24T10:30:00Z", before);
    await first.scheduler.caughtUp;
    await first.scheduler.stop(); // the process stops; its retry timer with it
    expect(before).toEqual(["2026-11-24"]);
    expect(await first.store.ledger.get(digestKey)).toMatchObject({
      status: "failed",
      run_date: "2026-11-24",
    });
    expect(channelPosts("C1")).toHaveLength(0);
    expect(channelPosts("DADA")).toHaveLength(1);

    // Wednesday 07:00, Slack is back: before today's digest time, so no catch-up; yesterday's
    // unfinished run is finished.
    slackDown = false;
    const after: string[] = [];
    const second = await start("2026-11-25T07:00:00Z", after);
    await second.scheduler.caughtUp;
    expect(after).toEqual(["2026-11-24"]);
    expect(channelPosts("C1")).toHaveLength(1);
    expect(String(channelPosts("C1")[0]?.text)).toContain("Claude Code on Mon 23 Nov");
    expect(channelPosts("DADA")).toHaveLength(1); // delivered before: not posted again
    expect(await second.store.ledger.get(digestKey)).toMatchObject({ status: "delivered" });
    expect(logs.join("\n")).toContain("deliveries left unfinished before this start");
    await second.scheduler.stop();

    // Another restart: nothing is left unfinished, nothing runs.
    const third: string[] = [];
    await (await start("2026-11-25T07:05:00Z", third)).scheduler.caughtUp;
    expect(third).toEqual([]);
    expect(channelPosts("C1")).toHaveLength(1);
  });

  it("a claim left by a process that died after posting is found in Slack, not posted again", async () => {
    await setup();
    const { store } = await start("2026-11-24T07:00:00Z", []); // before 09:00: nothing runs
    await store.ledger.claim(digestKey, {
      owner: "died",
      leaseMs: 1,
      maxAttempts: DEFAULT_MAX_ATTEMPTS,
      now: Date.now() - 10_000,
      runDate: "2026-11-24",
    });
    const web = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack?.apiUrl });
    await web.chat.postMessage({
      channel: "C1",
      text: "posted before dying",
      metadata: {
        event_type: DELIVERY_EVENT_TYPE,
        event_payload: { key: "digest-daily:C1:2026-11-23..2026-11-23" },
      },
    });

    const runs: string[] = [];
    const restarted = await start("2026-11-25T07:00:00Z", runs);
    await restarted.scheduler.caughtUp;
    expect(runs).toEqual(["2026-11-24"]);
    expect(channelPosts("C1").map((m) => m.text)).toEqual(["posted before dying"]);
    expect(await restarted.store.ledger.get(digestKey)).toMatchObject({ status: "delivered" });
  });

  it("a failure older than a few days is not retried after a restart, but reported", async () => {
    await setup();
    slackDown = true;
    // Friday the 20th, 10:30: the catch-up fails to post the digest of the 19th.
    const first = await start("2026-11-20T10:30:00Z", []);
    await first.scheduler.caughtUp;
    await first.scheduler.stop();
    slackDown = false;

    // Wednesday the 25th: the 20th is more than three days back.
    const runs: string[] = [];
    const restarted = await start("2026-11-25T07:00:00Z", runs);
    await restarted.scheduler.caughtUp;
    expect(runs).toEqual([]);
    expect(channelPosts("C1")).toHaveLength(0);
    const warning = logs.find((line) => line.includes("too long ago to post now"));
    expect(warning).toContain("2026-11-20");
  });
});

describe("resumable", () => {
  const dates = [
    "2026-11-20",
    "2026-11-21",
    "2026-11-22",
    "2026-11-24",
    "2026-11-25",
    "2026-11-26",
  ];

  it("finishes the last three days, today's too unless the catch-up runs it; older are stale", () => {
    const options = { today: "2026-11-24", resumeDays: 3 };
    expect(resumable(dates, { ...options, catchingUp: true })).toEqual({
      due: ["2026-11-21", "2026-11-22"],
      stale: ["2026-11-20"],
    });
    expect(resumable(dates, { ...options, catchingUp: false }).due).toEqual([
      "2026-11-21",
      "2026-11-22",
      "2026-11-24",
    ]);
  });
});

describe("startScheduler at start-up", () => {
  it("a failing look-up for unfinished runs does not keep today's catch-up from running", async () => {
    const runs: string[] = [];
    const scheduler = morningScheduler({
      unfinished: async () => {
        throw new Error("database gone");
      },
      run: async (date) => {
        runs.push(date);
        return undefined;
      },
    });
    await scheduler.caughtUp;
    expect(runs).toEqual(["2026-11-25"]);
    await scheduler.stop();
  });

  it("runs unfinished dates oldest first, then the catch-up, one at a time", async () => {
    const events: string[] = [];
    const scheduler = morningScheduler({
      unfinished: async () => ["2026-11-23", "2026-11-24", "2026-11-25"],
      run: async (date) => {
        events.push(`start ${date}`);
        await new Promise((r) => setTimeout(r, 10));
        events.push(`end ${date}`);
        return undefined;
      },
    });
    await scheduler.caughtUp;
    expect(events).toEqual([
      "start 2026-11-23",
      "end 2026-11-23",
      "start 2026-11-24",
      "end 2026-11-24",
      "start 2026-11-25", // once: the catch-up's
      "end 2026-11-25",
    ]);
    await scheduler.stop();
  });
});

import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  type SlackCall,
  type SlackFault,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import { apiRecord } from "../../fakes/records.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { loadConfig } from "../../src/app/config.js";
import { jobSlack, startSchedules } from "../../src/app/jobs.js";
import { seedSubscriptions } from "../../src/app/subscriptions.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import type { Store } from "../../src/store/store.js";
import { TEST_DIALECTS, type TestStoreHandle, testDatabase } from "../support/stores.js";

/*
 * The minute tick as `npm start` wires it (app/jobs.ts startSchedules), on a clock the tests set,
 * against the fake Slack and Admin APIs and a real store: the digest at its subscription's local
 * time, each DM at its person's, two replicas on one store posting each once, a restart posting
 * nothing again, a rate-limited DM retried on a later tick.
 */

const OPUS = "claude-opus-4-1-20250805";
const PEOPLE = ["ada@example.com", "bob@example.com", "carol@example.com"];
const days = Object.fromEntries(
  ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"].map((day) => [
    day,
    PEOPLE.map((email) => apiRecord({ day, email, sessions: 2, models: [[OPUS, 300]] })),
  ]),
);
const users = [
  { id: "UADA", email: "ada@example.com", name: "Ada", tz: "Asia/Tokyo" },
  { id: "UBOB", email: "bob@example.com", name: "Bob", tz: "America/New_York" },
  // carol@example.com is not in Slack.
];

let handle: TestStoreHandle | undefined;
let slack: FakeSlackApi | undefined;
let api: FakeAdminApi | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await handle?.cleanup();
  await slack?.close();
  await api?.close();
  handle = undefined;
});

describe.each(TEST_DIALECTS)("the delivery tick (store on %s)", (dialect) => {
  let clock = new Date(0);
  let fault: ((call: SlackCall) => SlackFault | undefined) | undefined;
  const config = () =>
    loadConfig({
      DIGEST_CHANNELS: "C1",
      DIGEST_TIMEZONE: "Europe/Berlin",
      DIGEST_CRON: "0 9 * * 1-5",
      DM_SUMMARIES: "all",
      DM_LOCAL_TIME: "09:00",
      DELIVERY_LEASE_SECONDS: "4",
      SLACK_API_URL: `${slack?.apiUrl}`,
    });

  async function setup() {
    fault = undefined;
    handle = testDatabase(dialect);
    api = await startFakeAdminApi({ days });
    slack = await startFakeSlackApi({
      users,
      botToken: FAKE_BOT_TOKEN,
      channels: [{ id: "C1" }, { id: "C2" }],
      fault: (call) => fault?.(call),
    });
  }

  /** A process: a store on the shared database, its schedules, ticking when told. */
  async function replica(): Promise<{ store: Store; tick: () => Promise<void> }> {
    if (!handle) throw new Error("no database");
    const store = await handle.open();
    const logger = createLogger({ sink: { write: () => undefined } });
    await seedSubscriptions(store.subscriptions, config(), logger);
    const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: api?.url });
    const loader = createUsageLoader({ source: client, cache: store.dayCache, now: () => clock });
    const schedules = startSchedules({
      config: config(),
      store,
      loader,
      logger,
      now: () => clock,
      manual: true,
      ...jobSlack(config(), FAKE_BOT_TOKEN, { store }),
    });
    cleanups.push(async () => {
      await schedules.stop();
      await client.close();
    });
    await schedules.ticker.caughtUp;
    return { store, tick: () => schedules.ticker.tick() };
  }

  const posts = (channel: string) =>
    (slack?.messages ?? []).filter((m) => m.channel === channel && !m.threadTs);
  const counts = () => ({
    C1: posts("C1").length,
    ada: posts("DADA").length,
    bob: posts("DBOB").length,
  });

  it("two replicas tick together: each digest and DM goes out once, at its own local time", async () => {
    await setup();
    // Tuesday 24 November 2026, 07:00 UTC: 16:00 in Tokyo, 08:00 in Berlin, 02:00 in New York.
    clock = new Date("2026-11-24T07:00:00Z");
    const [one, two] = [await replica(), await replica()];
    expect(counts()).toEqual({ C1: 0, ada: 1, bob: 0 }); // the start-up tick: Ada's morning is past
    await one.store.preferences.setDmTime("UBOB", "07:30");

    clock = new Date("2026-11-24T08:00:00Z"); // 09:00 in Berlin: the channel's digest
    await Promise.all([one.tick(), two.tick()]);
    expect(counts()).toEqual({ C1: 1, ada: 1, bob: 0 });
    expect(String(posts("C1")[0]?.text)).toContain("on Mon 23 Nov");

    clock = new Date("2026-11-24T12:29:00Z"); // 07:29 in New York: Bob picked 07:30
    await Promise.all([one.tick(), two.tick()]);
    expect(counts()).toEqual({ C1: 1, ada: 1, bob: 0 });
    clock = new Date("2026-11-24T12:30:00Z");
    await Promise.all([one.tick(), two.tick()]);
    expect(counts()).toEqual({ C1: 1, ada: 1, bob: 1 });

    // Carol is not in Slack: no DM, and Slack was asked about her once, not every minute.
    const askedAboutCarol = () =>
      (slack?.callsTo("users.lookupByEmail") ?? []).filter(
        (c) => c.args.email === "carol@example.com",
      ).length;
    expect(askedAboutCarol()).toBeLessThanOrEqual(2); // once per replica at most
    const asked = askedAboutCarol();
    clock = new Date("2026-11-24T12:31:00Z");
    await Promise.all([one.tick(), two.tick()]);
    expect(askedAboutCarol()).toBe(asked);

    // A restart: a new process on the same store posts nothing again.
    clock = new Date("2026-11-24T15:00:00Z");
    const restarted = await replica();
    await restarted.tick();
    expect(counts()).toEqual({ C1: 1, ada: 1, bob: 1 });
    expect(
      await restarted.store.ledger.get({
        kind: "dm",
        target: "bob@example.com",
        period: "2026-11-23",
      }),
    ).toMatchObject({ status: "delivered" });
  });

  it("Monday's DM and daily digest cover Friday to Sunday; the weekly one replaces the daily", async () => {
    await setup();
    clock = new Date("2026-11-23T09:00:00Z"); // Monday: 10:00 Berlin, 18:00 Tokyo
    await replica();
    // Seeded from DIGEST_CHANNELS: daily, weekly (Mondays), monthly. Only the week goes out.
    expect(posts("C1").map((m) => String(m.text))).toEqual([expect.stringContaining("last week")]);
    expect(String(posts("DADA")[0]?.text)).toMatch(/^Over Fri 20 – Sun 22 Nov: \$9\.00/);
    const dm = await handle
      ?.open()
      .then((s) =>
        s.ledger.get({ kind: "dm", target: "ada@example.com", period: "2026-11-20..2026-11-22" }),
      );
    expect(dm).toMatchObject({ status: "delivered" });
  });

  it("a process that was down catches up later the same day; a rate-limited DM is retried on a later tick", async () => {
    await setup();
    // Slack rate-limits Ada's DM (Retry-After far beyond what a delivery may wait).
    let limited = true;
    fault = (call) =>
      limited && call.method === "chat.postMessage" && call.args.channel === "UADA"
        ? { status: 429, retryAfter: 60 }
        : undefined;
    // Tuesday 10:00 UTC: 09:00 in Berlin and in Tokyo passed while the process was down.
    clock = new Date("2026-11-24T10:00:00Z");
    const { store, tick } = await replica();
    expect(counts()).toEqual({ C1: 1, ada: 0, bob: 0 });
    const adaKey = { kind: "dm", target: "ada@example.com", period: "2026-11-23" };
    expect(await store.ledger.get(adaKey)).toMatchObject({ status: "failed", attempts: 1 });

    limited = false;
    clock = new Date("2026-11-24T10:05:00Z"); // within the retry delay: left alone
    await tick();
    expect(counts()).toEqual({ C1: 1, ada: 0, bob: 0 });
    clock = new Date("2026-11-24T10:11:00Z"); // after it (ten minutes): tried again, once
    await tick();
    expect(counts()).toEqual({ C1: 1, ada: 1, bob: 0 });
    expect(await store.ledger.get(adaKey)).toMatchObject({ status: "delivered", attempts: 2 });
    clock = new Date("2026-11-24T10:12:00Z");
    await tick();
    expect(counts()).toEqual({ C1: 1, ada: 1, bob: 0 });
  });

  it("what a run left unfinished yesterday is finished at the next start, and nothing else of it", async () => {
    await setup();
    let down = true;
    fault = (call) =>
      down && call.method === "chat.postMessage" && call.args.channel === "C1"
        ? { error: "fatal_error" }
        : undefined;
    clock = new Date("2026-11-24T10:00:00Z");
    const first = await replica();
    expect(counts()).toEqual({ C1: 0, ada: 1, bob: 0 });
    const digest = { kind: "digest-daily", target: "C1", period: "2026-11-23..2026-11-23" };
    expect(await first.store.ledger.get(digest)).toMatchObject({ status: "failed" });

    // Wednesday 06:00 UTC (07:00 in Berlin): Tuesday's digest is finished at start-up.
    down = false;
    clock = new Date("2026-11-25T06:00:00Z");
    const second = await replica();
    expect(posts("C1").map((m) => String(m.text))).toEqual([
      expect.stringContaining("on Mon 23 Nov"),
    ]);
    expect(await second.store.ledger.get(digest)).toMatchObject({ status: "delivered" });
    // Bob's Tuesday DM was never due before the process stopped: not sent in his night. (Ada's
    // second is Wednesday's: 15:00 in Tokyo.)
    expect(counts()).toEqual({ C1: 1, ada: 2, bob: 0 });
  });

  it("subscriptions changed in Slack are honoured on the next tick, each at its own time; a bad zone holds up no other", async () => {
    await setup();
    clock = new Date("2026-11-24T05:00:00Z"); // Tuesday: 06:00 Berlin, 14:00 Tokyo
    const { store, tick } = await replica();
    await store.subscriptions.remove({ channel: "C1" });
    await store.subscriptions.add({
      channel: "C2",
      cadence: "daily",
      time: "17:30",
      timeZone: "Asia/Tokyo",
      createdBy: "UADMIN",
    });
    // One in a zone nobody knows holds up no other.
    await store.subscriptions.add({
      channel: "C3",
      cadence: "daily",
      time: "09:00",
      timeZone: "Mars/Olympus_Mons",
      createdBy: "UADMIN",
    });
    await tick();
    expect(posts("C2")).toHaveLength(0);
    clock = new Date("2026-11-24T08:30:00Z"); // 17:30 in Tokyo; 09:30 in Berlin
    await tick();
    expect(posts("C2").map((m) => String(m.text))).toEqual([
      expect.stringContaining("on Mon 23 Nov"),
    ]);
    expect(posts("C1")).toHaveLength(0); // unsubscribed: nothing at 09:00 Berlin
    expect(posts("C3")).toHaveLength(0);
  });

  it("a person Slack cannot look up now is asked again after the retry delay, not every minute", async () => {
    await setup();
    let failing = true;
    fault = (call) =>
      failing && call.method === "users.lookupByEmail" && call.args.email === "bob@example.com"
        ? { error: "fatal_error" }
        : undefined;
    const askedAboutBob = () =>
      (slack?.callsTo("users.lookupByEmail") ?? []).filter(
        (c) => c.args.email === "bob@example.com",
      ).length;
    clock = new Date("2026-11-24T14:00:00Z"); // 09:00 in New York
    const { tick } = await replica();
    expect(counts()).toMatchObject({ bob: 0 });
    const asked = askedAboutBob();
    expect(asked).toBeGreaterThan(0);
    clock = new Date("2026-11-24T14:01:00Z");
    await tick();
    expect(askedAboutBob()).toBe(asked);
    failing = false;
    clock = new Date("2026-11-24T14:10:00Z");
    await tick();
    expect(counts()).toMatchObject({ bob: 1 });
  });
});

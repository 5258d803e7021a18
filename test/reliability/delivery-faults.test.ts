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
import { digestDeps, jobSlack } from "../../src/app/jobs.js";
import {
  EXIT_DELIVERIES_BUSY,
  EXIT_DELIVERIES_FAILED,
  EXIT_DELIVERIES_GAVE_UP,
  EXIT_OK,
} from "../../src/cli/run.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { createDeliverer, emptyCounts } from "../../src/schedule/deliver.js";
import { runDigest } from "../../src/schedule/digest-job.js";
import { createDeliveryClient, deliveryPolicy } from "../../src/slack/delivery-client.js";
import type { Store } from "../../src/store/store.js";
import { runCliCaptured } from "../support/cli.js";
import { type TestStoreHandle, testDatabase } from "../support/stores.js";

/*
 * The morning job against a Slack that loses answers, hangs, refuses and rate-limits, through the
 * production wiring (jobSlack: the delivery client and its policy, derived from the lease). Each
 * message must be posted once, and what could not be is recorded for a later run, never dropped.
 */

const OPUS = "claude-opus-4-1-20250805";
const DAY = "2026-11-24";
const NOW = new Date("2026-11-25T09:00:00Z");
const people = [
  { id: "UADA", email: "ada@example.com" },
  { id: "UBOB", email: "bob@example.com" },
  { id: "UCY", email: "cy@example.com" },
];
const days = {
  [DAY]: people.map((p) =>
    apiRecord({ day: DAY, email: p.email, sessions: 2, models: [[OPUS, 300]] }),
  ),
};

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

interface Morning {
  store: Store;
  run(): ReturnType<typeof runDigest>;
  logs: string[];
}

/** Fakes, a SQLite store and the digest wired as `npm start` wires it. */
async function morning(
  fault: (call: SlackCall) => SlackFault | undefined,
  options: {
    leaseSeconds?: number;
    channels?: string;
    /** Another morning (YYYY-MM-DD, at 09:00 UTC) and its data. */
    date?: string;
    days?: Record<string, (typeof days)[typeof DAY]>;
  } = {},
): Promise<Morning> {
  handle = testDatabase("sqlite");
  const store = await handle.open();
  api = await startFakeAdminApi({ days: options.days ?? days });
  slack = await startFakeSlackApi({
    users: people,
    channels: [{ id: "C1" }, { id: "C2" }],
    botToken: FAKE_BOT_TOKEN,
    fault,
  });
  const config = loadConfig({
    ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
    ANTHROPIC_BASE_URL: api.url,
    SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    DIGEST_CHANNELS: options.channels ?? "C1,C2",
    DM_SUMMARIES: "all",
    DIGEST_TIMEZONE: "UTC",
    DELIVERY_LEASE_SECONDS: String(options.leaseSeconds ?? 3),
  });
  const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: api.url });
  cleanups.push(() => client.close());
  const logs: string[] = [];
  const logger = createLogger({ sink: { write: (line) => logs.push(line) } });
  const date = options.date ?? "2026-11-25";
  const now = options.date ? new Date(`${options.date}T09:00:00Z`) : NOW;
  const loader = createUsageLoader({ source: client, cache: store.dayCache, now: () => now });
  const { slack: web, directory } = jobSlack(config, FAKE_BOT_TOKEN, { store });
  const deps = digestDeps({ config, store, loader, logger, slack: web, directory });
  return { store, logs, run: () => runDigest({ date }, { ...deps, now: () => now }) };
}

/** What a channel (or a person's DM) got: top-level messages only. */
const postsIn = (channel: string) =>
  (slack?.messages ?? []).filter((m) => m.channel === channel && !m.threadTs);
const isPost = (call: SlackCall, channel: string) =>
  call.method === "chat.postMessage" && call.args.channel === channel;

describe("the delivery client's policy", () => {
  it.each([1_000, 3_000, 60_000, 300_000, 3_600_000])(
    "with a lease of %i ms, one try (three calls) and every try of a delivery fit well inside it",
    (leaseMs) => {
      const policy = deliveryPolicy(leaseMs);
      expect(policy.timeoutMs).toBeGreaterThan(0);
      expect(3 * policy.timeoutMs).toBeLessThan(leaseMs);
      expect(policy.budgetMs).toBeLessThanOrEqual(leaseMs / 2);
      expect(policy.tries).toBeGreaterThan(1);
    },
  );

  it("the default lease (300 s) gives 30 s per call, not the library's 30 minutes of retries", () => {
    expect(deliveryPolicy(300_000)).toMatchObject({ timeoutMs: 30_000, budgetMs: 150_000 });
    const client = createDeliveryClient(FAKE_BOT_TOKEN, { leaseMs: 300_000 });
    expect(client).toMatchObject({ timeout: 30_000, rejectRateLimitedCalls: true });
    expect((client as unknown as { retryConfig: unknown }).retryConfig).toEqual({ retries: 0 });
  });
});

describe("morning job under Slack faults (production delivery client)", () => {
  it("answers lost after Slack posted (dropped connection, HTTP 503): found in Slack, posted once", async () => {
    const lost = new Set<string>();
    const once = (key: string, fault: SlackFault) => {
      if (lost.has(key)) return undefined;
      lost.add(key);
      return fault;
    };
    const m = await morning((call) => {
      if (isPost(call, "C1")) return once("C1", { after: "drop" });
      if (isPost(call, "UADA")) return once("UADA", { after: 503 });
      return undefined;
    });
    const summary = await m.run();
    expect(summary).toMatchObject({ posted: 5, failed: 0, recovered: 0 });
    for (const channel of ["C1", "C2", "DADA", "DBOB", "DCY"]) {
      expect(postsIn(channel), channel).toHaveLength(1);
    }
    // Each lost answer cost one look in Slack, not a second post.
    expect(slack?.callsTo("chat.postMessage").filter((c) => isPost(c, "C1"))).toHaveLength(1);
    expect(slack?.callsTo("conversations.history").length).toBe(2);
    const rows = await m.store.ledger.list();
    expect(rows.map((r) => r.status)).toEqual(rows.map(() => "delivered"));
    expect(rows).toHaveLength(5);
  });

  it("a post that never answers: every other post goes out meanwhile, and it fails within the lease", async () => {
    const m = await morning((call) => (isPost(call, "C1") ? { hang: true } : undefined));
    const summary = await m.run();
    expect(summary).toMatchObject({ posted: 4, failed: 1 });
    expect(postsIn("C2")).toHaveLength(1);
    for (const dm of ["DADA", "DBOB", "DCY"]) expect(postsIn(dm)).toHaveLength(1);
    const c1 = (slack?.calls ?? []).filter((c) => isPost(c, "C1"));
    const others = (slack?.calls ?? []).filter(
      (c) => c.method === "chat.postMessage" && c.args.channel !== "C1",
    );
    const policy = deliveryPolicy(3_000);
    const firstHang = c1[0]?.at ?? 0;
    // Nobody waited for the hung post: every other post was asked for before its first timeout.
    for (const call of others) expect(call.at).toBeLessThan(firstHang + policy.timeoutMs);
    // Its tries (each after a look in Slack) stopped inside the policy's budget.
    expect(c1.length).toBeGreaterThan(1);
    expect(c1.length).toBeLessThanOrEqual(policy.tries);
    expect((c1.at(-1)?.at ?? 0) - firstHang).toBeLessThan(policy.budgetMs);
    const row = await m.store.ledger.get({
      kind: "digest-daily",
      target: "C1",
      period: `${DAY}..${DAY}`,
    });
    expect(row).toMatchObject({ status: "failed", last_error: "no answer from Slack in time" });
  });

  it("rate limits with and without retry-after: waited out, posted once, no look in Slack needed", async () => {
    const limited = new Map<string, number>();
    const m = await morning(
      (call) => {
        if (call.method !== "chat.postMessage") return undefined;
        const channel = String(call.args.channel);
        const n = (limited.get(channel) ?? 0) + 1;
        limited.set(channel, n);
        if (n > 1) return undefined;
        return channel === "C1"
          ? { status: 429, retryAfter: 0 }
          : channel === "C2"
            ? { status: 429, retryAfter: null }
            : undefined;
      },
      { leaseSeconds: 10 },
    );
    const summary = await m.run();
    expect(summary).toMatchObject({ posted: 5, failed: 0 });
    expect(postsIn("C1")).toHaveLength(1);
    expect(postsIn("C2")).toHaveLength(1);
    expect(slack?.callsTo("conversations.history")).toHaveLength(0);
  });

  it("Slack refuses (channel_not_found): recorded as failed at once, not tried again this run", async () => {
    const m = await morning((call) =>
      isPost(call, "C1") ? { error: "channel_not_found" } : undefined,
    );
    const summary = await m.run();
    expect(summary).toMatchObject({ posted: 4, failed: 1 });
    expect((slack?.calls ?? []).filter((c) => isPost(c, "C1"))).toHaveLength(1);
    expect(
      await m.store.ledger.get({ kind: "digest-daily", target: "C1", period: `${DAY}..${DAY}` }),
    ).toMatchObject({ status: "failed", last_error: "channel_not_found" });
  });

  it("internal_error (Slack may have done part of it): looks before posting again, posts once", async () => {
    let refused = false;
    const m = await morning((call) => {
      if (!isPost(call, "C2") || refused) return undefined;
      refused = true;
      return { error: "internal_error" };
    });
    expect(await m.run()).toMatchObject({ posted: 5, failed: 0 });
    expect(postsIn("C2")).toHaveLength(1);
    expect(slack?.callsTo("conversations.history")).toHaveLength(1);
  });

  it.each<[string, SlackFault]>([
    ["internal_error", { error: "internal_error" }],
    ["fatal_error", { error: "fatal_error" }],
    ["a rate limit", { status: 429, retryAfter: 0 }],
    ["a network error", { drop: true }],
  ])(
    "a person's look-up failing with %s is recorded and retried, never taken for 'not in Slack'",
    async (_name, fault) => {
      let slackBroken = true;
      const m = await morning(
        (call) =>
          slackBroken &&
          call.method === "users.lookupByEmail" &&
          call.args.email === "bob@example.com"
            ? fault
            : undefined,
        { channels: "C1" },
      );
      const first = await m.run();
      expect(first).toMatchObject({ posted: 3, failed: 1, lookupFailed: 1, notInSlack: 0 });
      const key = { kind: "dm", target: "bob@example.com", period: DAY };
      const row = await m.store.ledger.get(key);
      expect(row?.status).toBe("failed");
      expect(row?.last_error).toContain("users.lookupByEmail");
      expect(row?.run_date).toBe("2026-11-25");
      expect(postsIn("DBOB")).toHaveLength(0);

      slackBroken = false;
      const second = await m.run();
      expect(second).toMatchObject({ posted: 1, alreadyDelivered: 3, failed: 0 });
      expect(postsIn("DBOB")).toHaveLength(1);
      expect((await m.store.ledger.get(key))?.status).toBe("delivered");
      // A third run finds everything delivered.
      expect(await m.run()).toMatchObject({ posted: 0, alreadyDelivered: 4 });
    },
  );

  it("users_not_found is an answer: counted as not in Slack, nothing recorded", async () => {
    const m = await morning(
      (call) =>
        call.method === "users.lookupByEmail" && call.args.email === "cy@example.com"
          ? { error: "users_not_found" }
          : undefined,
      { channels: "C1" },
    );
    expect(await m.run()).toMatchObject({ posted: 3, failed: 0, notInSlack: 1, lookupFailed: 0 });
    expect(await m.store.ledger.get({ kind: "dm", target: "cy@example.com", period: DAY })).toBe(
      undefined,
    );
  });

  it("a DM delivered by an earlier release (keyed by the Slack user id) is not posted again", async () => {
    const m = await morning(() => undefined, { channels: "C1" });
    const legacy = { kind: "dm", target: "UADA", period: DAY };
    await m.store.ledger.claim(legacy, { owner: "old", leaseMs: 60_000, maxAttempts: 5 });
    await m.store.ledger.markDelivered(legacy, "old", { channel: "DADA", ts: "1.0" });
    expect(await m.run()).toMatchObject({ posted: 3, alreadyDelivered: 1 });
    expect(postsIn("DADA")).toHaveLength(0);
  });

  it("Monday's DM (Friday to Sunday) is not posted again after an upgrade on a Monday: an earlier release sent it, about Sunday", async () => {
    const weekend = Object.fromEntries(
      ["2026-11-27", "2026-11-28", "2026-11-29"].map((day) => [
        day,
        [apiRecord({ day, email: "ada@example.com", sessions: 1, models: [[OPUS, 100]] })],
      ]),
    );
    const m = await morning(() => undefined, { channels: "", date: "2026-11-30", days: weekend });
    const earlier = { kind: "dm", target: "ada@example.com", period: "2026-11-29" };
    await m.store.ledger.claim(earlier, { owner: "old", leaseMs: 60_000, maxAttempts: 5 });
    await m.store.ledger.markDelivered(earlier, "old", { channel: "DADA", ts: "1.0" });
    expect(await m.run()).toMatchObject({ posted: 0, alreadyDelivered: 1 });
    expect(postsIn("DADA")).toHaveLength(0);
  });
});

describe("a run that lost its claim", () => {
  it("does not post: its post hung past the lease and another run took the delivery over", async () => {
    const leaseMs = 3_000;
    const key = { kind: "alert", target: "C1", period: DAY };
    let takeover: Promise<unknown> | undefined;
    handle = testDatabase("sqlite");
    const store = await handle.open();
    slack = await startFakeSlackApi({
      botToken: FAKE_BOT_TOKEN,
      fault: (call) => {
        if (call.method !== "chat.postMessage" || takeover) return undefined;
        // While the first try hangs, its lease runs out and another replica claims the key.
        takeover = store.ledger.claim(key, {
          owner: "replica-b",
          leaseMs,
          maxAttempts: 5,
          now: Date.now() + leaseMs + 1,
        });
        return { hang: true };
      },
    });
    const counts = emptyCounts();
    const deliver = createDeliverer({
      ledger: store.ledger,
      runDate: "2026-11-25",
      slack: createDeliveryClient(FAKE_BOT_TOKEN, { leaseMs, slackApiUrl: slack.apiUrl }),
      owner: "replica-a",
      leaseMs,
      dryRun: false,
      log: createLogger({ sink: { write: () => undefined } }),
      counts,
    });
    await deliver(key, "C1", { text: "alert", blocks: [] });
    expect(await takeover).toMatchObject({ status: "claimed", resumed: true });
    expect(counts).toMatchObject({ posted: 0, busy: 1, failed: 0 });
    expect(slack.callsTo("chat.postMessage")).toHaveLength(1); // the hung one, never answered
    expect(slack.messages).toHaveLength(0);
    expect(await store.ledger.get(key)).toMatchObject({ status: "claimed", owner: "replica-b" });
  });
});

describe("digest run exit codes", () => {
  async function cliEnv(fault: (call: SlackCall) => SlackFault | undefined) {
    const m = await morning(fault, { channels: "C1" });
    return {
      m,
      env: {
        ANTHROPIC_ADMIN_KEY: FAKE_ADMIN_KEY,
        ANTHROPIC_BASE_URL: api?.url,
        SLACK_BOT_TOKEN: FAKE_BOT_TOKEN,
        SLACK_API_URL: slack?.apiUrl,
        DATA_DIR: handle?.options.dataDir,
        DIGEST_CHANNELS: "C1",
        DM_SUMMARIES: "all",
        DIGEST_TIMEZONE: "UTC",
        DELIVERY_LEASE_SECONDS: "3",
      },
    };
  }
  const digestKey = { kind: "digest-daily", target: "C1", period: `${DAY}..${DAY}` };

  it("0 when everything went out; 3 when a delivery failed (a later run retries it)", async () => {
    let refuse = true;
    const { env } = await cliEnv((call) =>
      refuse && isPost(call, "C1") ? { error: "not_in_channel" } : undefined,
    );
    const failed = await runCliCaptured(["digest", "run"], env, NOW);
    expect(failed.code).toBe(EXIT_DELIVERIES_FAILED);
    expect(failed.stdout).toContain("failed 1");
    refuse = false;
    expect((await runCliCaptured(["digest", "run"], env, NOW)).code).toBe(EXIT_OK);
  });

  it("4 when a delivery was given up (a person must look)", async () => {
    const { m, env } = await cliEnv(() => undefined);
    for (let attempt = 0; attempt < 5; attempt++) {
      await m.store.ledger.claim(digestKey, { owner: "x", leaseMs: 1, maxAttempts: 5 });
      await m.store.ledger.markFailed(digestKey, "x", "channel_not_found");
    }
    const result = await runCliCaptured(["digest", "run"], env, NOW);
    expect(result.code).toBe(EXIT_DELIVERIES_GAVE_UP);
    expect(result.stdout).toContain("given up 1");
  });

  it("5 when another run holds a delivery right now", async () => {
    const { m, env } = await cliEnv(() => undefined);
    await m.store.ledger.claim(digestKey, { owner: "replica-b", leaseMs: 60_000, maxAttempts: 5 });
    const result = await runCliCaptured(["digest", "run"], env, NOW);
    expect(result.code).toBe(EXIT_DELIVERIES_BUSY);
    expect(result.stdout).toContain("busy elsewhere 1");
  });
});

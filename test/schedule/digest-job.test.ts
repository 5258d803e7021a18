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
import { createAdminClient } from "../../src/anthropic/client.js";
import { createUsageLoader, type LoadReportOptions } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { renderOrgReport, renderPersonalReport } from "../../src/render/blocks/index.js";
import {
  DELIVERY_EVENT_TYPE,
  type DigestConfig,
  type DigestDeps,
  runDigest,
} from "../../src/schedule/digest-job.js";
import type { Store } from "../../src/store/store.js";
import { cents } from "../../src/usage/money.js";
import { type Period, periodBetween } from "../../src/usage/periods.js";
import { readBlocks } from "../support/read-blocks.js";
import { TEST_DIALECTS, type TestStoreHandle, testDatabase } from "../support/stores.js";

const OPUS = "claude-opus-4-1-20250805";
const records = (day: string) => [
  apiRecord({
    day,
    email: "ada@example.com",
    sessions: 6,
    added: 1210,
    commits: 3,
    prs: 1,
    models: [[OPUS, 1840]],
  }),
  apiRecord({ day, email: "bob@example.com", sessions: 2, models: [[OPUS, 500]] }),
  apiRecord({ day, email: "not-in-slack@example.com", sessions: 1, models: [[OPUS, 100]] }),
  apiRecord({ day, apiKey: "ci-bot", sessions: 9, models: [[OPUS, 900]] }),
];
const days = Object.fromEntries(
  [
    "2026-11-16",
    "2026-11-17",
    "2026-11-18",
    "2026-11-19",
    "2026-11-20",
    "2026-11-21",
    "2026-11-22",
    "2026-11-23",
    "2026-11-24",
  ].map((d) => [d, records(d)]),
);
const users = [
  { id: "UADA", email: "ada@example.com", name: "Ada Lovelace" },
  { id: "UBOB", email: "bob@example.com", name: "Bob" },
];
const config: DigestConfig = {
  channels: ["C1", "C2"],
  dmMode: "all",
  timeZone: "UTC",
  weeklyOnMonday: true,
  monthlyOnFirst: true,
};

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

describe.each(TEST_DIALECTS)("digest job (store on %s)", (dialect) => {
  async function setup(slackOptions: FakeSlackApiOptions = {}, apiDays = days) {
    handle = testDatabase(dialect);
    slack = await startFakeSlackApi({
      users,
      botToken: FAKE_BOT_TOKEN,
      channels: [{ id: "C1" }, { id: "C2" }],
      ...slackOptions,
    });
    api = await startFakeAdminApi({ days: apiDays });
    return { store: await handle.open(), slack, api };
  }

  function deps(store: Store, overrides: Partial<DigestDeps> = {}): DigestDeps {
    const client = createAdminClient({
      adminKey: FAKE_ADMIN_KEY,
      baseUrl: api?.url,
      maxAttempts: 1,
    });
    cleanups.push(() => client.close());
    const web = new WebClient(FAKE_BOT_TOKEN, {
      slackApiUrl: slack?.apiUrl,
      retryConfig: { retries: 3, factor: 1, minTimeout: 10, maxTimeout: 50 },
    });
    return {
      loader: createUsageLoader({
        source: client,
        cache: store.dayCache,
        now: () => new Date("2026-11-25T09:00:00Z"),
      }),
      ledger: store.ledger,
      preferences: store.preferences,
      slack: web,
      lookupUser: async (email) => users.find((u) => u.email === email)?.id ?? null,
      lookupPerson: async (email) => {
        const user = users.find((u) => u.email === email);
        return user ? { userId: user.id, name: user.name } : null;
      },
      logger: createLogger({ sink: { write: () => undefined } }),
      config,
      now: () => new Date("2026-11-25T09:00:00Z"),
      ...overrides,
    };
  }

  const posts = () => slack?.callsTo("chat.postMessage") ?? [];

  it("posts yesterday's digest to every channel and a DM to each active person in Slack", async () => {
    const { store } = await setup();
    const summary = await runDigest({ date: "2026-11-25" }, deps(store));
    expect(summary).toMatchObject({
      posted: 4,
      alreadyDelivered: 0,
      failed: 0,
      notInSlack: 1,
      optedOut: 0,
    });
    expect(
      posts()
        .map((p) => p.args.channel)
        .sort(),
    ).toEqual(["C1", "C2", "UADA", "UBOB"]);
    const digest = posts().find((p) => p.args.channel === "C1");
    expect(String(digest?.args.text)).toContain(
      "Claude Code on Tue 24 Nov: $33.40 spent, the same as Tue 17 Nov — one person drove it: Ada Lovelace, $18.40 (55%). Everyone else: $15, the same.",
    );
    // A channel post names people (by Slack name, else email) and pings no one; the top spenders
    // are a table there.
    const blocks = readBlocks(digest?.args.blocks);
    expect(blocks).toContain("🥇 Ada Lovelace  $18.40  6");
    expect(blocks).toContain("🥈 🔑 ci-bot  $9.00");
    expect(blocks).toContain("4. not-in-slack@example.com  $1.00");
    expect(JSON.stringify(digest?.args.blocks)).not.toContain("<@U");
    expect(digest?.args.metadata).toEqual({
      event_type: DELIVERY_EVENT_TYPE,
      event_payload: { key: "digest-daily:C1:2026-11-24..2026-11-24" },
    });
    const dm = posts().find((p) => p.args.channel === "UADA");
    expect(JSON.stringify(dm?.args.blocks)).toContain(
      // Ada spends $18.40 every day: her usual day, read from the weeks before.
      "Good morning! Yesterday your Claude Code cost an estimated *$18.40*, about your usual $18 — *6 sessions*, *1,210 lines* added, *3 commits*, *1 PR*.",
    );
    // The way out is the DM's overflow menu; the digest carries its own buttons, with its dates.
    expect(JSON.stringify(dm?.args.blocks)).toContain('"Stop these DMs"');
    expect(JSON.stringify(digest?.args.blocks)).toContain(
      '"action_id":"digest_my_numbers","text":{"type":"plain_text","text":"Mine"},"value":"{\\"v\\":1,\\"from\\":\\"2026-11-24\\",\\"to\\":\\"2026-11-24\\"}"',
    );
  });

  it("every delivery records the date of the run that claimed it", async () => {
    const { store } = await setup();
    await runDigest({ date: "2026-11-23" }, deps(store));
    const rows = await store.ledger.list();
    expect(rows.map((r) => r.kind).sort()).toEqual([
      "charts-weekly",
      "charts-weekly",
      "digest-weekly",
      "digest-weekly",
      "dm",
      "dm",
    ]);
    expect(new Set(rows.map((r) => r.run_date))).toEqual(new Set(["2026-11-23"]));
  });

  it("running again posts nothing twice", async () => {
    const { store } = await setup();
    await runDigest({ date: "2026-11-25" }, deps(store));
    const again = await runDigest({ date: "2026-11-25" }, deps(store));
    expect(again).toMatchObject({ posted: 0, alreadyDelivered: 4 });
    expect(posts()).toHaveLength(4);
  });

  it("two replicas running at once deliver each message exactly once", async () => {
    const { store } = await setup();
    const other = await handle?.open();
    if (!other) throw new Error("no second store");
    const [a, b] = await Promise.all([
      runDigest({ date: "2026-11-25" }, deps(store, { owner: "replica-a" })),
      runDigest({ date: "2026-11-25" }, deps(other, { owner: "replica-b" })),
    ]);
    expect(a.posted + b.posted).toBe(4);
    expect(posts()).toHaveLength(4);
    expect(new Set(posts().map((p) => p.args.channel)).size).toBe(4);
  });

  it("DM opt-in mode sends only to those who said `dm on`; `all` honours `dm off`", async () => {
    const { store } = await setup();
    await store.preferences.setDmPreference("UADA", "on");
    const optIn = await runDigest(
      { date: "2026-11-25" },
      deps(store, { config: { ...config, channels: [], dmMode: "opt-in" } }),
    );
    expect(optIn).toMatchObject({ posted: 1, optedOut: 1 });
    await store.preferences.setDmPreference("UADA", "off");
    const all = await runDigest(
      { date: "2026-11-25" },
      deps(store, { config: { ...config, channels: [], dmMode: "all" } }),
    );
    expect(all).toMatchObject({ optedOut: 1, posted: 1 });
    expect(posts().map((p) => p.args.channel)).toEqual(["UADA", "UBOB"]);
  });

  it("on a Monday the channel digest covers the previous week", async () => {
    const { store } = await setup();
    await runDigest(
      { date: "2026-11-23" },
      deps(store, { config: { ...config, channels: ["C1"], dmMode: "off" } }),
    );
    expect(posts()).toHaveLength(1);
    expect(String(posts()[0]?.args.text)).toContain("Claude Code last week (Mon 16 – Sun 22 Nov)");
  });

  it("a weekly digest names who started, and only counts who stopped: never names them in a channel", async () => {
    // Gone used Claude Code the week before and not this week; Cy starts on the 20th.
    const history = Object.fromEntries(
      periodBetween("2026-11-09", "2026-11-22").days.map((day) => [
        day,
        [
          ...records(day),
          ...(day <= "2026-11-13" ? [apiRecord({ day, email: "gone@example.com" })] : []),
          ...(day >= "2026-11-20" ? [apiRecord({ day, email: "cy@example.com" })] : []),
        ],
      ]),
    );
    const { store } = await setup({}, history);
    const weekly = deps(store, { config: { ...config, channels: ["C1"], dmMode: "off" } });
    const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: api?.url });
    cleanups.push(() => client.close());
    weekly.loader = createUsageLoader({
      source: client,
      cache: store.dayCache,
      firstSeen: store.firstSeen,
      now: () => new Date("2026-11-25T09:00:00Z"),
    });
    await runDigest({ date: "2026-11-23" }, weekly);
    const post = JSON.stringify(posts()[0]?.args);
    expect(post).toContain("👋 1 started using Claude Code: cy@example.com");
    expect(post).toContain("1 person active the week before was not in this one");
    expect(post).not.toContain("gone@example.com");
  });

  it("the daily digest says where the month stands: spend so far, pace, share of the budget", async () => {
    const { store } = await setup();
    await runDigest(
      { date: "2026-11-25" },
      deps(store, {
        config: { ...config, channels: ["C1"], dmMode: "off", budgetMonthlyCents: cents(50_000) },
      }),
    );
    // 16–24 Nov at $33.40 a day = $300.60 over 24 days → $375.75 over 30: 75% of $500.
    expect(JSON.stringify(posts()[0]?.args.blocks)).toContain(
      ":calendar: November so far: *$301* · on pace for $376 by 30 Nov (75% of the $500 budget)",
    );
  });

  it("a person with a monthly budget sees where they stand in their DM; someone without, not", async () => {
    const { store } = await setup();
    await runDigest(
      { date: "2026-11-25" },
      deps(store, {
        config: {
          ...config,
          channels: [],
          personalBudgets: {
            defaultCents: cents(200_00),
            overrides: new Map([["user:bob@example.com", null]]),
          },
        },
      }),
    );
    const dm = (id: string) =>
      JSON.stringify(posts().find((p) => p.args.channel === id)?.args.blocks);
    // Ada: 16–24 Nov at $18.40 a day = $165.60 of $200 (83%); $165.60 / 24 × 30 = $207.
    expect(dm("UADA")).toContain(
      "💸 November so far: *$165.60* of your $200 budget (83%) · on pace for $207",
    );
    expect(dm("UBOB")).not.toContain("so far");
  });

  it("the month so far is loaded once for the digest's line and the DMs' budget lines", async () => {
    const { store } = await setup();
    const base = deps(store, {
      config: {
        ...config,
        channels: ["C1"],
        budgetMonthlyCents: cents(50_000),
        personalBudgets: { defaultCents: cents(200_00), overrides: new Map() },
      },
    });
    const loaded: string[] = [];
    const loader = {
      ...base.loader,
      loadReport: (period: Period, options?: LoadReportOptions) => {
        loaded.push(period.name);
        return base.loader.loadReport(period, options);
      },
    };
    await runDigest({ date: "2026-11-25" }, { ...base, loader });
    expect(JSON.stringify(posts().find((p) => p.args.channel === "C1")?.args.blocks)).toContain(
      ":calendar: November so far",
    );
    expect(JSON.stringify(posts().find((p) => p.args.channel === "UADA")?.args.blocks)).toContain(
      "November so far: *$165.60* of your $200 budget",
    );
    expect(loaded.filter((name) => name === "this month")).toEqual(["this month"]);
  });

  it("a weekly digest shows its daily chart inline and puts the top spenders in its thread, once", async () => {
    const { store } = await setup();
    const weekly = deps(store, { config: { ...config, channels: ["C1"], dmMode: "off" } });
    const first = await runDigest({ date: "2026-11-23" }, weekly);
    expect(first).toMatchObject({ posted: 2, failed: 0 }); // the digest, then its thread's chart
    const digest = slack?.messages.find((m) => m.channel === "C1" && !m.threadTs);
    // The daily chart: uploaded first, shared into no channel, shown by id in an image block.
    const [unshared, thread] = slack?.shared ?? [];
    expect(unshared).toMatchObject({ channel: undefined, threadTs: undefined });
    expect(unshared?.files.map((f) => f.title)).toEqual(["Claude Code daily spend · last week"]);
    const blocks = digest?.blocks as {
      type: string;
      slack_file?: { id: string };
      alt_text?: string;
    }[];
    const image = blocks.find((b) => b.type === "image");
    expect(image?.slack_file).toEqual({ id: unshared?.files[0]?.id });
    expect(image?.alt_text).toContain("Bar chart of daily Claude Code spend");
    expect(image?.alt_text).toContain("Top spenders: Ada Lovelace $");
    expect(image?.alt_text).not.toContain("ada@example.com");
    expect(readBlocks(blocks)).toContain("The top spenders chart is in the thread.");
    // The rest goes in the thread.
    expect(thread).toMatchObject({ channel: "C1", threadTs: digest?.ts });
    expect(thread?.files.map((f) => f.title)).toEqual(["Claude Code top spenders · last week"]);
    for (const file of [...(unshared?.files ?? []), ...(thread?.files ?? [])]) {
      expect(file.bytes?.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a"); // PNG
      expect(file.bytes?.length).toBeGreaterThan(5_000);
    }
    // A rerun finds both delivered and uploads nothing.
    const uploads = slack?.callsTo("files.getUploadURLExternal").length;
    const again = await runDigest({ date: "2026-11-23" }, weekly);
    expect(again).toMatchObject({ posted: 0, alreadyDelivered: 2 });
    expect(slack?.callsTo("files.getUploadURLExternal")).toHaveLength(uploads ?? -1);
    expect(slack?.shared).toHaveLength(2);
  });

  it("on the 1st the monthly digest says how many members used Claude Code that month", async () => {
    const { store } = await setup();
    const asked: Period[] = [];
    await runDigest(
      { date: "2026-12-01" },
      deps(store, {
        config: { ...config, channels: ["C1"], dmMode: "off" },
        render: { orgReport: renderOrgReport, personal: renderPersonalReport },
        seats: async (period) => {
          asked.push(period);
          return { members: 120, active: 83, never: 21 };
        },
      }),
    );
    expect(asked.map((p) => `${p.from}..${p.to}`)).toEqual(["2026-11-01..2026-11-30"]);
    const monthly = posts().find((p) => String(p.args.text).includes("last month"));
    const daily = posts().find((p) => p !== monthly);
    expect(readBlocks(monthly?.args.blocks)).toContain(
      ":busts_in_silhouette: 83 of 120 members used Claude Code in November; 21 never have",
    );
    // Only the month's digest: the daily one says nothing of seats.
    expect(daily).toBeDefined();
    expect(readBlocks(daily?.args.blocks)).not.toContain("members used Claude Code");
  });

  it("the monthly digest goes out without the seats line when the roster cannot be read", async () => {
    const { store } = await setup();
    const failing = {
      C1: async () => undefined,
      C2: async () => Promise.reject(new Error("the members could not be read")),
    };
    for (const [channel, seats] of Object.entries(failing)) {
      const before = posts().length;
      await runDigest(
        { date: "2026-12-01" },
        deps(store, {
          config: { ...config, channels: [channel], dmMode: "off" },
          render: { orgReport: renderOrgReport, personal: renderPersonalReport },
          seats,
        }),
      );
      expect(posts().length - before).toBe(2);
    }
    expect(posts().some((p) => JSON.stringify(p.args.blocks).includes("members used"))).toBe(false);
  });

  it("a daily digest has no chart", async () => {
    const { store } = await setup();
    const daily = deps(store, { config: { ...config, channels: ["C1"], dmMode: "off" } });
    await runDigest({ date: "2026-11-25" }, daily);
    expect(slack?.callsTo("files.getUploadURLExternal")).toHaveLength(0);
    const blocks = slack?.messages[0]?.blocks as { type: string }[];
    expect(blocks.some((b) => b.type === "image")).toBe(false);
  });

  it("a weekly digest goes out without its inline chart when the upload fails; both charts in the thread", async () => {
    let refused = 0;
    const { store } = await setup({
      fault: (call) =>
        call.method === "files.getUploadURLExternal" && refused++ === 0
          ? { error: "file_uploads_disabled" }
          : undefined,
    });
    const weekly = deps(store, { config: { ...config, channels: ["C1"], dmMode: "off" } });
    const summary = await runDigest({ date: "2026-11-23" }, weekly);
    expect(summary).toMatchObject({ posted: 2, failed: 0 });
    const digest = slack?.messages.find((m) => m.channel === "C1" && !m.threadTs);
    const blocks = digest?.blocks as { type: string }[];
    expect(blocks.some((b) => b.type === "image")).toBe(false);
    expect(readBlocks(blocks)).not.toContain("in the thread");
    expect(slack?.shared.map((s) => s.files.map((f) => f.title))).toEqual([
      ["Claude Code daily spend · last week", "Claude Code top spenders · last week"],
    ]);
  });

  it("a weekly digest goes out plain when Slack refuses its image block", async () => {
    const { store } = await setup({
      fault: (call) =>
        call.method === "chat.postMessage" &&
        JSON.stringify(call.args.blocks).includes("slack_file")
          ? { error: "invalid_blocks" }
          : undefined,
    });
    const weekly = deps(store, { config: { ...config, channels: ["C1"], dmMode: "off" } });
    const summary = await runDigest({ date: "2026-11-23" }, weekly);
    expect(summary).toMatchObject({ posted: 2, failed: 0 });
    // Tried with the image twice (Slack may still be processing a fresh upload), then plain.
    expect(slack?.callsTo("chat.postMessage")).toHaveLength(3);
    expect(slack?.callsTo("files.getUploadURLExternal")).toHaveLength(3); // inline, then two in the thread
    const thread = slack?.shared.find((s) => s.channel === "C1");
    expect(thread?.files).toHaveLength(2);
  });

  it("charts that went up before a crash are found in the thread and not uploaded again", async () => {
    const { store } = await setup();
    const crashing = {
      ...store.ledger,
      markDelivered: async (...args: Parameters<typeof store.ledger.markDelivered>) => {
        if (args[0].kind.startsWith("charts-")) throw new Error("crashed before marking");
        return store.ledger.markDelivered(...args);
      },
    };
    const charts = async () => [
      {
        kind: "top" as const,
        name: "t.png",
        title: "Top",
        png: Buffer.from("png"),
        altText: "a",
      },
    ];
    const options = { config: { ...config, channels: ["C1"], dmMode: "off" as const } };
    const render = { orgReport: renderOrgReport, personal: renderPersonalReport, charts };
    const first = await runDigest(
      { date: "2026-11-23" },
      deps(store, { ...options, ledger: crashing, render }),
    );
    expect(first).toMatchObject({ posted: 1, failed: 1 });
    expect(slack?.shared).toHaveLength(1);
    const second = await runDigest({ date: "2026-11-23" }, deps(store, { ...options, render }));
    expect(second).toMatchObject({ recovered: 1, posted: 0 });
    expect(slack?.shared).toHaveLength(1);
    expect(slack?.callsTo("conversations.replies")).toHaveLength(1);
  });

  it("a digest goes out without charts when they cannot be drawn", async () => {
    const { store } = await setup();
    const render = {
      orgReport: renderOrgReport,
      personal: renderPersonalReport,
      charts: async () => {
        throw new Error("no native renderer on this platform");
      },
    };
    const summary = await runDigest(
      { date: "2026-11-23" },
      deps(store, { config: { ...config, channels: ["C1"], dmMode: "off" }, render }),
    );
    expect(summary).toMatchObject({ posted: 1, failed: 0 });
    expect(slack?.shared).toHaveLength(0);
  });

  it("rides out Slack 429s (Retry-After) during the fan-out: every message once", async () => {
    let limited = 0;
    const { store } = await setup({
      fault: (call) =>
        call.method === "chat.postMessage" && limited++ < 2
          ? { status: 429, retryAfter: 1 }
          : undefined,
    });
    const summary = await runDigest({ date: "2026-11-25" }, deps(store));
    expect(summary).toMatchObject({ posted: 4, failed: 0 });
    expect(slack?.messages).toHaveLength(4);
  });

  it("a failed post is recorded, and delivered by the next run", async () => {
    let broken = true;
    const { store } = await setup({
      fault: (call) =>
        broken && call.method === "chat.postMessage" && call.args.channel === "C2"
          ? { error: "channel_not_found" }
          : undefined,
    });
    const first = await runDigest({ date: "2026-11-25" }, deps(store));
    expect(first).toMatchObject({ posted: 3, failed: 1 });
    const failed = await store.ledger.list({ status: "failed" });
    expect(failed.map((d) => [d.target, d.last_error])).toEqual([["C2", "channel_not_found"]]);
    broken = false;
    const second = await runDigest({ date: "2026-11-25" }, deps(store));
    expect(second).toMatchObject({ posted: 1, alreadyDelivered: 3 });
    expect(slack?.messages.filter((m) => m.channel === "C2")).toHaveLength(1);
  });

  it("a crash between claim and post: the next run (after the lease) delivers it", async () => {
    const { store } = await setup();
    const key = { kind: "digest-daily", target: "C1", period: "2026-11-24..2026-11-24" };
    await store.ledger.claim(key, {
      owner: "crashed",
      leaseMs: 1,
      maxAttempts: 5,
      now: Date.now() - 10_000,
    });
    const summary = await runDigest(
      { date: "2026-11-25" },
      deps(store, { config: { ...config, channels: ["C1"], dmMode: "off" } }),
    );
    expect(summary).toMatchObject({ posted: 1, recovered: 0 });
    expect(slack?.messages).toHaveLength(1);
    expect((await store.ledger.get(key))?.status).toBe("delivered");
  });

  it("a crash between post and mark: the next run finds the post by its metadata and does not post again", async () => {
    const { store } = await setup();
    const key = { kind: "dm", target: "ada@example.com", period: "2026-11-24" };
    await store.ledger.claim(key, {
      owner: "crashed",
      leaseMs: 1,
      maxAttempts: 5,
      now: Date.now() - 10_000,
    });
    // What the crashed run had posted before dying:
    const web = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack?.apiUrl });
    await web.chat.postMessage({
      channel: "UADA",
      text: "earlier",
      metadata: {
        event_type: DELIVERY_EVENT_TYPE,
        event_payload: { key: "dm:ada@example.com:2026-11-24" },
      },
    });
    const summary = await runDigest(
      { date: "2026-11-25" },
      deps(store, { config: { ...config, channels: [], dmMode: "all" } }),
    );
    expect(summary).toMatchObject({ recovered: 1, posted: 1 }); // recovered Ada's, posted Bob's
    expect(slack?.messages.filter((m) => m.channel === "DADA")).toHaveLength(1);
    expect((await store.ledger.get(key))?.status).toBe("delivered");
  });

  it("a dry run says what it would post, and posts and claims nothing", async () => {
    const { store } = await setup();
    const summary = await runDigest(
      { date: "2026-11-25", dryRun: true },
      deps(store, { slack: undefined }),
    );
    expect(summary.planned.map((p) => p.channel).sort()).toEqual(["C1", "C2", "UADA", "UBOB"]);
    expect(summary.planned[0]?.text).toContain("Claude Code on Tue 24 Nov");
    expect(posts()).toHaveLength(0);
    expect(await store.ledger.list()).toEqual([]);
  });
});

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
import { type AlertsDeps, runAlerts } from "../../src/schedule/alerts-job.js";
import type { Store } from "../../src/store/store.js";
import { cents } from "../../src/usage/money.js";
import { buildRoster } from "../../src/usage/teams.js";
import { type TestStoreHandle, testDatabase } from "../support/stores.js";

const OPUS = "claude-opus-4-1-20250805";
const now = new Date("2026-11-25T09:00:00Z");
// 14 quiet days of $30 a day each for Ada and Bob, then Ada spends $150 on the 24th.
const days: Record<string, ReturnType<typeof apiRecord>[]> = {};
for (let d = 1; d <= 24; d++) {
  const day = `2026-11-${String(d).padStart(2, "0")}`;
  days[day] = [
    apiRecord({ day, email: "ada@example.com", models: [[OPUS, d === 24 ? 150_00 : 30_00]] }),
    apiRecord({ day, email: "bob@example.com", models: [[OPUS, 30_00]] }),
  ];
}

let handle: TestStoreHandle | undefined;
let api: FakeAdminApi | undefined;
let slack: FakeSlackApi | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await handle?.cleanup();
  await api?.close();
  await slack?.close();
});

async function setup(): Promise<{ store: Store; deps: (budgetUsd?: number) => AlertsDeps }> {
  handle = testDatabase("sqlite");
  const store = await handle.open();
  api = await startFakeAdminApi({ days });
  slack = await startFakeSlackApi({
    users: [{ id: "UADA", email: "ada@example.com" }],
    botToken: FAKE_BOT_TOKEN,
  });
  const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: api.url });
  cleanups.push(() => client.close());
  const loader = createUsageLoader({ source: client, cache: store.dayCache, now: () => now });
  const web = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl });
  return {
    store,
    deps: (budgetUsd) => ({
      loader,
      ledger: store.ledger,
      slack: web,
      lookupUser: async (email) => (email === "ada@example.com" ? "UADA" : null),
      lookupPerson: async (email) =>
        email === "ada@example.com" ? { userId: "UADA", name: "Ada Lovelace" } : null,
      logger: createLogger({ sink: { write: () => undefined } }),
      config: {
        channel: "CALERTS",
        budgetMonthlyCents: budgetUsd === undefined ? undefined : cents(budgetUsd * 100),
        spike: { factor: 3, floorCents: cents(20_00), trailingDays: 14 },
      },
      now: () => now,
    }),
  };
}

const texts = () =>
  (slack?.messages ?? []).map((m) => `${String(m.text)} | ${JSON.stringify(m.blocks)}`);

const posts = () => slack?.messages ?? [];

describe("runAlerts", () => {
  it("one roll-up a morning: the org's budget first, then the spike; once however often it runs", async () => {
    const { deps } = await setup();
    // Month to date: 23 × $60 + $180 = $1,560 of a $1,800 budget → 86.7 %: 50 and 80 crossed.
    const first = await runAlerts({ date: "2026-11-25" }, deps(1800));
    expect(first).toMatchObject({ posted: 1, failed: 0 });
    const rollup = JSON.stringify(posts()[0]?.blocks);
    expect(rollup).toContain("*Claude Code alerts · Tue 24 Nov*");
    expect(rollup).toContain(
      "💸 *Near budget*: November so far $1,560 of $1,800 (87%) · on pace for $1,950",
    );
    expect(rollup).toContain("📈 Ada Lovelace spent *$150.00*, 5.0× usual");
    expect(rollup.indexOf("Near budget")).toBeLessThan(rollup.indexOf("Ada Lovelace"));
    expect(rollup).not.toContain("<@");
    expect(posts()[0]?.metadata).toMatchObject({
      event_payload: { key: "alerts:CALERTS:2026-11-24" },
    });

    // Again: everything in it is told, so nothing is new and nothing is posted.
    const again = await runAlerts({ date: "2026-11-25" }, deps(1800));
    expect(again).toMatchObject({ posted: 0, failed: 0 });
    expect(posts()).toHaveLength(1);
  });

  it("the thresholds it told are recorded as told by it, with the run's date", async () => {
    const { store, deps } = await setup();
    await runAlerts({ date: "2026-11-25" }, deps(1800));
    const rows = await store.ledger.list();
    expect(
      rows.map((r) => [r.kind, r.period, r.status, r.ts?.startsWith("in-") ? r.ts : "ts"]),
    ).toEqual(
      expect.arrayContaining([
        ["alerts", "2026-11-24", "delivered", "ts"],
        ["alert-budget", "2026-11:50", "delivered", "in-alerts-2026-11-24"],
        ["alert-budget", "2026-11:80", "delivered", "in-alerts-2026-11-24"],
        // The one spike, told in the roll-up itself.
        ["alert-spike", "2026-11-24:user:ada@example.com", "delivered", "in-alerts-2026-11-24"],
      ]),
    );
    expect(rows).toHaveLength(4);
    expect(new Set(rows.map((r) => r.run_date))).toEqual(new Set(["2026-11-25"]));
  });

  it("nothing new, nothing posted: a told threshold and no spike make no message", async () => {
    const { deps } = await setup();
    await runAlerts({ date: "2026-11-25" }, deps(1800));
    // The 25th: no spend (the fake has none), so no spike; the thresholds were told.
    expect(await runAlerts({ date: "2026-11-26" }, deps(1800))).toMatchObject({
      posted: 0,
      alreadyDelivered: 0,
    });
    expect(posts()).toHaveLength(1);
  });

  it("no budget, no budget line; the org's spend is not a spike (1.7×)", async () => {
    const { deps } = await setup();
    await runAlerts({ date: "2026-11-25" }, deps());
    expect(texts()).toHaveLength(1);
    expect(texts()[0]).toContain("📈 Ada Lovelace spent *$150.00*, 5.0× usual");
    expect(texts()[0]).not.toContain("budget");
    expect(texts()[0]).not.toContain("The org spent");
  });

  it("several spikes: summarised in the roll-up, each one's detail once in its thread", async () => {
    const { store, deps } = await setup();
    const d = deps();
    d.config.spike.factor = 0.5; // Bob's $30 (his usual) counts too; the org's $180 is 3×
    await runAlerts({ date: "2026-11-25" }, d);
    const [parent, ...thread] = posts();
    expect(String(parent?.text)).toBe(
      "Claude Code alerts: org spend 3.0× usual, 2 spend spikes, largest Ada Lovelace $150.00",
    );
    expect(texts()[0]).toContain(
      "📈 The org spent *$180.00*, 3.0× usual; *2 spend spikes*, largest Ada Lovelace $150.00, 5.0× usual · details in the thread",
    );
    expect(thread.map((m) => [m.threadTs, String(m.text)])).toEqual([
      [parent?.ts, "Spend spike: the org $180.00 on Tue 24 Nov"],
      [parent?.ts, "Spend spike: Ada Lovelace $150.00 on Tue 24 Nov"],
      [parent?.ts, "Spend spike: bob $30.00 on Tue 24 Nov"],
    ]);
    const keys = (await store.ledger.list({ kind: "alert-spike" })).map((r) => r.key).sort();
    expect(keys).toEqual([
      "alert-spike:CALERTS:2026-11-24:org",
      "alert-spike:CALERTS:2026-11-24:user:ada@example.com",
      "alert-spike:CALERTS:2026-11-24:user:bob@example.com",
    ]);
    // Again: nothing twice, the thread included.
    expect(await runAlerts({ date: "2026-11-25" }, d)).toMatchObject({ posted: 0, failed: 0 });
    expect(posts()).toHaveLength(4);
  });

  it("a thread reply whose answer was lost is found in the thread, not posted again", async () => {
    const { deps } = await setup();
    await slack?.close();
    let lost = false;
    slack = await startFakeSlackApi({
      users: [{ id: "UADA", email: "ada@example.com" }],
      botToken: FAKE_BOT_TOKEN,
      // The first thread reply reaches Slack, but its answer is lost.
      fault: (call) => {
        if (call.method !== "chat.postMessage" || !call.args.thread_ts || lost) return undefined;
        lost = true;
        return { after: 500 };
      },
    });
    const d = deps();
    d.slack = new WebClient(FAKE_BOT_TOKEN, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
    });
    d.config.spike.factor = 0.5;
    const counts = await runAlerts({ date: "2026-11-25" }, d);
    expect(counts).toMatchObject({ failed: 0 });
    expect(posts()).toHaveLength(4);
    expect(new Set(posts().map((m) => String(m.text))).size).toBe(4);
  });

  it("personal budgets: who is over or near, each threshold told once", async () => {
    const { store, deps } = await setup();
    // Month to date: Ada 23 × $30 + $150 = $840, Bob 24 × $30 = $720.
    const withBudgets = (defaultUsd: number, overrides: [string, number | null][] = []) => {
      const d = deps();
      d.config.personalBudgets = {
        defaultCents: cents(defaultUsd * 100),
        overrides: new Map(
          overrides.map(([k, usd]) => [k, usd === null ? null : cents(usd * 100)]),
        ),
      };
      d.config.spike.floorCents = cents(1e9); // budgets only
      return d;
    };
    // $1,000 each: Ada at 84 % (80 crossed), Bob at 72 % (nothing).
    expect(await runAlerts({ date: "2026-11-25" }, withBudgets(1000))).toMatchObject({
      posted: 1,
      failed: 0,
    });
    expect(texts()[0]).toContain(
      "*Budgets: 1 person near their own monthly budget*\\n• Ada Lovelace  $840 of $1,000 (84%)",
    );
    expect(String(posts()[0]?.text)).toBe("Claude Code alerts: 1 person near their budget");

    // Later, Bob gets a $700 budget (103 %) and Ada's is lowered to $800 (105 %). This morning's
    // roll-up is out already: what is new waits for tomorrow's, which tells both.
    const next = withBudgets(1000, [
      ["user:bob@example.com", 700],
      ["user:ada@example.com", 800],
    ]);
    expect(await runAlerts({ date: "2026-11-25" }, next)).toMatchObject({ posted: 0 });
    expect(await runAlerts({ date: "2026-11-26" }, next)).toMatchObject({ posted: 1 });
    expect(texts()[1]).toContain(
      "*Budgets: 2 people over their own monthly budget*\\n🚨 Ada Lovelace  $840 of $800 (105%)\\n🚨 bob@example.com  $720 of $700 (103%)",
    );
    const told = await store.ledger.list({ kind: "alert-user-budget" });
    expect(told.map((d) => [d.period, d.status, d.ts]).sort()).toEqual([
      ["2026-11:user:ada@example.com:100", "delivered", "in-alerts-2026-11-25"],
      ["2026-11:user:ada@example.com:80", "delivered", "in-alerts-2026-11-24"],
      ["2026-11:user:bob@example.com:100", "delivered", "in-alerts-2026-11-25"],
      ["2026-11:user:bob@example.com:80", "delivered", "in-alerts-2026-11-25"],
    ]);

    // Every threshold reached is told: nothing more this month.
    expect(await runAlerts({ date: "2026-11-27" }, next)).toMatchObject({ posted: 0 });
    expect(posts()).toHaveLength(2);
  });

  it("a roll-up Slack refused is retried by the next run, and its thread follows it", async () => {
    const { deps } = await setup();
    await slack?.close();
    let refused = false;
    slack = await startFakeSlackApi({
      botToken: FAKE_BOT_TOKEN,
      fault: (call) => {
        if (call.method !== "chat.postMessage" || refused) return undefined;
        refused = true;
        return { error: "channel_not_found" };
      },
    });
    const d = deps(1800);
    d.slack = new WebClient(FAKE_BOT_TOKEN, { slackApiUrl: slack.apiUrl });
    d.config.spike.factor = 0.5;
    expect(await runAlerts({ date: "2026-11-25" }, d)).toMatchObject({ posted: 0, failed: 1 });
    expect(posts()).toHaveLength(0);
    // Nothing it would have told is recorded as told; the next run posts it all, once.
    expect(await runAlerts({ date: "2026-11-25" }, d)).toMatchObject({ posted: 4, failed: 0 });
    const [parent, ...thread] = posts();
    expect(JSON.stringify(parent?.blocks)).toContain("Near budget");
    expect(thread.map((m) => m.threadTs)).toEqual([parent?.ts, parent?.ts, parent?.ts]);
    expect(await runAlerts({ date: "2026-11-25" }, d)).toMatchObject({ posted: 0 });
    expect(posts()).toHaveLength(4);
  });

  it("a dry run posts nothing and claims nothing", async () => {
    const { store, deps } = await setup();
    const counts = await runAlerts({ date: "2026-11-25", dryRun: true }, deps(1800));
    expect(counts.planned.map((p) => [p.channel, p.key])).toEqual([
      ["CALERTS", "alerts:CALERTS:2026-11-24"],
    ]);
    expect(slack?.messages).toHaveLength(0);
    expect(await store.ledger.list()).toEqual([]);
  });
});

describe("team budgets in the morning roll-up", () => {
  // Apps: Ada ($840 this month); Tools: Bob ($720); Core: both ($1,560).
  const roster = buildRoster([
    { actorKey: "user:ada@example.com", team: "Apps" },
    { actorKey: "user:bob@example.com", team: "Tools" },
    { actorKey: "user:ada@example.com", team: "Core" },
    { actorKey: "user:bob@example.com", team: "Core" },
  ]);
  async function teamSetup(budgets: [string, number][], orgBudgetUsd?: number) {
    const { store, deps } = await setup();
    const logs: string[] = [];
    const base = deps(orgBudgetUsd);
    const teamDeps = (): AlertsDeps => ({
      ...base,
      roster: async () => roster,
      logger: createLogger({ sink: { write: (line: string) => void logs.push(line) } }),
      config: {
        ...base.config,
        // No spikes here: the roll-up is about budgets alone.
        spike: { factor: 100, floorCents: cents(20_00), trailingDays: 14 },
        teamBudgets: new Map(budgets.map(([team, usd]) => [team, cents(usd * 100)])),
      },
    });
    return { store, teamDeps, logs };
  }

  it("a team under 80 % of its budget is not news", async () => {
    const { teamDeps } = await teamSetup([["tools", 1000]]);
    const counts = await runAlerts({ date: "2026-11-25" }, teamDeps());
    expect(counts).toMatchObject({ posted: 0, failed: 0 });
    expect(posts()).toHaveLength(0);
  });

  it("teams near and over their budget, in words, after the org's budget, most over first", async () => {
    const { teamDeps } = await teamSetup(
      [
        ["apps", 1000],
        ["tools", 1000],
        ["core", 1500],
      ],
      5000,
    );
    const counts = await runAlerts({ date: "2026-11-25" }, teamDeps());
    expect(counts).toMatchObject({ posted: 1, failed: 0 });
    const [rollup] = texts();
    expect(rollup).toContain(
      "🚨 *Core* is over its budget: November so far $1,560 of $1,500 (104%) · on pace for $1,950",
    );
    expect(rollup).toContain(
      "💸 *Apps* is near its budget: November so far $840 of $1,000 (84%) · on pace for $1,050",
    );
    expect(rollup).not.toContain("Tools");
    // The org's budget first, then the teams (Core before Apps).
    const org = rollup?.indexOf("November so far $1,560 of $5,000") ?? -1;
    const teams = rollup?.indexOf("*Teams*") ?? -1;
    expect(org).toBeGreaterThan(-1);
    expect(teams).toBeGreaterThan(org);
    expect(rollup?.indexOf("*Core*")).toBeLessThan(rollup?.indexOf("*Apps*") ?? 0);
    // The notification says it in words too.
    expect(String(posts()[0]?.text)).toContain("Core over its budget, Apps at 84% of its budget");
  });

  it("a team's threshold is told once: the next morning's run posts nothing new", async () => {
    const { teamDeps } = await teamSetup([["core", 1500]]);
    await runAlerts({ date: "2026-11-25" }, teamDeps());
    const again = await runAlerts({ date: "2026-11-25" }, teamDeps());
    const tomorrow = await runAlerts({ date: "2026-11-26" }, teamDeps());
    expect(again).toMatchObject({ posted: 0, failed: 0 });
    expect(tomorrow).toMatchObject({ posted: 0, failed: 0 });
    expect(posts()).toHaveLength(1);
  });

  it("a team in TEAM_BUDGETS the roster does not have is logged and counted as failed", async () => {
    const { teamDeps, logs } = await teamSetup([
      ["ghosts", 10],
      ["core", 1500],
    ]);
    const counts = await runAlerts({ date: "2026-11-25" }, teamDeps());
    expect(counts).toMatchObject({ posted: 1, failed: 1 });
    expect(texts()[0]).toContain("*Core* is over its budget");
    expect(texts()[0]).not.toContain("ghosts");
    expect(logs.join("\n")).toContain("TEAM_BUDGETS names a team the roster does not have");
  });
});

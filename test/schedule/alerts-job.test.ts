import { WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import { createAdminClient } from "../../src/anthropic/client.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { type AlertsDeps, runAlerts } from "../../src/schedule/alerts-job.js";
import type { Store } from "../../src/store/store.js";
import { FAKE_ADMIN_KEY, type FakeAdminApi, startFakeAdminApi } from "../support/fake-admin-api.js";
import { FAKE_BOT_TOKEN, type FakeSlackApi, startFakeSlackApi } from "../support/fake-slack-api.js";
import { apiRecord } from "../support/records.js";
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
        budgetMonthlyCents: budgetUsd === undefined ? undefined : budgetUsd * 100,
        spike: { factor: 3, floorCents: 20_00, trailingDays: 14 },
      },
      now: () => now,
    }),
  };
}

const texts = () =>
  (slack?.messages ?? []).map((m) => `${String(m.text)} | ${JSON.stringify(m.blocks)}`);

describe("runAlerts", () => {
  it("announces the highest budget threshold reached, once a month, and a person's spike once", async () => {
    const { deps } = await setup();
    // Month to date: 23 × $60 + $180 = $1,560 of a $1,800 budget → 86.7 %: 50 and 80 crossed.
    const first = await runAlerts({ date: "2026-11-25" }, deps(1800));
    expect(first).toMatchObject({ posted: 2, failed: 0 });
    const [budget, spike] = texts();
    expect(budget).toContain("Claude Code budget: 87% of $1,800.00 used (2026-11)");
    expect(budget).toContain("passed 80% of this month's budget: *$1,560.00* of $1,800.00");
    expect(budget).toContain("On pace for $1,950.00 by the end of the month · 6 days left");
    expect(spike).toContain(
      "Ada Lovelace spent *$150.00*, 5.0× the median of the 14 days before ($30.00)",
    );

    const again = await runAlerts({ date: "2026-11-25" }, deps(1800));
    expect(again).toMatchObject({ posted: 0, alreadyDelivered: 2 });
    expect(slack?.messages).toHaveLength(2);
  });

  it("the lower threshold reached with a higher one is not announced afterwards", async () => {
    const { store, deps } = await setup();
    await runAlerts({ date: "2026-11-25" }, deps(1800));
    const fifty = await store.ledger.get({
      kind: "alert-budget",
      target: "CALERTS",
      period: "2026-11:50",
    });
    expect(fifty).toMatchObject({ status: "delivered", ts: "superseded-by-80" });
  });

  it("every claim, posted or covered, records the date of the run", async () => {
    const { store, deps } = await setup();
    await runAlerts({ date: "2026-11-25" }, deps(1800));
    const rows = await store.ledger.list();
    expect(rows.map((r) => r.kind).sort()).toEqual(["alert-budget", "alert-budget", "alert-spike"]);
    expect(new Set(rows.map((r) => r.run_date))).toEqual(new Set(["2026-11-25"]));
  });

  it("no budget, no budget alert; the org's spend is not a spike (1.7×)", async () => {
    const { deps } = await setup();
    await runAlerts({ date: "2026-11-25" }, deps());
    expect(texts()).toHaveLength(1);
    expect(texts()[0]).toContain("Spend spike on Tue 24 Nov");
    expect(texts().join("")).not.toContain("the whole org");
  });

  it("personal budgets: one message per person for the highest threshold, each once a month", async () => {
    const { store, deps } = await setup();
    // Month to date: Ada 23 × $30 + $150 = $840, Bob 24 × $30 = $720.
    const withBudgets = (defaultUsd: number, overrides: [string, number | null][] = []) => {
      const d = deps();
      d.config.personalBudgets = {
        defaultCents: defaultUsd * 100,
        overrides: new Map(overrides.map(([k, usd]) => [k, usd === null ? null : usd * 100])),
      };
      d.config.spike.floorCents = 1e9; // budgets only
      return d;
    };
    // $1,000 each: Ada at 84 % (80 crossed), Bob at 72 % (nothing).
    expect(await runAlerts({ date: "2026-11-25" }, withBudgets(1000))).toMatchObject({
      posted: 1,
      failed: 0,
    });
    expect(texts()[0]).toContain(
      "Ada Lovelace has passed 80% of their monthly budget for Claude Code: *$840.00* of $1,000.00.",
    );
    expect(texts()[0]).toContain("Claude Code budget of Ada Lovelace: 84% of $1,000.00 used");

    // Later the same month, Bob gets a $700 budget (over it: 103 %) and Ada's is lowered to $800
    // (105 %): two people at once get one message together. Ada's 80 % was announced already;
    // Bob's 80 % is covered by the shared message, as is each one's 100 %.
    const next = withBudgets(1000, [
      ["user:bob@example.com", 700],
      ["user:ada@example.com", 800],
    ]);
    expect(await runAlerts({ date: "2026-11-25" }, next)).toMatchObject({ posted: 1 });
    expect(texts()).toHaveLength(2);
    const shared = texts()[1];
    expect(shared).toContain("Claude Code budgets: 2 people at 80% or more (2026-11)");
    expect(shared).toContain("(2 of them are over it)");
    expect(shared).toContain(
      "🚨 Ada Lovelace: *$840.00* of $800.00 (105%) · on pace for $1,050.00\\n🚨 bob@example.com: *$720.00* of $700.00 (103%)",
    );
    const covered = await store.ledger.list();
    expect(
      covered
        .filter((d) => d.kind === "alert-user-budget")
        .map((d) => [d.period, d.status, d.ts?.replace(/[0-9a-f]{16}$/, "…")]),
    ).toEqual(
      expect.arrayContaining([
        ["2026-11:user:ada@example.com:80", "delivered", expect.stringMatching(/^\d+\.\d+$/)],
        ["2026-11:user:ada@example.com:100", "delivered", "in-alert-user-budgets-…"],
        ["2026-11:user:bob@example.com:80", "delivered", "in-alert-user-budgets-…"],
        ["2026-11:user:bob@example.com:100", "delivered", "in-alert-user-budgets-…"],
      ]),
    );

    // Every threshold reached is announced: nothing more this month.
    expect(await runAlerts({ date: "2026-11-25" }, next)).toMatchObject({ posted: 0 });
    expect(slack?.messages).toHaveLength(2);
  });

  it("a dry run posts nothing and claims nothing", async () => {
    const { store, deps } = await setup();
    const counts = await runAlerts({ date: "2026-11-25", dryRun: true }, deps(1800));
    expect(counts.planned.map((p) => p.channel)).toEqual(["CALERTS", "CALERTS"]);
    expect(slack?.messages).toHaveLength(0);
    expect(await store.ledger.list()).toEqual([]);
  });
});

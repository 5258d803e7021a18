import { describe, expect, it } from "vitest";
import { apiRecord, type RecordSpec } from "../../fakes/records.js";
import type { UsageSource } from "../../src/anthropic/client.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createMemoryDayCache } from "../../src/store/day-cache.js";
import { createMemoryFirstSeen, type FirstSeen } from "../../src/store/first-seen.js";
import { parsePeriod } from "../../src/usage/periods.js";

/* The loader feeds the first-seen record with every day it loads, and reports read "new" from it. */

const SONNET = "claude-sonnet-4-5-20250929";
const now = new Date("2026-11-25T10:00:00Z");
const period = (text: string) => parsePeriod(text, { now, timeZone: "UTC" });

/** Who used Claude Code on which day: Ada all along, Bob from 3 Nov then away, Cy from 20 Nov. */
function activity(day: string): RecordSpec[] {
  const people: RecordSpec[] = [{ email: "ada@example.com", models: [[SONNET, 100]] }];
  if (day >= "2026-11-03" && day <= "2026-11-05") people.push({ email: "bob@example.com" });
  if (day >= "2026-11-20") people.push({ email: "bob@example.com" }, { email: "cy@example.com" });
  people.push({ apiKey: "ci-bot", models: [[SONNET, 500]] });
  return people;
}

/** One page a day, straight from `activity`. */
const source: UsageSource = {
  async *pages(day) {
    const { records } = parseRecords(activity(day).map((s) => apiRecord({ ...s, day })));
    yield { records, invalid: [], hasMore: false, nextPage: null };
  },
};

function loaderWith(firstSeen: FirstSeen | undefined, errors: string[] = []) {
  return createUsageLoader({
    source,
    cache: createMemoryDayCache(),
    firstSeen,
    onFirstSeenError: (_error, { operation }) => errors.push(operation),
    now: () => now,
  });
}

describe("first-seen through the loader", () => {
  it("someone back after a break is not new once their earlier days were loaded", async () => {
    const loader = loaderWith(createMemoryFirstSeen());
    await loader.loadDays(period("last 30 days").days);
    const week = await loader.loadReport(period("last 7 days"));
    expect(week.adoption).toEqual({
      newUsers: ["cy@example.com"],
      newKnown: true,
      stoppedUsers: [],
    });
  });

  it("with only the period and the one before loaded, new is who appears first in them", async () => {
    const loader = loaderWith(createMemoryFirstSeen());
    const week = await loader.loadReport(period("last 7 days"));
    expect(week.adoption?.newUsers).toEqual(["bob@example.com", "cy@example.com"]);
  });

  it("without a record, reports do not say who is new", async () => {
    const week = await loaderWith(undefined).loadReport(period("last 7 days"));
    expect(week.adoption).toEqual({ newUsers: [], newKnown: false, stoppedUsers: [] });
  });

  it("a failing record fails no report: it just cannot say who is new", async () => {
    const errors: string[] = [];
    const broken: FirstSeen = {
      record: () => Promise.reject(new Error("database is gone")),
      firstIn: () => Promise.resolve(new Map([["user:ada@example.com", "2026-11-20"]])),
    };
    const week = await loaderWith(broken, errors).loadReport(period("last 7 days"));
    expect(week.totals.activeUsers).toBe(3);
    expect(week.adoption?.newKnown).toBe(false);
    expect(week.adoption?.newUsers).toEqual([]);
    expect(errors).toContain("record 2026-11-24");

    const unreadable: FirstSeen = {
      record: () => Promise.resolve(),
      firstIn: () => Promise.reject(new Error("database is gone")),
    };
    const again = await loaderWith(unreadable, errors).loadReport(period("last 7 days"));
    expect(again.adoption?.newKnown).toBe(false);
    expect(errors).toContain("read");
  });
});

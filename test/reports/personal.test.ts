import { describe, expect, it } from "vitest";
import { apiRecord } from "../../fakes/records.js";
import type { UsageSource } from "../../src/anthropic/client.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createReports } from "../../src/reports/index.js";
import { createMemoryDayCache } from "../../src/store/day-cache.js";
import { parsePeriod } from "../../src/usage/periods.js";

const SONNET = "claude-sonnet-4-5-20250929";
const now = new Date("2026-11-25T09:00:00Z");
const yesterday = parsePeriod("yesterday", { now, timeZone: "UTC" });

/** Ada works weekdays at $11, $12 on Mondays; Bob starts on the 23rd. Days asked are counted. */
function counted() {
  const asked: string[] = [];
  const source: UsageSource = {
    async *pages(day) {
      asked.push(day);
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      const specs = [];
      if (weekday !== 0 && weekday !== 6) {
        const cents = day === "2026-11-24" ? 3300 : weekday === 1 ? 1200 : 1100;
        specs.push({
          email: "ada@example.com",
          day,
          models: [[SONNET, cents]] as [string, number][],
        });
      }
      if (day >= "2026-11-23") specs.push({ email: "bob@example.com", day });
      const { records } = parseRecords(specs.map(apiRecord));
      yield { records, invalid: [], hasMore: false, nextPage: null };
    },
  };
  return { asked, source };
}

describe("reports.personal", () => {
  it("reads the person's usual day from the four weeks before, through the day cache", async () => {
    const { asked, source } = counted();
    const loader = createUsageLoader({ source, cache: createMemoryDayCache(), now: () => now });
    const reports = createReports({ loader, now: () => now });
    const mine = await reports.personal("ada@example.com", yesterday);
    expect(mine.usual).toEqual({ cents: 1100, activeDays: 20 });
    expect(new Set(asked).size).toBe(1 + 28);
    // Asked again (the next `me`), every day comes from the cache.
    await reports.personal("ada@example.com", yesterday);
    expect(asked).toHaveLength(1 + 28);
  });

  it("someone new this week has no usual day yet", async () => {
    const loader = createUsageLoader({ source: counted().source, now: () => now });
    const mine = await createReports({ loader, now: () => now }).personal(
      "bob@example.com",
      yesterday,
    );
    expect(mine.usual).toBeNull();
    expect(mine.report.actors.map((a) => a.name)).toContain("bob@example.com");
  });

  it("weeks that cannot be loaded leave out the comparison, not the person's numbers", async () => {
    const { source } = counted();
    const flaky: UsageSource = {
      pages: (day, signal) => {
        if (day < yesterday.from) throw new Error("the API is down for old days");
        return source.pages(day, signal);
      },
    };
    const loader = createUsageLoader({ source: flaky, now: () => now });
    const mine = await createReports({ loader, now: () => now }).personal(
      "ada@example.com",
      yesterday,
    );
    expect(mine.usual).toBeNull();
    expect(mine.report.totals.costCents).toBe(3300);
  });
});

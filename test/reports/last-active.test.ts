import { describe, expect, it } from "vitest";
import { apiRecord, type RecordSpec } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { findLastActiveDay } from "../../src/reports/last-active.js";
import { compactDay } from "../../src/usage/day-builder.js";
import { lastActiveDay } from "../../src/usage/last-active.js";

/** A loader over a few active days; every day asked for is counted. */
function loaderOf(active: Record<string, RecordSpec[]>) {
  const asked: string[] = [];
  return {
    asked,
    async loadDayParts(days: readonly string[]) {
      asked.push(...days);
      return days.map((day) =>
        compactDay(
          day,
          parseRecords((active[day] ?? []).map((s) => apiRecord({ ...s, day }))).records,
        ),
      );
    },
  };
}

const ADA = "user:ada@example.com";

describe("lastActiveDay", () => {
  it("is the latest day with a session or a cost; an actor with neither is not active", async () => {
    const { loadDayParts } = loaderOf({
      "2026-11-10": [{ email: "ada@example.com" }],
      "2026-11-13": [{ email: "ada@example.com" }],
      "2026-11-14": [{ email: "ada@example.com", sessions: 0 }],
      "2026-11-15": [{ email: "bob@example.com" }],
    });
    const parts = await loadDayParts(["2026-11-15", "2026-11-13", "2026-11-14", "2026-11-10"]);
    expect(lastActiveDay(parts, ADA)).toBe("2026-11-13");
    expect(lastActiveDay(parts, "user:cy@example.com")).toBeUndefined();
  });
});

describe("findLastActiveDay", () => {
  it("finds a recent day in the first batch of 30 days, without loading more", async () => {
    const loader = loaderOf({ "2026-11-13": [{ email: "ada@example.com" }] });
    expect(await findLastActiveDay(loader, ADA, "2026-11-24")).toBe("2026-11-13");
    expect(loader.asked).toHaveLength(30);
    expect(loader.asked).not.toContain("2026-11-24"); // the period itself is not looked at again
  });

  it("looks further back a batch at a time, and never more than 90 days", async () => {
    const found = loaderOf({ "2026-09-01": [{ email: "ada@example.com" }] });
    expect(await findLastActiveDay(found, ADA, "2026-11-24")).toBe("2026-09-01");
    const none = loaderOf({ "2026-08-01": [{ email: "ada@example.com" }] });
    expect(await findLastActiveDay(none, ADA, "2026-11-24")).toBeNull();
    expect(new Set(none.asked).size).toBe(90);
    expect([...none.asked].sort()[0]).toBe("2026-08-26");
  });
});

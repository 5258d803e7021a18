import { describe, expect, it } from "vitest";
import { parseRecords } from "../../src/anthropic/records.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { aggregateDay } from "../../src/usage/day-builder.js";

describe("createSyntheticOrg", () => {
  it("is deterministic: the same seed gives the same records", () => {
    const a = createSyntheticOrg({ seed: 1, users: 50 });
    const b = createSyntheticOrg({ seed: 1, users: 50 });
    expect(a.records("2026-11-24", 0, 1000)).toEqual(b.records("2026-11-24", 0, 1000));
    expect(createSyntheticOrg({ seed: 2, users: 50 }).records("2026-11-24", 0, 1000)).not.toEqual(
      a.records("2026-11-24", 0, 1000),
    );
  });

  it("pages are slices of one stable order", () => {
    const org = createSyntheticOrg({ users: 80 });
    const all = org.records("2026-11-24", 0, 1000);
    expect(all).toHaveLength(org.recordCount("2026-11-24"));
    expect([...org.records("2026-11-24", 0, 10), ...org.records("2026-11-24", 10, 1000)]).toEqual(
      all,
    );
  });

  it("looks like an org: valid records, people on two terminals, API keys, quieter weekends", () => {
    const org = createSyntheticOrg({ users: 400 });
    const weekday = parseRecords(org.records("2026-11-24", 0, 1000));
    expect(weekday.invalid).toEqual([]);
    const agg = aggregateDay("2026-11-24", weekday.records);
    expect([...agg.actors.values()].some((a) => a.terminals.length === 2)).toBe(true);
    expect([...agg.actors.values()].some((a) => a.type === "api_key")).toBe(true);
    expect(org.recordCount("2026-11-22")).toBeLessThan(org.recordCount("2026-11-24") / 2); // a Sunday
  });

  it("gives every person a distinct email, even in a large org", () => {
    const org = createSyntheticOrg({ users: 10_000 });
    const emails = new Set(Array.from({ length: 10_000 }, (_, i) => org.email(i)));
    expect(emails.size).toBe(10_000);
  });
});

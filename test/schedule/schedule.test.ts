import { describe, expect, it } from "vitest";
import { isValidCron, lastRunToday, localDate, nextRunAfter } from "../../src/schedule/cron.js";
import { plannedDigests } from "../../src/schedule/digest-plan.js";

const both = { weeklyOnMonday: true, monthlyOnFirst: true };
const plan = (date: string, options = both) =>
  plannedDigests(date, options).map((p) => [p.kind, p.period.from, p.period.to]);

describe("plannedDigests", () => {
  it("a weekday covers yesterday", () => {
    expect(plan("2026-11-25")).toEqual([["daily", "2026-11-24", "2026-11-24"]]);
  });

  it("a Monday covers the whole previous week (or just Sunday when disabled)", () => {
    expect(plan("2026-11-23")).toEqual([["weekly", "2026-11-16", "2026-11-22"]]);
    expect(plan("2026-11-23", { ...both, weeklyOnMonday: false })).toEqual([
      ["daily", "2026-11-22", "2026-11-22"],
    ]);
  });

  it("the 1st adds the previous month, across a year end, and on a Monday as well", () => {
    expect(plan("2026-12-01")).toEqual([
      ["daily", "2026-11-30", "2026-11-30"],
      ["monthly", "2026-11-01", "2026-11-30"],
    ]);
    expect(plan("2027-01-01")).toContainEqual(["monthly", "2026-12-01", "2026-12-31"]);
    expect(plan("2027-02-01")).toEqual([
      ["weekly", "2027-01-25", "2027-01-31"],
      ["monthly", "2027-01-01", "2027-01-31"],
    ]);
    expect(plan("2026-12-01", { ...both, monthlyOnFirst: false })).toHaveLength(1);
  });
});

describe("cron in a timezone", () => {
  it("validates expressions", () => {
    expect(isValidCron("0 9 * * 1-5")).toBe(true);
    expect(isValidCron("61 9 * * *")).toBe(false);
  });

  it("09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer, across both DST changes", () => {
    // Spring forward: Sunday 29 March 2026. Fall back: Sunday 25 October 2026.
    expect(
      nextRunAfter("0 9 * * 1-5", "Europe/Berlin", new Date("2026-03-27T09:00:00Z"))?.toISOString(),
    ).toBe("2026-03-30T07:00:00.000Z");
    expect(
      nextRunAfter("0 9 * * 1-5", "Europe/Berlin", new Date("2026-10-23T09:00:00Z"))?.toISOString(),
    ).toBe("2026-10-26T08:00:00.000Z");
  });

  it("09:00 in New York moves with US DST (8 March and 1 November 2026)", () => {
    expect(
      nextRunAfter(
        "0 9 * * *",
        "America/New_York",
        new Date("2026-03-07T15:00:00Z"),
      )?.toISOString(),
    ).toBe("2026-03-08T13:00:00.000Z");
    expect(
      nextRunAfter(
        "0 9 * * *",
        "America/New_York",
        new Date("2026-10-31T14:00:00Z"),
      )?.toISOString(),
    ).toBe("2026-11-01T14:00:00.000Z");
  });

  it("a time that does not exist on the spring-forward day is skipped, as cron does", () => {
    const next = nextRunAfter("30 2 * * *", "Europe/Berlin", new Date("2026-03-28T02:00:00Z"));
    expect(next?.toISOString()).toBe("2026-03-30T00:30:00.000Z");
  });

  it("finds today's missed run for catch-up, and none before it or on another day", () => {
    const berlin = "Europe/Berlin";
    expect(
      lastRunToday("0 9 * * 1-5", berlin, new Date("2026-11-25T10:30:00Z"))?.toISOString(),
    ).toBe("2026-11-25T08:00:00.000Z");
    expect(lastRunToday("0 9 * * 1-5", berlin, new Date("2026-11-25T07:59:00Z"))).toBeNull();
    expect(lastRunToday("0 9 * * 1-5", berlin, new Date("2026-11-28T10:30:00Z"))).toBeNull(); // a Saturday
    expect(localDate(new Date("2026-11-25T23:30:00Z"), berlin)).toBe("2026-11-26");
  });
});

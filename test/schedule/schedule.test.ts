import { describe, expect, it } from "vitest";
import { isValidCron, lastRunToday, localDate, nextRunAfter } from "../../src/schedule/cron.js";
import { plannedDigests } from "../../src/schedule/due.js";

const both = { weeklyOnMonday: true, monthlyOnFirst: true };
const plan = (date: string, options = both) =>
  plannedDigests(date, options).map((p) => [p.kind, p.period.from, p.period.to]);

describe("plannedDigests", () => {
  it("a weekday covers yesterday", () => {
    expect(plan("2026-11-25")).toEqual([["daily", "2026-11-24", "2026-11-24"]]);
  });

  it("a Monday covers the whole previous week (or Friday to Sunday when disabled)", () => {
    expect(plan("2026-11-23")).toEqual([["weekly", "2026-11-16", "2026-11-22"]]);
    expect(plan("2026-11-23", { ...both, weeklyOnMonday: false })).toEqual([
      ["daily", "2026-11-20", "2026-11-22"],
    ]);
    expect(plannedDigests("2026-11-23", { ...both, weeklyOnMonday: false })[0]?.period.name).toBe(
      "since Friday",
    );
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

  it("a month whose 1st falls on a weekend gets its monthly on the first working day", () => {
    // Sunday 1 November 2026: Monday the 2nd, with the week (or Friday to Sunday) as well.
    expect(plan("2026-11-01")).toEqual([]);
    expect(plan("2026-11-02")).toEqual([
      ["weekly", "2026-10-26", "2026-11-01"],
      ["monthly", "2026-10-01", "2026-10-31"],
    ]);
    expect(plan("2026-11-02", { ...both, weeklyOnMonday: false })).toEqual([
      ["daily", "2026-10-30", "2026-11-01"],
      ["monthly", "2026-10-01", "2026-10-31"],
    ]);
    // Sunday 1 August 2027: Monday the 2nd; Saturday 1 May 2027: Monday the 3rd, not the 2nd.
    expect(plan("2027-08-02")).toContainEqual(["monthly", "2027-07-01", "2027-07-31"]);
    expect(plan("2027-05-03")).toContainEqual(["monthly", "2027-04-01", "2027-04-30"]);
    expect(plan("2027-05-04")).toEqual([["daily", "2027-05-03", "2027-05-03"]]);
  });

  it("a Saturday or Sunday run plans nothing: no working day is reported then", () => {
    expect(plan("2026-11-28")).toEqual([]);
    expect(plan("2026-11-29")).toEqual([]);
    expect(plan("2027-05-01")).toEqual([]);
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

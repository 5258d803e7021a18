import { describe, expect, it } from "vitest";
import {
  comparisonPeriod,
  isFinalDay,
  PeriodError,
  parsePeriod,
  previousPeriod,
  shiftDay,
  todayIn,
  unsettledDays,
} from "../../src/usage/periods.js";

// Wednesday 25 Nov 2026, 10:00 UTC.
const now = new Date("2026-11-25T10:00:00Z");
const utc = { now, timeZone: "UTC" };
const range = (input: string, options = utc) => {
  const p = parsePeriod(input, options);
  return [p.from, p.to, p.days.length];
};

describe("parsePeriod", () => {
  it("defaults to yesterday when empty", () => {
    expect(range("")).toEqual(["2026-11-24", "2026-11-24", 1]);
    expect(parsePeriod(undefined, utc).name).toBe("yesterday");
  });

  it("reads today and yesterday, ignoring case and spaces", () => {
    expect(range("today")).toEqual(["2026-11-25", "2026-11-25", 1]);
    expect(range("  YESTERDAY ")).toEqual(["2026-11-24", "2026-11-24", 1]);
  });

  it("takes today in the report timezone: late evening in New York is still the 24th", () => {
    const late = new Date("2026-11-25T03:00:00Z"); // 22:00 on the 24th in New York
    expect(range("today", { now: late, timeZone: "America/New_York" })).toEqual([
      "2026-11-24",
      "2026-11-24",
      1,
    ]);
    expect(range("today", { now: late, timeZone: "Asia/Tokyo" })).toEqual([
      "2026-11-25",
      "2026-11-25",
      1,
    ]);
  });

  it("reads a single ISO day and an inclusive range", () => {
    expect(range("2026-11-02")).toEqual(["2026-11-02", "2026-11-02", 1]);
    const p = parsePeriod("2026-10-30..2026-11-02", utc);
    expect(p.days).toEqual(["2026-10-30", "2026-10-31", "2026-11-01", "2026-11-02"]);
    expect(range("2026-11-01 to 2026-11-07")).toEqual(["2026-11-01", "2026-11-07", 7]);
  });

  it("reads last N days and Nd as full days ending yesterday", () => {
    expect(range("last 7 days")).toEqual(["2026-11-18", "2026-11-24", 7]);
    expect(range("30d")).toEqual(["2026-10-26", "2026-11-24", 30]);
    expect(range("past 1 day")).toEqual(["2026-11-24", "2026-11-24", 1]);
    expect(range("7 days")).toEqual(["2026-11-18", "2026-11-24", 7]);
  });

  it("reads ISO weeks (Monday to Sunday) and calendar months", () => {
    expect(range("this week")).toEqual(["2026-11-23", "2026-11-25", 3]);
    expect(range("last week")).toEqual(["2026-11-16", "2026-11-22", 7]);
    expect(range("this month")).toEqual(["2026-11-01", "2026-11-25", 25]);
    expect(range("last month")).toEqual(["2026-10-01", "2026-10-31", 31]);
    expect(range("2026-02")).toEqual(["2026-02-01", "2026-02-28", 28]);
    expect(range("2026-11")).toEqual(["2026-11-01", "2026-11-25", 25]);
  });

  it("handles last month across a year boundary and leap February", () => {
    const jan = { now: new Date("2025-01-10T12:00:00Z"), timeZone: "UTC" };
    expect(range("last month", jan)).toEqual(["2024-12-01", "2024-12-31", 31]);
    const march = { now: new Date("2024-03-05T12:00:00Z"), timeZone: "UTC" };
    expect(range("last month", march)).toEqual(["2024-02-01", "2024-02-29", 29]);
  });

  it("this week on a Monday is just that Monday; last week on a Sunday ends 7 days before", () => {
    const monday = { now: new Date("2026-11-23T08:00:00Z"), timeZone: "UTC" };
    expect(range("this week", monday)).toEqual(["2026-11-23", "2026-11-23", 1]);
    const sunday = { now: new Date("2026-11-29T08:00:00Z"), timeZone: "UTC" };
    expect(range("last week", sunday)).toEqual(["2026-11-16", "2026-11-22", 7]);
  });

  it.each([
    ["gibberish", /don't understand/],
    ["last fortnight", /don't understand/],
    ["2026-02-30", /not a valid date/],
    ["2026-13-01", /not a valid date/],
    ["2026-11-07..2026-11-01", /starts .* after it ends/],
    ["2026-12-01", /in the future/],
    ["2026-11-20..2026-11-26", /in the future/],
    ["0d", /at least one day/],
    ["last 93 days", /longest period I report on is 92 days/],
    ["2026-01-01..2026-11-24", /328 days/],
  ])("rejects %j with a clear reason", (input, reason) => {
    expect(() => parsePeriod(input, utc)).toThrowError(reason);
    try {
      parsePeriod(input, utc);
    } catch (error) {
      expect(error).toBeInstanceOf(PeriodError);
      expect((error as PeriodError).input).toBe(input);
    }
  });

  it("honours a configured cap", () => {
    expect(() => parsePeriod("last 8 days", { ...utc, maxDays: 7 })).toThrowError(/7 days/);
    expect(parsePeriod("last 7 days", { ...utc, maxDays: 7 }).days).toHaveLength(7);
  });

  it("clips very long input in the error message", () => {
    const huge = "x".repeat(10_000);
    expect(() => parsePeriod(huge, utc)).toThrowError(/x{57}…"/);
  });
});

describe("previousPeriod", () => {
  it("is the period of equal length just before", () => {
    const week = parsePeriod("last 7 days", utc);
    const before = previousPeriod(week);
    expect([before.from, before.to, before.days.length]).toEqual(["2026-11-11", "2026-11-17", 7]);
  });

  it("crosses a month boundary for a single day", () => {
    const before = previousPeriod(parsePeriod("2026-11-01", utc));
    expect(before.days).toEqual(["2026-10-31"]);
  });
});

describe("todayIn", () => {
  it("maps the local calendar date to a UTC midnight", () => {
    const today = todayIn(new Date("2026-03-29T23:30:00Z"), "Europe/Berlin");
    expect(today.getTime()).toBe(Date.parse("2026-03-30T00:00:00Z"));
  });
});

describe("shiftDay", () => {
  it("moves a UTC day across month, year and leap-day boundaries", () => {
    expect(shiftDay("2026-03-01", -1)).toBe("2026-02-28");
    expect(shiftDay("2024-03-01", -1)).toBe("2024-02-29");
    expect(shiftDay("2026-12-31", 1)).toBe("2027-01-01");
    expect(shiftDay("2026-11-24", -14)).toBe("2026-11-10");
    expect(shiftDay("2026-11-24", 0)).toBe("2026-11-24");
  });
});

describe("comparisonPeriod: the baseline people compare with", () => {
  const base = (text: string, at = now) => {
    const b = comparisonPeriod(parsePeriod(text, { now: at, timeZone: "UTC" }));
    return `${b.from}..${b.to} (${b.baseline})`;
  };

  it("a day: the same weekday a week earlier, not the day before", () => {
    expect(base("yesterday")).toBe("2026-11-17..2026-11-17 (same weekday)"); // Tue 24 → Tue 17
    expect(base("2026-11-23")).toBe("2026-11-16..2026-11-16 (same weekday)");
  });

  it("a calendar week, whole or to date: the same days of the week before", () => {
    expect(base("last week")).toBe("2026-11-09..2026-11-15 (week)");
    expect(base("this week")).toBe("2026-11-16..2026-11-18 (week)"); // Mon 23 – Wed 25
  });

  it("a calendar month: the month before; to date, the month before to the same day", () => {
    expect(base("2026-10")).toBe("2026-09-01..2026-09-30 (month)");
    expect(base("last month")).toBe("2026-09-01..2026-09-30 (month)");
    expect(base("this month")).toBe("2026-10-01..2026-10-25 (month)");
    // The 1st: one day of the month, compared with the 1st of the month before.
    expect(base("this month", new Date("2026-12-01T10:00:00Z"))).toBe(
      "2026-11-01..2026-11-01 (month)",
    );
    // March to the 30th against a February that has no 30th: all of February.
    expect(base("this month", new Date("2026-03-30T10:00:00Z"))).toBe(
      "2026-02-01..2026-02-28 (month)",
    );
    expect(base("2026-03")).toBe("2026-02-01..2026-02-28 (month)");
  });

  it("anything else: the equal period just before", () => {
    expect(base("last 7 days")).toBe("2026-11-11..2026-11-17 (equal)");
    expect(base("last 30 days")).toBe("2026-09-26..2026-10-25 (equal)");
    expect(base("2026-11-10..2026-11-13")).toBe("2026-11-06..2026-11-09 (equal)");
  });
});

describe("isFinalDay and unsettledDays", () => {
  const at = new Date("2026-11-25T09:00:00Z");
  it("a day is final only the configured time after it ends (26 h by default)", () => {
    expect(isFinalDay("2026-11-25", at)).toBe(false);
    expect(isFinalDay("2026-11-24", at)).toBe(false);
    expect(isFinalDay("2026-11-23", at)).toBe(true);
    expect(isFinalDay("2026-11-24", at, 9 * 3_600_000)).toBe(true);
    expect(isFinalDay("2026-11-24", at, 9 * 3_600_000 + 1)).toBe(false);
  });

  it("splits a period's unsettled days into today (open) and recent (settling)", () => {
    const week = parsePeriod("this week", { now: at, timeZone: "UTC" });
    expect(unsettledDays(week, at)).toEqual({ open: ["2026-11-25"], settling: ["2026-11-24"] });
    const past = parsePeriod("2026-11-01..2026-11-07", { now: at, timeZone: "UTC" });
    expect(unsettledDays(past, at)).toEqual({ open: [], settling: [] });
  });
});

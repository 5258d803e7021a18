import { describe, expect, it } from "vitest";
import {
  formatAbsChange,
  formatBaseline,
  formatCompact,
  formatDay,
  formatDayShort,
  formatPctChange,
  formatPercent,
  formatPeriodDates,
  formatUsd,
  formatUsdShort,
  ordinal,
  shortModel,
  sparkline,
} from "../../src/render/format.js";
import { cents } from "../../src/usage/money.js";
import { comparisonPeriod, parsePeriod } from "../../src/usage/periods.js";
import { change } from "../../src/usage/report.js";

const now = new Date("2026-11-25T10:00:00Z");

describe("money", () => {
  it("shows cents as dollars with two decimals and thousands separators", () => {
    expect(formatUsd(cents(128455))).toBe("$1,284.55");
    expect(formatUsd(cents(388.41))).toBe("$3.88");
    expect(formatUsd(cents(0))).toBe("$0.00");
    expect(formatUsd(cents(0.4))).toBe("<$0.01");
    expect(formatUsdShort(cents(81234))).toBe("$812");
    expect(formatUsdShort(cents(42))).toBe("$0.42");
  });
});

describe("numbers and changes", () => {
  it("compacts large numbers", () => {
    expect(formatCompact(412)).toBe("412");
    expect(formatCompact(38200)).toBe("38.2k");
    expect(formatCompact(1_250_000)).toBe("1.3M");
    expect(formatCompact(152_000_000)).toBe("152M");
    expect(formatCompact(4_000)).toBe("4k");
  });

  it("shows percentages and relative changes with arrows", () => {
    expect(formatPercent(0.912)).toBe("91%");
    expect(formatPercent(null)).toBe("–");
    expect(formatPctChange(change(112, 100))).toBe("▲ 12%");
    expect(formatPctChange(change(97, 100))).toBe("▼ 3%");
    expect(formatPctChange(change(100, 100))).toBe("(=)");
    expect(formatPctChange(change(5, 0))).toBe("new");
    expect(formatPctChange(change(1001, 1000))).toBe("▲ <1%");
    expect(formatPctChange(null)).toBe("");
  });

  it("shows absolute changes for small counts", () => {
    expect(formatAbsChange(change(87, 90))).toBe("▼ 3");
    expect(formatAbsChange(change(23, 21))).toBe("▲ 2");
    expect(formatAbsChange(change(1, 1))).toBe("(=)");
  });
});

describe("the baseline in words", () => {
  const words = (text: string, at = now) => {
    const period = parsePeriod(text, { now: at, timeZone: "UTC" });
    const before = comparisonPeriod(period);
    return formatBaseline({ previousPeriod: before, baseline: before.baseline }, at);
  };

  it("a day is compared with the same weekday a week earlier, by its date", () => {
    expect(words("2026-11-24")).toBe("Tue 17 Nov");
    expect(words("yesterday")).toBe("Tue 17 Nov");
  });

  it("a calendar week with the week before; a week so far with the same days last week", () => {
    expect(words("last week")).toBe("the week before");
    expect(words("this week")).toBe("the same days last week");
  });

  it("a month with the month before by name, to the same day while it is partial", () => {
    expect(words("last month")).toBe("September");
    expect(words("this month")).toBe("October to the 25th");
    expect(words("2026-10")).toBe("September");
    expect(words("this month", new Date("2026-03-31T12:00:00Z"))).toBe("February");
    expect(words("this month", new Date("2026-12-02T12:00:00Z"))).toBe("November to the 2nd");
  });

  it("anything else with the equal period before, by its length", () => {
    expect(words("last 14 days")).toBe("the previous 14 days");
    expect(words("2026-11-03..2026-11-05")).toBe("the previous 3 days");
  });

  it("says nothing without a baseline", () => {
    expect(formatBaseline({ previousPeriod: null, baseline: null }, now)).toBeNull();
  });

  it("ordinals read as written", () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 30, 31].map(ordinal).join(" ")).toBe(
      "1st 2nd 3rd 4th 11th 12th 13th 21st 22nd 23rd 30th 31st",
    );
  });
});

describe("dates in words", () => {
  it("names a day, with the year only when it is not this year", () => {
    expect(formatDay("2026-11-24", now)).toBe("Tue 24 Nov");
    expect(formatDay("2025-12-31", now)).toBe("Wed 31 Dec 2025");
  });

  it("names axis days short, without the year", () => {
    expect(formatDayShort("2026-11-24")).toBe("24 Nov");
    expect(formatDayShort("2025-01-05", true)).toBe("Sun 5 Jan");
  });

  it("names ranges compactly", () => {
    expect(formatPeriodDates({ from: "2026-11-16", to: "2026-11-22" }, now)).toBe(
      "Mon 16 – Sun 22 Nov",
    );
    expect(formatPeriodDates({ from: "2026-10-26", to: "2026-11-01" }, now)).toBe(
      "Mon 26 Oct – Sun 1 Nov",
    );
    expect(formatPeriodDates({ from: "2025-12-29", to: "2026-01-04" }, now)).toBe(
      "Mon 29 Dec 2025 – Sun 4 Jan 2026",
    );
  });
});

describe("models and sparklines", () => {
  it("shortens model ids", () => {
    expect(shortModel("claude-opus-4-1-20250805")).toBe("opus-4-1");
    expect(shortModel("some-new-model")).toBe("some-new-model");
  });

  it("draws a sparkline scaled from zero to the maximum", () => {
    expect(sparkline([0, 7, 3.5])).toBe("▁█▅");
    expect(sparkline([0, 0])).toBe("▁▁");
    expect(sparkline([])).toBe("");
  });
});

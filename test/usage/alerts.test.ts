import { describe, expect, it } from "vitest";
import { budgetStatus, median, personalBudgetsCrossed, spikeOf } from "../../src/usage/alerts.js";
import { type Cents, cents } from "../../src/usage/money.js";

describe("budgetStatus", () => {
  it("finds the thresholds crossed and projects the month", () => {
    const s = budgetStatus(cents(850_00), cents(1000_00), "2026-11-24");
    expect(s).toMatchObject({
      month: "2026-11",
      crossed: [50, 80],
      daysElapsed: 24,
      daysInMonth: 30,
    });
    expect(s.projectedCents).toBeCloseTo((850_00 / 24) * 30, 6);
    expect(budgetStatus(cents(1000_00), cents(1000_00), "2026-02-10").crossed).toEqual([
      50, 80, 100,
    ]);
    expect(budgetStatus(cents(499_99), cents(1000_00), "2026-02-10")).toMatchObject({
      crossed: [],
      daysInMonth: 28,
    });
  });
});

describe("personal budgets", () => {
  const actor = (key: string, costCents: number) => ({
    key,
    type: key.startsWith("user:") ? "user" : "api_key",
    costCents: cents(costCents),
  });
  const actors = [
    actor("user:ada@example.com", 450_00), // 90 % of the $500 default
    actor("user:bob@example.com", 300_00), // 60 %: not news
    actor("user:cy@example.com", 2000_00), // no budget (off)
    actor("user:dee@example.com", 250_00), // 125 % of her own $200
    actor("api_key:ci-bot", 900_00), // API keys: no default budget
    actor("api_key:nightly", 60_00), // 120 % of its $50
  ];
  const budgets = {
    defaultCents: cents(500_00),
    overrides: new Map<string, Cents | null>([
      ["user:cy@example.com", null],
      ["user:dee@example.com", cents(200_00)],
      ["api_key:nightly", cents(50_00)],
    ]),
  };

  it("the default applies to people, overrides to anyone; most over budget first; only 80 and 100 %", () => {
    const over = personalBudgetsCrossed(actors, budgets, "2026-11-24");
    expect(over.map((o) => [o.actor.key, o.status.crossed, o.status.budgetCents])).toEqual([
      ["user:dee@example.com", [80, 100], 200_00],
      ["api_key:nightly", [80, 100], 50_00],
      ["user:ada@example.com", [80], 500_00],
    ]);
    expect(over[2]?.status.projectedCents).toBeCloseTo((450_00 / 24) * 30, 6);
  });

  it("no default and no overrides: nobody has a budget", () => {
    expect(personalBudgetsCrossed(actors, { overrides: new Map() }, "2026-11-24")).toEqual([]);
  });
});

describe("spikes", () => {
  const rule = { factor: 3, floorCents: cents(20_00) };

  it("median of odd, even and empty lists", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });

  it("a day far above the trailing median, and above the floor, is a spike", () => {
    const spike = spikeOf(
      "user:a",
      "a",
      cents(150_00),
      [cents(30_00), cents(40_00), cents(20_00), cents(0), cents(35_00)],
      rule,
    );
    expect(spike).toEqual({
      key: "user:a",
      name: "a",
      costCents: 150_00,
      medianCents: 30_00,
      factor: 5,
    });
  });

  it("not a spike: under the factor, or under the floor however large the factor", () => {
    expect(
      spikeOf("user:a", "a", cents(80_00), [cents(30_00), cents(30_00), cents(30_00)], rule),
    ).toBeNull();
    expect(
      spikeOf("user:a", "a", cents(19_00), [cents(0), cents(0), cents(1_00)], rule),
    ).toBeNull();
  });

  it("someone new spending heavily is a spike (median 0)", () => {
    expect(
      spikeOf("user:new", "new", cents(50_00), [cents(0), cents(0), cents(0)], rule)?.factor,
    ).toBe(Number.POSITIVE_INFINITY);
  });
});

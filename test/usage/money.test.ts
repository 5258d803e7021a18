import { describe, expect, it } from "vitest";
import { apiRecord } from "../../fakes/records.js";
import { parseRecords } from "../../src/anthropic/records.js";
import { formatUsd } from "../../src/render/format.js";
import { aggregateDay } from "../../src/usage/day-builder.js";
import {
  addMicros,
  type Cents,
  centsToMicros,
  type Micros,
  microsToCents,
  sumCents,
  usdToCents,
} from "../../src/usage/money.js";

/* Money: µ$ while summing, cents from there on, and the types keep the two apart. */

describe("money", () => {
  it("sums fractional API cents exactly, through whole µ$", () => {
    const micros = [0.1, 0.2, 388.41, 11.59].map(centsToMicros).reduce(addMicros);
    expect(micros).toBe(4_003_000);
    expect(microsToCents(micros)).toBe(400.3);
  });

  it("reads a cost sent as a string like one sent as a number", () => {
    const day = (amount: number | string) => {
      const raw = apiRecord({ models: [["claude-sonnet-4-5-20250929", 0]] });
      const [line] = raw.model_breakdown ?? [];
      if (line) line.estimated_cost = { currency: "USD", amount };
      return microsToCents(
        aggregateDay("2026-11-24", parseRecords([raw]).records).totals.costMicros,
      );
    };
    expect(day("12.345")).toBe(12.345);
    expect(day(12.345)).toBe(12.345);
  });

  it("a setting in dollars is whole cents", () => {
    expect(usdToCents(12.345)).toBe(1235);
    expect(usdToCents(0)).toBe(0);
  });

  it("sums cents in order", () => {
    expect(sumCents([usdToCents(1), usdToCents(2.5)])).toBe(350);
    expect(sumCents([])).toBe(0);
  });

  it("does not let µ$ pass for cents, or a bare number for either", () => {
    const micros: Micros = centsToMicros(150);
    // @ts-expect-error µ$ are not cents
    const wrong: Cents = micros;
    // @ts-expect-error a bare number is not cents
    formatUsd(150);
    expect(formatUsd(microsToCents(micros))).toBe("$1.50");
    expect(wrong).toBe(1_500_000);
  });
});

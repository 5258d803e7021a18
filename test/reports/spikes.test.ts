import { describe, expect, it } from "vitest";
import { newsworthySpikes, SPIKE_ORG_SHARE, spikeBar } from "../../src/reports/spikes.js";
import { type Spike, spikeOf } from "../../src/usage/alerts.js";
import { cents } from "../../src/usage/money.js";

/* When a spike is news: far above the person's usual day, and large for the org. */

const rule = { factor: 3, floorCents: cents(20_00) };
const spike = (key: string, costCents: number, medianCents: number): Spike =>
  spikeOf(key, key, cents(costCents), Array(14).fill(cents(medianCents)), rule) as Spike;

describe("spikeBar", () => {
  it("is the fixed floor at a small org, a share of the usual day at a large one", () => {
    expect(SPIKE_ORG_SHARE).toBe(0.05);
    expect(spikeBar(cents(60_00), rule)).toBe(20_00);
    expect(spikeBar(cents(2_000_00), rule)).toBe(100_00);
    expect(spikeBar(cents(2_000_00), { ...rule, orgShare: 0.01 })).toBe(20_00);
  });
});

describe("newsworthySpikes", () => {
  it("a $28 day over a $0.24 median is 117× usual, but not news at a $2,000-a-day org", () => {
    const small = spike("user:quiet", 28_00, 24);
    expect(small.factor).toBeGreaterThan(100);
    expect(newsworthySpikes([small], 2_000_00, rule)).toEqual([]);
    // At a $100-a-day org the same day is 28 % of a day: news.
    expect(newsworthySpikes([small], 100_00, rule)).toEqual([small]);
  });

  it("keeps the large ones, largest first, and the org's own whatever its size", () => {
    const org = spike("org", 5_000_00, 1_500_00);
    const big = spike("user:big", 400_00, 50_00);
    const bigger = spike("api_key:ci", 900_00, 0);
    const tiny = spike("user:tiny", 60_00, 10_00);
    expect(newsworthySpikes([tiny, big, org, bigger], 2_000_00, rule).map((s) => s.key)).toEqual([
      "org",
      "api_key:ci",
      "user:big",
    ]);
  });

  it("with no usual org day (a new org) the fixed floor alone decides", () => {
    const s = spike("user:first", 25_00, 0);
    expect(newsworthySpikes([s], 0, rule)).toEqual([s]);
  });
});

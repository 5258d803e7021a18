import { describe, expect, it } from "vitest";
import { parseRecords } from "../../src/anthropic/records.js";
import { createSyntheticOrg } from "../../src/demo/synthetic-org.js";
import { mergeCompactSteps } from "../../src/usage/compact.js";
import { compactDay } from "../../src/usage/day-builder.js";
import { COLUMN, WIDTH } from "../../src/usage/metrics.js";
import { periodBetween } from "../../src/usage/periods.js";
import { buildReportSteps } from "../../src/usage/report.js";
import { createSpanMerger, mergeSpan } from "../../src/usage/spans.js";
import { ROWS_PER_STEP, runSteps, type Steps } from "../../src/usage/steps.js";

/*
 * Objects and report rows made in steps (so that the Slack app can ack between them): every actor
 * exactly once whatever the step boundaries, and as many steps as the rows ask for.
 */

const org = createSyntheticOrg({ users: 2_600, seed: 5 });
const period = periodBetween("2026-11-02", "2026-11-06");
const part = mergeSpan(
  period.days.map((day) =>
    compactDay(day, parseRecords(org.records(day, 0, Number.MAX_SAFE_INTEGER)).records),
  ),
);
const rows = part.actors.keys.length;

/** Runs the steps, counting them. */
function counted<T>(steps: Steps<T>): { value: T; steps: number } {
  let count = 0;
  for (;;) {
    const next = steps.next();
    if (next.done) return { value: next.value, steps: count };
    count++;
  }
}

describe("computations in steps", () => {
  it("a period of more than two steps' actors is made into objects in one step per ROWS_PER_STEP, each actor once", () => {
    expect(rows).toBeGreaterThan(2 * ROWS_PER_STEP);
    const { value: merged, steps } = counted(mergeCompactSteps([part]));
    expect(steps).toBe(Math.ceil(rows / ROWS_PER_STEP));
    expect(merged.actors.size).toBe(rows);
    // Each row's numbers, read straight from the columns: none dropped or doubled at a boundary.
    part.actors.keys.forEach((key, row) => {
      const actor = merged.actors.get(key);
      expect(actor?.sessions).toBe(part.actors.data[row * WIDTH + COLUMN.sessions]);
      expect(actor?.records).toBe(part.actors.data[row * WIDTH + COLUMN.records]);
    });
    const sessions = [...merged.actors.values()].reduce((sum, a) => sum + a.sessions, 0);
    expect(sessions).toBe(part.totals.sessions);
  });

  it("a report's rows are made in steps too, then sorted: every actor, by cost", () => {
    const current = runSteps(mergeCompactSteps([part]));
    const { value: report, steps } = counted(buildReportSteps({ period, current }));
    expect(steps).toBe(Math.floor(rows / ROWS_PER_STEP) + 1);
    expect(report.actors).toHaveLength(rows);
    expect(new Set(report.actors.map((a) => a.key))).toEqual(new Set(part.actors.keys));
    const costs = report.actors.map((a) => a.costCents as number);
    expect(costs).toEqual([...costs].sort((a, b) => b - a));
  });

  it("a span's part is added to another span in steps, to the same span", () => {
    const merger = createSpanMerger();
    const { steps } = counted(merger.addSteps(part));
    expect(steps).toBe(Math.floor(rows / ROWS_PER_STEP));
    expect(merger.finish()).toEqual(mergeSpan([part]));
  });

  it("no actors: no steps for the objects, one for the report", () => {
    const empty = compactDay("2026-11-07", []);
    const { value: merged, steps } = counted(mergeCompactSteps([empty]));
    expect(steps).toBe(0);
    expect(merged.actors.size).toBe(0);
    expect(counted(buildReportSteps({ period, current: merged })).steps).toBe(1);
  });
});

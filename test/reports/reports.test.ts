import { describe, expect, it } from "vitest";
import type { UsageLoader } from "../../src/loading/usage-loader.js";
import { createReports } from "../../src/reports/index.js";
import { emptyAggregate } from "../../src/usage/aggregate.js";
import { parsePeriod } from "../../src/usage/periods.js";
import { buildReport } from "../../src/usage/report.js";

/** A loader that counts its reports and answers when told to. */
function slowLoader() {
  const calls: string[] = [];
  const waiting: (() => void)[] = [];
  const loader = {
    async loadReport(period, options) {
      calls.push(`${period.from}..${period.to} compare=${options?.compare ?? true}`);
      await new Promise<void>((resolve) => waiting.push(resolve));
      return buildReport({ period, current: emptyAggregate(period.days) });
    },
  } as Pick<UsageLoader, "loadReport"> as UsageLoader;
  return {
    loader,
    calls,
    release: () => {
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
}

const now = new Date("2026-12-04T10:00:00Z");

describe("reports in flight", () => {
  it("the same report asked for at the same moment is loaded once and shared", async () => {
    const { loader, calls, release } = slowLoader();
    const reports = createReports({ loader, now: () => now });
    const period = parsePeriod("last 30 days", { now, timeZone: "UTC" });
    const asked = Array.from({ length: 20 }, () => reports.org(period));
    await Promise.resolve();
    release();
    const answered = await Promise.all(asked);
    expect(calls).toEqual(["2026-11-04..2026-12-03 compare=true"]);
    expect(new Set(answered).size).toBe(1);
  });

  it("everyone sharing a report in flight hears how far it is, late joiners at once", async () => {
    let tell: (p: { done: number; total: number }) => void = () => undefined;
    let finish: () => void = () => undefined;
    const loader = {
      loadReport(period, options) {
        tell = (p) => options?.onProgress?.(p);
        return new Promise((resolve) => {
          finish = () => resolve(buildReport({ period, current: emptyAggregate(period.days) }));
        });
      },
    } as Pick<UsageLoader, "loadReport"> as UsageLoader;
    const reports = createReports({ loader, now: () => now });
    const period = parsePeriod("last 7 days", { now, timeZone: "UTC" });
    const first: string[] = [];
    const late: string[] = [];
    const a = reports.org(period, { onProgress: (p) => first.push(`${p.done}/${p.total}`) });
    tell({ done: 1, total: 14 });
    const b = reports.org(period, { onProgress: (p) => late.push(`${p.done}/${p.total}`) });
    tell({ done: 2, total: 14 });
    finish();
    await Promise.all([a, b]);
    expect(first).toEqual(["1/14", "2/14"]);
    expect(late).toEqual(["1/14", "2/14"]);
  });

  it("once answered, the next ask loads again (it may be fresher); other periods are apart", async () => {
    const { loader, calls, release } = slowLoader();
    const reports = createReports({ loader, now: () => now });
    const period = parsePeriod("last 7 days", { now, timeZone: "UTC" });
    const first = reports.org(period);
    const other = reports.org(period, { compare: false });
    await Promise.resolve();
    release();
    await Promise.all([first, other]);
    const again = reports.org(period);
    await Promise.resolve();
    release();
    await again;
    expect(calls).toEqual([
      "2026-11-27..2026-12-03 compare=true",
      "2026-11-27..2026-12-03 compare=false",
      "2026-11-27..2026-12-03 compare=true",
    ]);
  });

  it("a failure reaches everyone who asked, and the next ask tries again", async () => {
    let attempt = 0;
    const loader = {
      async loadReport() {
        attempt++;
        throw new Error(`down ${attempt}`);
      },
    } as Pick<UsageLoader, "loadReport"> as UsageLoader;
    const reports = createReports({ loader, now: () => now });
    const period = parsePeriod("yesterday", { now, timeZone: "UTC" });
    const results = await Promise.allSettled([reports.org(period), reports.org(period)]);
    expect(results.map((r) => r.status === "rejected" && String(r.reason))).toEqual([
      "Error: down 1",
      "Error: down 1",
    ]);
    await expect(reports.org(period)).rejects.toThrow("down 2");
  });
});

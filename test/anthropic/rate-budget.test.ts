import { describe, expect, it } from "vitest";
import { createRateBudget } from "../../src/anthropic/rate-budget.js";

describe("request budget", () => {
  it("lets a burst through at once, then spaces requests to the rate", async () => {
    const budget = createRateBudget({ perMinute: 6000, burst: 3 }); // one per 10 ms
    const start = Date.now();
    const started: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        await budget.take();
        started.push(Date.now() - start);
      }),
    );
    started.sort((a, b) => a - b);
    expect(started.slice(0, 3).every((t) => t < 8)).toBe(true);
    // 8 requests, 3 at once: the last waits for ~5 intervals.
    expect(started[7]).toBeGreaterThanOrEqual(45);
    expect(started[7]).toBeLessThan(400);
  });

  it("a rate of 0 is no budget", async () => {
    const budget = createRateBudget({ perMinute: 0 });
    const start = Date.now();
    await Promise.all(Array.from({ length: 100 }, () => budget.take()));
    expect(Date.now() - start).toBeLessThan(50);
  });

  it("a caller that aborts stops waiting", async () => {
    const budget = createRateBudget({ perMinute: 60, burst: 1 }); // one a second
    await budget.take();
    const controller = new AbortController();
    const waiting = budget.take(controller.signal);
    controller.abort(new Error("gone"));
    await expect(waiting).rejects.toThrow("gone");
  });
});

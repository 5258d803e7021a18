import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { startScheduler } from "../../src/schedule/scheduler.js";
import { morningScheduler } from "../support/scheduler.js";

describe("startScheduler", () => {
  const logger = createLogger({ sink: { write: () => undefined } });

  it("catches up once at start when today's time has passed", async () => {
    const runs: string[] = [];
    const scheduler = startScheduler({
      cron: "0 9 * * 1-5",
      timeZone: "Europe/Berlin",
      catchUp: true,
      logger,
      now: () => new Date("2026-11-25T10:30:00Z"),
      run: async (date) => {
        runs.push(date);
        return undefined;
      },
    });
    await scheduler.caughtUp;
    expect(runs).toEqual(["2026-11-25"]);
    expect(scheduler.nextRun()?.toISOString()).toBe("2026-11-26T08:00:00.000Z");
    await scheduler.stop();
  });

  it("does not catch up before today's time, nor when catch-up is off", async () => {
    const runs: string[] = [];
    for (const [now, catchUp] of [
      ["2026-11-25T07:00:00Z", true],
      ["2026-11-25T10:30:00Z", false],
    ] as const) {
      const scheduler = startScheduler({
        cron: "0 9 * * 1-5",
        timeZone: "Europe/Berlin",
        catchUp,
        logger,
        now: () => new Date(now),
        run: async (date) => {
          runs.push(date);
          return undefined;
        },
      });
      await scheduler.caughtUp;
      await scheduler.stop();
    }
    expect(runs).toEqual([]);
  });
});

describe("startScheduler retries", () => {
  it("runs the same date again while deliveries fail, up to a limit", async () => {
    const runs: string[] = [];
    const scheduler = morningScheduler({
      retryDelayMs: 5,
      maxRetries: 2,
      run: async (date) => {
        runs.push(date);
        return { failed: 1, busy: 0 };
      },
    });
    await scheduler.caughtUp;
    await new Promise((r) => setTimeout(r, 150));
    expect(runs).toEqual(["2026-11-25", "2026-11-25", "2026-11-25"]);
    await scheduler.stop();
  });

  it("stops retrying once everything is delivered", async () => {
    let failures = 1;
    const runs: string[] = [];
    const scheduler = morningScheduler({
      retryDelayMs: 5,
      run: async (date) => {
        runs.push(date);
        return { failed: failures--, busy: 0 };
      },
    });
    await scheduler.caughtUp;
    await new Promise((r) => setTimeout(r, 150));
    expect(runs).toHaveLength(2);
    await scheduler.stop();
  });
});

describe("startScheduler stop", () => {
  it("waits for a run in progress, and starts no new one", async () => {
    const events: string[] = [];
    const scheduler = morningScheduler({
      retryDelayMs: 1,
      run: async () => {
        events.push("start");
        await new Promise((r) => setTimeout(r, 50));
        events.push("end");
        return { failed: 1, busy: 0 }; // would retry, but the scheduler is stopping
      },
    });
    await scheduler.stop();
    events.push("stopped");
    await new Promise((r) => setTimeout(r, 30));
    expect(events).toEqual(["start", "end", "stopped"]);
  });
});

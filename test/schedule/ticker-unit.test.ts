import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import type { DueWork } from "../../src/schedule/morning.js";
import { startDeliveryTicker } from "../../src/schedule/ticker.js";
import type { Subscription } from "../../src/store/subscriptions.js";

/* The tick's own rules, with a recording `run`: no overlap, what it hands over, its memory. */

const daily: Subscription = {
  id: "s1",
  channel: "C1",
  cadence: "daily",
  time: "09:00",
  timeZone: "UTC",
  createdBy: "config",
  createdAt: 0,
};
const silent = createLogger({ sink: { write: () => undefined } });

describe("the delivery ticker", () => {
  it("a tick that runs long is not doubled; settled keys are left alone until their delay ends", async () => {
    let clock = new Date("2026-11-24T09:00:00Z");
    const works: DueWork[] = [];
    let release: () => void = () => undefined;
    const ticker = startDeliveryTicker({
      subscriptions: async () => [daily],
      run: async (work) => {
        works.push(work);
        await new Promise<void>((r) => {
          release = r;
        });
      },
      timeZone: "UTC",
      logger: silent,
      now: () => clock,
      manual: true,
      retryDelayMs: 10 * 60_000,
    });
    // The start-up tick is running (held in `run`); a second tick joins it.
    await new Promise((r) => setTimeout(r, 10));
    const again = ticker.tick();
    release();
    await ticker.caughtUp;
    await again;
    expect(works.map((w) => w.date)).toEqual(["2026-11-24"]);
    const [work] = works;
    expect(work?.digests.map((d) => `${d.subscription.channel} ${d.period.from}`)).toEqual([
      "C1 2026-11-23",
    ]);
    expect(work?.dms).toBeNull(); // DMs off

    // The deliverer said it failed: left alone for the retry delay, then handed over again.
    const key = "digest-daily:C1:2026-11-23..2026-11-23";
    work?.onSettled?.(key, "failed");
    expect(work?.skip?.(key)).toBe(true);
    clock = new Date("2026-11-24T09:10:00Z");
    expect(work?.skip?.(key)).toBe(false);
    work?.onSettled?.(key, "done");
    clock = new Date("2026-11-24T23:59:00Z");
    expect(work?.skip?.(key)).toBe(true);
    await ticker.stop();
  });

  it("a failing subscription read skips the tick; the next one works", async () => {
    let fail = true;
    const works: DueWork[] = [];
    const ticker = startDeliveryTicker({
      subscriptions: async () => {
        if (fail) throw new Error("database is locked");
        return [daily];
      },
      run: async (work) => {
        works.push(work);
      },
      timeZone: "UTC",
      logger: silent,
      now: () => new Date("2026-11-24T09:30:00Z"),
      manual: true,
    });
    await ticker.caughtUp;
    expect(works).toEqual([]);
    fail = false;
    await ticker.tick();
    expect(works).toHaveLength(1);
    expect(ticker.nextRun()?.toISOString()).toBe("2026-11-25T09:00:00.000Z");
    await ticker.stop();
  });
});

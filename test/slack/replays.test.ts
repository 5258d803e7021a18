import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { dropReplays, REPLAY_WINDOW_MS, requestId } from "../../src/slack/replays.js";

describe("requestId", () => {
  it("is the event id for events and the trigger id for interactions", () => {
    expect(requestId({ event_id: "Ev1", trigger_id: "ignored" })).toBe("event:Ev1");
    expect(requestId({ trigger_id: "123.456" })).toBe("trigger:123.456");
    expect(requestId({ trigger_id: "" })).toBeUndefined();
    expect(requestId({ type: "url_verification" })).toBeUndefined();
    expect(requestId(undefined)).toBeUndefined();
  });
});

describe("dropReplays", () => {
  function harness() {
    let clock = 0;
    const counts = { next: 0, ack: 0 };
    const middleware = dropReplays({
      logger: createLogger({ sink: { write: () => undefined } }),
      now: () => clock,
    });
    const run = (body: Record<string, unknown>) =>
      middleware({
        body,
        context: {},
        ack: async () => void counts.ack++,
        next: async () => void counts.next++,
      } as unknown as Parameters<typeof middleware>[0]);
    return { run, counts, advance: (ms: number) => (clock += ms) };
  }

  it("lets an id through once; a repeat is acknowledged, not passed on", async () => {
    const { run, counts } = harness();
    await run({ trigger_id: "1" });
    await run({ trigger_id: "1" });
    await run({ trigger_id: "2" });
    expect(counts).toEqual({ next: 2, ack: 1 });
  });

  it("forgets an id after the window (longer than Bolt's five minutes)", async () => {
    const { run, counts, advance } = harness();
    expect(REPLAY_WINDOW_MS).toBeGreaterThan(5 * 60_000);
    await run({ event_id: "Ev1" });
    advance(REPLAY_WINDOW_MS - 1);
    await run({ event_id: "Ev1" });
    advance(1);
    await run({ event_id: "Ev1" });
    expect(counts.next).toBe(2);
  });

  it("passes on requests without an id", async () => {
    const { run, counts } = harness();
    await run({ type: "something" });
    await run({ type: "something" });
    expect(counts).toEqual({ next: 2, ack: 0 });
  });
});

import { describe, expect, it } from "vitest";
import { createTurns } from "../../src/loading/turns.js";

describe("createTurns", () => {
  it("serves the oldest ticket first, one per turn of the event loop", async () => {
    const turns = createTurns();
    const older = turns.ticket();
    const newer = turns.ticket();
    const order: string[] = [];
    const done = Promise.all([
      turns.take(newer).then(() => order.push("newer")),
      turns.take(older).then(() => order.push("older")),
    ]);
    // Queued before the turns are served: runs between them, not after both.
    setImmediate(() => order.push("io"));
    await done;
    expect(order).toEqual(["older", "io", "newer"]);
  });

  it("a ticket can take turn after turn", async () => {
    const turns = createTurns();
    const ticket = turns.ticket();
    for (let i = 0; i < 3; i++) await turns.take(ticket);
    expect(turns.ticket()).toBe(1);
  });
});

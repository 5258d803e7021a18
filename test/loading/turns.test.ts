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

describe("turns.run", () => {
  function* counting(steps: number, log: string[]): Generator<void, number, void> {
    for (let i = 0; i < steps; i++) {
      log.push(`step ${i}`);
      yield;
    }
    return steps;
  }

  it("runs steps in turns of at most sliceMs, letting other work in between", async () => {
    const turns = createTurns();
    const log: string[] = [];
    // A slice of 0 ms: one step per turn.
    const done = turns.run(turns.ticket(), counting(3, log), 0);
    setImmediate(() => log.push("io"));
    expect(await done).toBe(3);
    expect(log).toEqual(["step 0", "io", "step 1", "step 2"]);
  });

  it("with a long slice, runs every step in one turn", async () => {
    const turns = createTurns();
    const log: string[] = [];
    const done = turns.run(turns.ticket(), counting(3, log), 60_000);
    setImmediate(() => log.push("io"));
    expect(await done).toBe(3);
    // All done in the turn the I/O was queued behind: it has not run yet.
    expect(log).toEqual(["step 0", "step 1", "step 2"]);
  });

  it("an older ticket's steps go first", async () => {
    const turns = createTurns();
    const older = turns.ticket();
    const newer = turns.ticket();
    const log: string[] = [];
    function* named(name: string): Generator<void, void, void> {
      for (let i = 0; i < 2; i++) {
        log.push(`${name} ${i}`);
        yield;
      }
    }
    await Promise.all([turns.run(newer, named("newer"), 0), turns.run(older, named("older"), 0)]);
    expect(log.slice(0, 2)).toEqual(["older 0", "older 1"]);
  });
});

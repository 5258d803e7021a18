/*
 * Computations written in steps: a generator that yields between pieces of its work, so that a
 * caller on a busy thread (the Slack app, loading/turns.ts) can let other work in between. At
 * 10,000 people, making a period's objects or its report rows in one piece held the thread
 * 20–90 ms, long enough to keep a Slack ack waiting (docs/PERFORMANCE.md).
 */

export type Steps<T> = Generator<void, T, void>;

/** Actor rows between two steps: ~0.5–2 ms of work each. */
export const ROWS_PER_STEP = 1000;

/** Runs the steps to their end at once, for callers that have nothing to let in. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

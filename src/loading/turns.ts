import type { Steps } from "../usage/steps.js";

/*
 * Turns on the main thread for CPU work split into steps (merging a report's days): one holder
 * per turn of the event loop, so that a Slack request waiting for I/O gets in between, and the
 * oldest work first, so that twenty reports asked at once finish one after another instead of
 * all at the end, each holding its half-merged period meanwhile (docs/PERFORMANCE.md: that was
 * most of the peak memory of concurrent reports).
 */

export interface Turns {
  /** A ticket for one piece of work: lower tickets (older work) are served first. */
  ticket(): number;
  /** Resolves in a later turn of the event loop, when no older ticket is waiting. */
  take(ticket: number): Promise<void>;
  /** A ticket's work in slices of `sliceMs`, each in a turn of its own. */
  slice(ticket: number, sliceMs: number): Slice;
  /** Runs computation steps (usage/steps.ts) in slices of `sliceMs`. */
  run<T>(ticket: number, steps: Steps<T>, sliceMs: number): Promise<T>;
}

export interface Slice {
  /** Resolves at once while the slice lasts; once it is used up, in the ticket's next turn. */
  due(): Promise<void>;
  /** The slice is over (the work waited meanwhile, maybe in another's turn): `due` takes a turn. */
  end(): void;
}

export function createTurns(): Turns {
  let nextTicket = 0;
  const waiting: { ticket: number; resume: () => void }[] = [];
  let scheduled = false;

  function serve() {
    scheduled = false;
    let oldest = 0;
    for (let i = 1; i < waiting.length; i++) {
      if ((waiting[i]?.ticket ?? 0) < (waiting[oldest]?.ticket ?? 0)) oldest = i;
    }
    const [next] = waiting.splice(oldest, 1);
    next?.resume();
    // The next one in the next turn: I/O (an ack) is polled in between.
    if (waiting.length > 0) schedule();
  }
  function schedule() {
    if (scheduled) return;
    scheduled = true;
    setImmediate(serve);
  }

  function take(ticket: number): Promise<void> {
    return new Promise((resume) => {
      waiting.push({ ticket, resume });
      schedule();
    });
  }

  function slice(ticket: number, sliceMs: number): Slice {
    let ends = 0;
    return {
      async due() {
        if (performance.now() < ends) return;
        await take(ticket);
        ends = performance.now() + sliceMs;
      },
      end() {
        ends = 0;
      },
    };
  }

  return {
    ticket: () => nextTicket++,
    take,
    slice,
    async run(ticket, steps, sliceMs) {
      const turn = slice(ticket, sliceMs);
      for (;;) {
        await turn.due();
        const next = steps.next();
        if (next.done) return next.value;
      }
    },
  };
}

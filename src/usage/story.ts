import type { ActorRow, UsageReport } from "./report.js";

/*
 * What a report's spend says, before any figure: who drove it, or who moved. Pure; renderers turn
 * it into the headline sentence (and the lock-screen line) in words.
 */

/** One actor's change of spend against the baseline. */
export interface Mover {
  actor: ActorRow;
  /** Spend in the period, cents. */
  costCents: number;
  /** Spend − spend in the baseline, cents (the baseline's spend is 0 for someone new). */
  deltaCents: number;
}

export type Story =
  /** No spend at all. */
  | { kind: "quiet" }
  /** One person or key was most of the spend, or most of its change. */
  | {
      kind: "driver";
      driver: Mover;
      /** Their share of the period's spend, 0..1. */
      share: number;
      /** Why they are the story. */
      because: "share" | "change";
      /** Everyone else together: their spend, and in the baseline (null without one). */
      others: { costCents: number; previousCents: number | null; actors: number };
    }
  /** No one dominates: the largest rise and the largest fall that matter, if any. */
  | { kind: "movers"; up: Mover | null; down: Mover | null };

/** A share of spend that makes one actor the story. */
export const DRIVER_SHARE = 0.4;
/** The part of the total change one actor must explain to be its story. */
export const DRIVER_OF_CHANGE = 0.6;
/** Changes smaller than this part of the larger of the two totals are noise, not news. */
export const MATERIAL_CHANGE = 0.1;

export function storyOf(report: UsageReport): Story {
  const total = report.totals.costCents;
  const previous = report.previous?.costCents ?? null;
  if (total <= 0 && !previous) return { kind: "quiet" };
  const movers = report.actors.map((actor) => ({
    actor,
    costCents: actor.costCents,
    deltaCents: actor.costCents - (actor.previous?.costCents ?? 0),
  }));
  const scale = Math.max(total, previous ?? 0);
  const material = (cents: number) => Math.abs(cents) >= MATERIAL_CHANGE * scale && cents !== 0;

  const top = movers[0];
  if (top && movers.length > 1 && total > 0 && top.costCents / total >= DRIVER_SHARE) {
    return driver(top, "share", total, previous, movers.length);
  }
  if (previous !== null && material(total - previous)) {
    const change = total - previous;
    // Who explains the change: the largest move in its direction (people who stopped included,
    // though they are not in this period's rows, they cannot be its story in words).
    const explaining = [...movers].sort(
      (a, b) => Math.sign(change) * (b.deltaCents - a.deltaCents),
    )[0];
    if (explaining && explaining.deltaCents / change >= DRIVER_OF_CHANGE && movers.length > 1) {
      return driver(explaining, "change", total, previous, movers.length);
    }
  }
  const up = movers.filter((m) => m.deltaCents > 0).sort((a, b) => b.deltaCents - a.deltaCents)[0];
  const down = movers
    .filter((m) => m.deltaCents < 0)
    .sort((a, b) => a.deltaCents - b.deltaCents)[0];
  return {
    kind: "movers",
    up: up && material(up.deltaCents) ? up : null,
    down: down && material(down.deltaCents) ? down : null,
  };
}

function driver(
  mover: Mover,
  because: "share" | "change",
  total: number,
  previous: number | null,
  actors: number,
): Story {
  return {
    kind: "driver",
    driver: mover,
    share: total > 0 ? mover.costCents / total : 0,
    because,
    others: {
      costCents: total - mover.costCents,
      previousCents: previous === null ? null : previous - (mover.actor.previous?.costCents ?? 0),
      actors: actors - 1,
    },
  };
}

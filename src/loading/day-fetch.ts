import type { UsageSource } from "../anthropic/client.js";
import type { CompactAggregate } from "../usage/compact.js";
import { createDayBuilder } from "../usage/day-builder.js";

/*
 * One UTC day from the API to its compact aggregate: every page, in order, folded in as it
 * arrives (so a page's records are garbage as soon as they are counted). Runs on the main thread
 * or in a worker thread (day-worker.ts); the loader does not care which.
 */

export interface FetchedDay {
  compact: CompactAggregate;
  pages: number;
  records: number;
  invalidRecords: number;
  /**
   * The day as the day cache stores it (serializeCompact), when the fetcher made it already: a
   * worker thread does, so the main thread's part of a day is only the merge and the write.
   */
  stored?: string | undefined;
  /**
   * The database has the day already: a worker wrote it on a connection of its own
   * (store/stored-days.ts), so the main thread only keeps it in memory.
   */
  written?: boolean | undefined;
  /** Why the worker could not write it (the loader then writes it itself). */
  writeError?: string | undefined;
}

export interface FetchDayOptions {
  /** Whether the day is final, for a fetcher that writes it to the store itself. */
  final?: boolean | undefined;
}

/** Fetches and aggregates one day; the loader caches and merges what it returns. */
export type DayFetcher = (
  day: string,
  signal?: AbortSignal,
  options?: FetchDayOptions,
) => Promise<FetchedDay>;

export async function fetchDay(
  source: UsageSource,
  day: string,
  signal?: AbortSignal,
): Promise<FetchedDay> {
  const builder = createDayBuilder();
  let pages = 0;
  for await (const page of source.pages(day, signal)) {
    builder.addPage(page);
    pages++;
  }
  return {
    compact: builder.finish(day),
    pages,
    records: builder.records,
    invalidRecords: builder.invalidRecords,
  };
}

/** The typed arrays of a compact day: moved, not copied, when it crosses to another thread. */
export function transferablesOf(compact: CompactAggregate): ArrayBuffer[] {
  const a = compact.actors;
  const buffers = [
    a.types,
    a.data,
    a.terminalOffsets,
    a.terminalIndex,
    a.modelOffsets,
    a.modelIndex,
    a.modelCost,
  ].map((array) => array.buffer);
  // A buffer can be listed once, and only if it is a plain ArrayBuffer the array owns whole.
  return [...new Set(buffers)].filter(
    (b): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0,
  );
}

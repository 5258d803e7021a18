import { setImmediate } from "node:timers/promises";
import pLimit from "p-limit";
import type { UsageSource } from "../anthropic/client.js";
import type { DayCache } from "../store/day-cache.js";
import type { FirstSeen } from "../store/first-seen.js";
import { createTtlMap } from "../store/ttl-map.js";
import type { UsageAggregate } from "../usage/aggregate.js";
import {
  type CompactAggregate,
  compactBytes,
  mergeCompact,
  mergeCompactSteps,
} from "../usage/compact.js";
import { peopleOfDay } from "../usage/first-use.js";
import {
  comparisonPeriod,
  DEFAULT_FINAL_AFTER_MS,
  isFinalDay,
  type Period,
} from "../usage/periods.js";
import { buildReportSteps, type UsageReport } from "../usage/report.js";
import { restrictCompact } from "../usage/restrict.js";
import { createSpanMerger, spanCover } from "../usage/spans.js";
import { type DayFetcher, fetchDay as fetchDayHere } from "./day-fetch.js";
import { createTurns } from "./turns.js";

/*
 * The imperative shell around the pure core: fetch days (concurrently, each day's pages in order),
 * fold each page into that day's aggregate as it arrives, keep the day in compact form (cached),
 * merge the period from the compact days.
 */

export const DEFAULT_FETCH_CONCURRENCY = 12;

const isWeekend = (day: string) => [0, 6].includes(new Date(`${day}T00:00:00Z`).getUTCDay());
/** Longest the main thread merges before it lets other work in (a 5,000-person day: ~1 ms). */
const MERGE_SLICE_MS = 10;

export { DEFAULT_FINAL_AFTER_MS } from "../usage/periods.js";

export interface DayLoadEvent {
  day: string;
  source: "api" | "cache";
  pages: number;
  records: number;
  invalidRecords: number;
  ms: number;
}

export interface UsageLoaderOptions {
  source: UsageSource;
  /**
   * Fetches and aggregates a day somewhere else (worker threads, see worker-fetcher.ts), so that
   * the main thread stays free for Slack. Default: on this thread, from `source`.
   */
  fetchDay?: DayFetcher | undefined;
  cache?: DayCache | undefined;
  /**
   * Merged spans of days kept in memory (see spans.ts), most; 0: none, every period is merged
   * from its days.
   */
  spanMemory?: number | undefined;
  /** And at most this many bytes of them (compactBytes); default: no bound but spanMemory. */
  spanMemoryBytes?: number | undefined;
  /** Days fetched at once, across every report this loader serves. */
  concurrency?: number | undefined;
  finalAfterMs?: number | undefined;
  now?: (() => Date) | undefined;
  onDay?: ((event: DayLoadEvent) => void) | undefined;
  /**
   * The cache failed (a full disk, the database gone): the report goes on from the API, and this
   * is told, to log it.
   */
  onCacheError?:
    | ((error: unknown, context: { day: string; operation: "get" | "set" }) => void)
    | undefined;
  /**
   * Where each person's first day is kept (the store's): every day loaded updates it, and
   * reports read who is new from it. Without it, reports do not say who is new.
   */
  firstSeen?: FirstSeen | undefined;
  /** The first-seen record failed: the report goes on without saying who is new; told, to log. */
  onFirstSeenError?: ((error: unknown, context: { operation: string }) => void) | undefined;
}

export interface LoadReportOptions {
  /**
   * Also load the baseline people compare with (comparisonPeriod: the same weekday a week
   * earlier, the week or month before, else the equal period before), for changes. Default true.
   */
  compare?: boolean;
  signal?: AbortSignal;
  /** Only these actors (a team): each day is narrowed to them before it is merged. */
  actors?: ((actorKey: string) => boolean) | undefined;
  /** Told as each of the report's days (its baseline's included) is in: for "12 of 60 days". */
  onProgress?: ((progress: { done: number; total: number }) => void) | undefined;
}

export interface UsageLoader {
  loadDays(
    days: readonly string[],
    signal?: AbortSignal,
    actors?: (actorKey: string) => boolean,
  ): Promise<UsageAggregate>;
  /** Each day on its own (compact, possibly cached: read, do not change), in the order asked. */
  loadDayParts(days: readonly string[], signal?: AbortSignal): Promise<CompactAggregate[]>;
  loadReport(period: Period, options?: LoadReportOptions): Promise<UsageReport>;
  /** Is this UTC day settled, so that its cached aggregate is kept for good? */
  isFinal(day: string): boolean;
}

export function createUsageLoader(options: UsageLoaderOptions): UsageLoader {
  const { source, cache, onDay } = options;
  const limit = pLimit(options.concurrency ?? DEFAULT_FETCH_CONCURRENCY);
  const finalAfterMs = options.finalAfterMs ?? DEFAULT_FINAL_AFTER_MS;
  const now = options.now ?? (() => new Date());
  // Two reports asking for the same day at once share one fetch.
  const inFlight = new Map<string, Promise<CompactAggregate>>();
  const spanMemory = options.spanMemory ?? 0;
  const spans = createTtlMap<CompactAggregate>({
    maxEntries: spanMemory,
    maxWeight: options.spanMemoryBytes,
    weigh: compactBytes,
  });
  const spansInFlight = new Map<string, Promise<CompactAggregate>>();
  const turns = createTurns();

  // First-seen writes that failed so far: a report that saw one cannot tell who is new.
  let firstSeenFailures = 0;
  // Final days this loader has recorded: they cannot change, so they are not looked at again.
  const recordedFinalDays = new Set<string>();

  const isFinal = (day: string) => isFinalDay(day, now(), finalAfterMs);

  const fetchAndAggregate: DayFetcher =
    options.fetchDay ?? ((day, signal) => fetchDayHere(source, day, signal));

  async function fetchDay(day: string, signal?: AbortSignal): Promise<CompactAggregate> {
    const started = performance.now();
    const final = isFinal(day);
    const { compact, pages, records, invalidRecords, stored, written, writeError } =
      await fetchAndAggregate(day, signal, { final });
    // The worker could not write it: it is written here instead, and the reason told.
    if (writeError) options.onCacheError?.(new Error(writeError), { day, operation: "set" });
    // A task of its own for each day's write: days that a worker hands over together would
    // otherwise be written in one block, keeping a Slack ack waiting (docs/PERFORMANCE.md).
    await setImmediate();
    try {
      await cache?.set(day, compact, { final, stored, written });
    } catch (error) {
      options.onCacheError?.(error, { day, operation: "set" });
    }
    onDay?.({
      day,
      source: "api",
      pages,
      records,
      invalidRecords,
      ms: performance.now() - started,
    });
    return compact;
  }

  async function loadDay(day: string, signal?: AbortSignal): Promise<CompactAggregate> {
    const part = await loadDayPart(day, signal);
    await recordFirstSeen(day, part);
    return part;
  }

  /** Cached days too: a write that failed once is made again (known days cost no write). */
  async function recordFirstSeen(day: string, part: CompactAggregate): Promise<void> {
    if (!options.firstSeen || recordedFinalDays.has(day)) return;
    try {
      await options.firstSeen.record(day, peopleOfDay(part));
      if (isFinal(day)) recordedFinalDays.add(day);
    } catch (error) {
      firstSeenFailures++;
      options.onFirstSeenError?.(error, { operation: `record ${day}` });
    }
  }

  /** Who in the period was first seen in it; null when the record cannot say. */
  async function firstDaysIn(period: Period, failuresBefore: number) {
    if (!options.firstSeen) return null;
    try {
      const days = await options.firstSeen.firstIn(period.from, period.to);
      return firstSeenFailures === failuresBefore ? days : null;
    } catch (error) {
      options.onFirstSeenError?.(error, { operation: "read" });
      return null;
    }
  }

  async function loadDayPart(day: string, signal?: AbortSignal): Promise<CompactAggregate> {
    const started = performance.now();
    let cached: CompactAggregate | undefined;
    try {
      cached = await cache?.get(day);
    } catch (error) {
      options.onCacheError?.(error, { day, operation: "get" });
    }
    if (cached) {
      onDay?.({
        day,
        source: "cache",
        pages: 0,
        records: cached.totals.records,
        invalidRecords: cached.invalidRecords,
        ms: performance.now() - started,
      });
      return cached;
    }
    const pending = inFlight.get(day);
    if (pending) return pending;
    const promise = limit(() => fetchDay(day, signal)).finally(() => inFlight.delete(day));
    inFlight.set(day, promise);
    return promise;
  }

  function loadDayParts(days: readonly string[], signal?: AbortSignal) {
    return Promise.all(days.map((day) => loadDay(day, signal)));
  }

  /*
   * Parts are merged in order as they arrive, so the merge overlaps the fetching, in slices of
   * MERGE_SLICE_MS with the thread handed back between them (turns.ts): a Slack command that
   * comes in meanwhile is acknowledged at once, and reports asked together are merged oldest
   * first. Rejects with the first part that fails, whichever it is, without waiting for the
   * parts before it. Merged parts are let go of as the merge goes.
   */
  async function mergeInOrder(
    pending: (Promise<CompactAggregate> | undefined)[],
    narrow?: (part: CompactAggregate) => CompactAggregate,
  ): Promise<CompactAggregate> {
    const turn = turns.slice(turns.ticket(), MERGE_SLICE_MS);
    const parts: (CompactAggregate | undefined)[] = [];
    let failed: { error: unknown } | undefined;
    let wake: () => void = () => undefined;
    pending.forEach((promise, i) => {
      promise?.then(
        (part) => {
          parts[i] = part;
          wake();
        },
        (error: unknown) => {
          failed ??= { error };
          wake();
        },
      );
    });
    const merger = createSpanMerger();
    for (let i = 0; i < pending.length; i++) {
      while (parts[i] === undefined && !failed) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        turn.end(); // woken by a part, maybe in another's turn: wait for one of its own
      }
      if (!failed) await turn.due();
      if (failed) throw failed.error;
      const part = parts[i] as CompactAggregate;
      parts[i] = undefined;
      pending[i] = undefined;
      // A span's part is as large as a whole period: it is merged in steps too.
      const steps = merger.addSteps(narrow ? narrow(part) : part);
      while (!steps.next().done) await turn.due();
    }
    await turn.due();
    return merger.finish();
  }

  const spanKey = (span: readonly string[]) => `${span[0]}+${span.length}`;

  /**
   * A span of final days merged, kept in memory (spanMemory) so that reports over overlapping
   * periods merge a few spans instead of every day again. A span is kept only if each of its days
   * is recorded as seen: one whose first-seen record failed is loaded again next time, and the
   * record made again.
   */
  function loadSpan(
    span: readonly string[],
    dayOf: (day: string) => Promise<CompactAggregate>,
  ): Promise<CompactAggregate> {
    if (span.length === 1) return dayOf(span[0] as string);
    const key = spanKey(span);
    const kept = spans.get(key);
    if (kept) return Promise.resolve(kept);
    const pending = spansInFlight.get(key);
    if (pending) return pending;
    const promise = mergeInOrder(span.map(dayOf))
      .then((merged) => {
        if (!options.firstSeen || span.every((day) => recordedFinalDays.has(day))) {
          spans.set(key, merged, Number.POSITIVE_INFINITY);
        }
        return merged;
      })
      .finally(() => spansInFlight.delete(key));
    spansInFlight.set(key, promise);
    return promise;
  }

  /** A period's days merged into one compact part: from kept spans where it can (see spans.ts). */
  function mergeDays(
    days: readonly string[],
    signal?: AbortSignal,
    actors?: (actorKey: string) => boolean,
    dayIn?: () => void,
  ): Promise<CompactAggregate> {
    // A team's days are narrowed one by one (a span cannot be split into days by actor). Spans are
    // made on a cold report too, so that the next report over these days finds them made.
    const spannable = (day: string) => spanMemory > 0 && !actors && isFinal(day);
    const runs = spanCover(days, spannable);
    // The days of every run not kept as a span are asked for at once, weekdays first: they have
    // the longest page chains, and with the API's latency the limit, a long chain started last
    // is what a cold report waits for at its end. The spans then merge what comes in.
    const toLoad = runs.filter((run) => run.length === 1 || !spans.get(spanKey(run))).flat();
    toLoad.sort((a, b) => Number(isWeekend(a)) - Number(isWeekend(b)) || (a < b ? -1 : 1));
    const dayParts = new Map<string, Promise<CompactAggregate>>();
    for (const day of toLoad) {
      const part = loadDay(day, signal);
      // Handled by whatever merges it; here only so that a span made elsewhere meanwhile (its
      // days then not merged here) leaves no rejection unheard.
      part.then(dayIn, () => undefined);
      dayParts.set(day, part);
    }
    const dayOf = (day: string) => dayParts.get(day) ?? loadDay(day, signal);
    const pending = runs.map((run) => {
      const part = loadSpan(run, dayOf);
      // A kept span's days were not asked for: they are in when it is.
      if (dayIn && !dayParts.has(run[0] as string)) {
        part.then(
          () => {
            for (let d = 0; d < run.length; d++) dayIn();
          },
          () => undefined,
        );
      }
      return part;
    });
    return mergeInOrder(pending, actors ? (part) => restrictCompact(part, actors) : undefined);
  }

  async function loadDays(
    days: readonly string[],
    signal?: AbortSignal,
    actors?: (actorKey: string) => boolean,
  ): Promise<UsageAggregate> {
    return mergeCompact([await mergeDays(days, signal, actors)]);
  }

  async function loadReport(period: Period, opts: LoadReportOptions = {}): Promise<UsageReport> {
    const compare = opts.compare ?? true;
    const before = compare ? comparisonPeriod(period) : null;
    const failuresBefore = firstSeenFailures;
    // Older reports' steps first, as with their days (mergeInOrder).
    const ticket = turns.ticket();
    const total = period.days.length + (before?.days.length ?? 0);
    let done = 0;
    const dayIn = opts.onProgress ? () => opts.onProgress?.({ done: ++done, total }) : undefined;
    // Both periods' days go into one pool, so the comparison costs no extra wall time.
    const [current, previous] = await Promise.all([
      mergeDays(period.days, opts.signal, opts.actors, dayIn),
      before ? mergeDays(before.days, opts.signal, opts.actors, dayIn) : Promise.resolve(null),
    ]);
    // After the loads: the days just loaded are recorded, so no one seen before is "new".
    const firstDays = await firstDaysIn(period, failuresBefore);
    // Made into objects (one per actor) only now: reports in flight together hold their periods
    // as columns meanwhile, not as objects. In steps, each in its turn (usage/steps.ts), and the
    // report handed over in a turn of its own, so that rendering it is a piece of its own too.
    const objects = await turns.run(ticket, mergeCompactSteps([current]), MERGE_SLICE_MS);
    const previousObjects =
      previous && (await turns.run(ticket, mergeCompactSteps([previous]), MERGE_SLICE_MS));
    const report = await turns.run(
      ticket,
      buildReportSteps({
        period,
        current: objects,
        previousPeriod: before,
        previous: previousObjects,
        firstDays,
        generatedAt: now(),
      }),
      MERGE_SLICE_MS,
    );
    await turns.take(ticket);
    return report;
  }

  return { loadDays, loadDayParts, loadReport, isFinal };
}

import { type ResourceLimits, Worker } from "node:worker_threads";
import type { DayFetcher, FetchedDay } from "./day-fetch.js";
import {
  deserializeError,
  type FromWorker,
  type ToWorker,
  type WorkerClientOptions,
  type WorkerDayStore,
} from "./worker-protocol.js";

/*
 * Days fetched and aggregated in worker threads (day-worker.ts), handed back in compact form with
 * their typed arrays moved, not copied. The main thread then only merges, caches and talks to
 * Slack, so a slash command is acknowledged at once even while a cold 30-day report is computing.
 * Workers start on first use, take days least-busy first, and idle without keeping the process
 * alive. A 429 seen by one worker pauses all of them.
 */

export class WorkerCrashedError extends Error {
  override readonly name = "WorkerCrashedError";
  readonly day: string;
  constructor(day: string, reason: string) {
    super(`the worker fetching ${day} stopped: ${reason}`);
    this.day = day;
  }
}

export interface WorkerFetcherOptions {
  /** Worker threads, at least 1. */
  threads: number;
  client: WorkerClientOptions;
  /** The SQLite store the workers write fetched days into themselves (worker-protocol.ts). */
  dayStore?: WorkerDayStore | undefined;
  /** Where the worker script is; by default next to this module (source or built). */
  workerUrl?: URL | undefined;
  resourceLimits?: ResourceLimits | undefined;
}

export interface WorkerFetcher {
  fetchDay: DayFetcher;
  /** Threads running now (they start on first use, or on `start`). */
  readonly running: number;
  /** Start every thread now, so that the first report does not wait for one (the app, at boot). */
  start(): void;
  /** API requests sent by all workers so far, retries included. */
  readonly requestCount: number;
  close(): Promise<void>;
}

interface Job {
  day: string;
  resolve(day: FetchedDay): void;
  reject(error: unknown): void;
}

interface Slot {
  worker: Worker;
  jobs: Map<number, Job>;
  requests: number;
}

export function createWorkerFetcher(options: WorkerFetcherOptions): WorkerFetcher {
  const threads = Math.max(1, Math.floor(options.threads));
  const slots: Slot[] = [];
  let nextId = 1;
  let closed = false;
  /** Requests of workers that are gone. */
  let pastRequests = 0;

  function workerScript(): URL {
    if (options.workerUrl) return options.workerUrl;
    // Under tsx or vitest this module is the .ts source, and the worker needs tsx's loader.
    const fromSource = import.meta.url.endsWith(".ts");
    return new URL(fromSource ? "./day-worker-source.mjs" : "./day-worker.js", import.meta.url);
  }

  function start(): Slot {
    const worker = new Worker(workerScript(), {
      // Each worker spends its share of the budget: together they keep to it.
      workerData: {
        client: {
          ...options.client,
          requestsPerMinute: options.client.requestsPerMinute
            ? options.client.requestsPerMinute / threads
            : undefined,
        },
        dayStore: options.dayStore,
      },
      resourceLimits: options.resourceLimits,
    });
    const slot: Slot = { worker, jobs: new Map(), requests: 0 };
    worker.unref();
    worker.on("message", (message: FromWorker) => onMessage(slot, message));
    const fail = (reason: string) => {
      retire(slot);
      for (const job of slot.jobs.values()) job.reject(new WorkerCrashedError(job.day, reason));
      slot.jobs.clear();
    };
    worker.on("error", (error: Error & { code?: string }) =>
      fail(
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `${error.message} (the limit is FETCH_WORKER_HEAP_MB)`
          : error.message,
      ),
    );
    worker.on("exit", (code) => fail(`exited with code ${code}`));
    slots.push(slot);
    return slot;
  }

  /** Out of the pool (once), its requests still counted. */
  function retire(slot: Slot) {
    const index = slots.indexOf(slot);
    if (index < 0) return;
    slots.splice(index, 1);
    pastRequests += slot.requests;
  }

  function onMessage(slot: Slot, message: FromWorker) {
    if (message.type === "paused") {
      const pause: ToWorker = { type: "pause", untilMs: message.untilMs };
      for (const other of slots) if (other !== slot) other.worker.postMessage(pause);
      return;
    }
    if (message.type === "done") slot.requests = Math.max(slot.requests, message.requests);
    const job = slot.jobs.get(message.id);
    if (!job) return; // aborted meanwhile
    finish(slot, message.id);
    if (message.type === "done") job.resolve(message.day);
    else job.reject(deserializeError(message.error));
  }

  function finish(slot: Slot, id: number) {
    slot.jobs.delete(id);
    if (slot.jobs.size === 0) slot.worker.unref();
  }

  /** The least busy worker, starting another while there are fewer than asked for. */
  function pick(): Slot {
    const idle = slots.find((s) => s.jobs.size === 0);
    if (idle) return idle;
    if (slots.length < threads) return start();
    return slots.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
  }

  const fetchDay: DayFetcher = (day, signal, fetchOptions) =>
    new Promise<FetchedDay>((resolve, reject) => {
      if (closed) throw new Error("the worker fetcher is closed");
      signal?.throwIfAborted();
      const slot = pick();
      const id = nextId++;
      const onAbort = () => {
        if (!slot.jobs.has(id)) return;
        finish(slot, id);
        slot.worker.postMessage({ type: "abort", id } satisfies ToWorker);
        reject(signal?.reason);
      };
      slot.jobs.set(id, {
        day,
        resolve: (result) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(result);
        },
        reject: (error) => {
          signal?.removeEventListener("abort", onAbort);
          reject(error);
        },
      });
      signal?.addEventListener("abort", onAbort, { once: true });
      // A worker with work keeps the process alive, as a pending socket would.
      slot.worker.ref();
      slot.worker.postMessage({
        type: "fetch",
        id,
        day,
        final: fetchOptions?.final,
      } satisfies ToWorker);
    });

  return {
    fetchDay,
    start() {
      while (!closed && slots.length < threads) start();
    },
    get running() {
      return slots.length;
    },
    get requestCount() {
      return slots.reduce((sum, s) => sum + s.requests, pastRequests);
    },
    async close() {
      closed = true;
      const stopping = [...slots];
      for (const slot of stopping) {
        retire(slot);
        // Before terminating: its exit would report the days as crashed.
        for (const job of slot.jobs.values()) job.reject(new Error("the worker fetcher is closed"));
        slot.jobs.clear();
      }
      await Promise.all(stopping.map((s) => s.worker.terminate()));
    },
  };
}

import { parentPort, workerData } from "node:worker_threads";
import { createAdminClient } from "../anthropic/client.js";
import type { SqliteDayWriter } from "../store/stored-days.js";
import { serializeCompact } from "../usage/compact.js";
import { fetchDay, transferablesOf } from "./day-fetch.js";
import {
  type FromWorker,
  serializeError,
  type ToWorker,
  type WorkerClientOptions,
  type WorkerDayStore,
} from "./worker-protocol.js";

/*
 * A worker thread that fetches and aggregates days (started by worker-fetcher.ts). Parsing and
 * folding pages is most of a cold report's CPU (docs/PERFORMANCE.md); here it does not delay
 * slash-command acks on the main thread. Its client shares 429 pauses with the other workers through the main thread.
 */

const port = parentPort;
if (!port) throw new Error("day-worker.ts runs as a worker thread");
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);

const data = workerData as { client: WorkerClientOptions; dayStore?: WorkerDayStore };
const client = createAdminClient({
  ...data.client,
  onPause: (untilMs) => post({ type: "paused", untilMs }),
});
/** Loaded on the first day it keeps: an idle app's worker holds no SQLite or Kysely (~20 MB). */
let writer: Promise<SqliteDayWriter> | undefined;
const writerOf = ({ file, recentTtlMs }: WorkerDayStore) => {
  writer ??= import("../store/stored-days.js").then((m) =>
    m.openSqliteDayWriter(file, recentTtlMs),
  );
  return writer;
};

/** The day, its stored form written to the store here when there is one (else sent along). */
async function fetchAndKeep(day: string, final: boolean | undefined, signal: AbortSignal) {
  const fetched = await fetchDay(client, day, signal);
  const stored = serializeCompact(fetched.compact);
  if (!data.dayStore || final === undefined) return { ...fetched, stored };
  try {
    await (await writerOf(data.dayStore)).write(day, stored, final);
    return { ...fetched, written: true };
  } catch (error) {
    return {
      ...fetched,
      stored,
      writeError: error instanceof Error ? error.message : String(error),
    };
  }
}
const running = new Map<number, AbortController>();

port.on("message", (message: ToWorker) => {
  switch (message.type) {
    case "fetch": {
      const controller = new AbortController();
      running.set(message.id, controller);
      fetchAndKeep(message.day, message.final, controller.signal)
        .then(
          (day) =>
            post(
              { type: "done", id: message.id, day, requests: client.requestCount },
              transferablesOf(day.compact),
            ),
          (error: unknown) =>
            post({ type: "failed", id: message.id, error: serializeError(error) }),
        )
        .finally(() => running.delete(message.id));
      break;
    }
    case "abort":
      running.get(message.id)?.abort();
      break;
    case "pause":
      client.pauseUntil(message.untilMs);
      break;
  }
});

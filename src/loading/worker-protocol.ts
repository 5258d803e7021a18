import {
  AnthropicApiError,
  type AnthropicErrorContext,
  type AnthropicErrorKind,
} from "../anthropic/errors.js";
import type { FetchedDay } from "./day-fetch.js";

/*
 * Messages between the loader's thread and a day worker (worker-fetcher.ts ↔ day-worker.ts).
 * Everything here crosses by structured clone, so errors travel as plain data and are rebuilt as
 * the typed errors the rest of the app explains to people.
 */

/** The client's settings a worker can receive (no functions, no dispatcher). */
export interface WorkerClientOptions {
  adminKey: string;
  baseUrl?: string | undefined;
  pageSize?: number | undefined;
  maxAttempts?: number | undefined;
  requestTimeoutMs?: number | undefined;
  connections?: number | undefined;
  backoffBaseMs?: number | undefined;
  backoffMaxMs?: number | undefined;
  /** This worker's share of the request budget. */
  requestsPerMinute?: number | undefined;
}

/**
 * The SQLite store a worker writes the days it fetches into (store/stored-days.ts). None on
 * PostgreSQL, where the main thread's write is a query on the network, not work on its thread.
 */
export interface WorkerDayStore {
  file: string;
  recentTtlMs: number;
}

export type ToWorker =
  | { type: "fetch"; id: number; day: string; final?: boolean | undefined }
  | { type: "abort"; id: number }
  /** A 429 seen by another worker: pause this one's client too. */
  | { type: "pause"; untilMs: number };

export type FromWorker =
  /** `requests`: the worker's requests so far, retries included (benchmarks read the sum). */
  | { type: "done"; id: number; day: FetchedDay; requests: number }
  | { type: "failed"; id: number; error: SerializedError }
  | { type: "paused"; untilMs: number };

export type SerializedError =
  | ({ anthropic: true; kind: AnthropicErrorKind; message: string } & Omit<
      AnthropicErrorContext,
      "cause"
    >)
  | { anthropic: false; name: string; message: string };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof AnthropicApiError) {
    const { kind, message, status, day, requestId, apiErrorType, apiMessage, attempts } = error;
    return {
      anthropic: true,
      kind,
      message,
      status,
      day,
      requestId,
      apiErrorType,
      apiMessage,
      attempts,
    };
  }
  if (error instanceof Error) return { anthropic: false, name: error.name, message: error.message };
  return { anthropic: false, name: "Error", message: String(error) };
}

export function deserializeError(error: SerializedError): Error {
  if (error.anthropic) {
    const { kind, message, ...context } = error;
    return new AnthropicApiError(kind, message, context);
  }
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import type { BackfillStatus } from "../loading/backfill.js";
import type { Database } from "../store/database.js";

/*
 * Readiness for orchestrators and people: GET /healthz answers 200 when the app can do its job,
 * 503 when it cannot, with the reasons. Served by Bolt's receiver in HTTP mode and by a small
 * server on HEALTH_PORT in Socket Mode.
 */

export interface HealthState {
  /** The Slack app has started (HTTP listening, or Socket Mode connected). */
  slackReady(): boolean;
  /** The store (its database is asked `select 1`), when there is one. */
  store?: { database: Database } | undefined;
  /** Last time a day was fetched from the API without error. */
  lastApiSuccess(): Date | null;
  nextDigest(): Date | null;
  /** How far the background backfill is, when it runs. */
  backfill?: (() => BackfillStatus) | undefined;
}

export interface HealthReport {
  status: "ok" | "unavailable";
  checks: {
    slack: "ready" | "starting";
    store: "ok" | "unreachable" | "none";
    lastApiSuccess: string | null;
    nextDigest: string | null;
    /** Days of the last MAX_PERIOD_DAYS loaded, and the last pass's error (not a failure). */
    backfill?: BackfillStatus | undefined;
  };
}

/**
 * How long the store has to answer. A database host that is gone can leave a query waiting far
 * longer than an orchestrator waits for /healthz; not answering in time is being unreachable.
 */
export const STORE_CHECK_TIMEOUT_MS = 2_000;

export async function checkHealth(
  state: HealthState,
  options: { storeTimeoutMs?: number } = {},
): Promise<HealthReport> {
  const store = state.store
    ? await storeAnswers(state.store.database, options.storeTimeoutMs ?? STORE_CHECK_TIMEOUT_MS)
    : "none";
  const slack = state.slackReady() ? "ready" : "starting";
  return {
    status: slack === "ready" && store !== "unreachable" ? "ok" : "unavailable",
    checks: {
      slack,
      store,
      lastApiSuccess: state.lastApiSuccess()?.toISOString() ?? null,
      nextDigest: state.nextDigest()?.toISOString() ?? null,
      ...(state.backfill ? { backfill: state.backfill() } : {}),
    },
  };
}

async function storeAnswers(database: Database, timeoutMs: number): Promise<"ok" | "unreachable"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"unreachable">((resolve) => {
    timer = setTimeout(() => resolve("unreachable"), timeoutMs);
  });
  const query = sql`select 1`.execute(database.db).then(
    () => "ok" as const,
    () => "unreachable" as const,
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A request handler for /healthz (Bolt custom route or our own server). */
export function healthHandler(state: HealthState) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    void checkHealth(state).then((report) => {
      res.writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json" });
      res.end(JSON.stringify(report));
    });
  };
}

/** The health endpoint on a port of its own (Socket Mode has no HTTP server). */
export async function startHealthServer(
  state: HealthState,
  port: number,
): Promise<{ port: number; close(): Promise<void> }> {
  const handle = healthHandler(state);
  const server: Server = createServer((req, res) => {
    if (req.method === "GET" && req.url?.split("?")[0] === "/healthz") return handle(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

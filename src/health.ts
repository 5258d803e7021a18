import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import type { Store } from "./store/store.js";

/*
 * Readiness for orchestrators and people: GET /healthz answers 200 when the app can do its job,
 * 503 when it cannot, with the reasons. Served by Bolt's receiver in HTTP mode and by a small
 * server on HEALTH_PORT in Socket Mode.
 */

export interface HealthState {
  /** The Slack app has started (HTTP listening, or Socket Mode connected). */
  slackReady(): boolean;
  store?: Store | undefined;
  /** Last time a day was fetched from the API without error. */
  lastApiSuccess(): Date | null;
  nextDigest(): Date | null;
}

export interface HealthReport {
  status: "ok" | "unavailable";
  checks: {
    slack: "ready" | "starting";
    store: "ok" | "unreachable" | "none";
    lastApiSuccess: string | null;
    nextDigest: string | null;
  };
}

export async function checkHealth(state: HealthState): Promise<HealthReport> {
  let store: HealthReport["checks"]["store"] = "none";
  if (state.store) {
    try {
      await sql`select 1`.execute(state.store.database.db);
      store = "ok";
    } catch {
      store = "unreachable";
    }
  }
  const slack = state.slackReady() ? "ready" : "starting";
  return {
    status: slack === "ready" && store !== "unreachable" ? "ok" : "unavailable",
    checks: {
      slack,
      store,
      lastApiSuccess: state.lastApiSuccess()?.toISOString() ?? null,
      nextDigest: state.nextDigest()?.toISOString() ?? null,
    },
  };
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

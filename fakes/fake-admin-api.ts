import { once } from "node:events";
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { SyntheticOrg } from "../src/demo/synthetic-org.js";

/*
 * A fake Claude Code Analytics Admin API on 127.0.0.1, for tests and benchmarks.
 * It serves either fixed records per day or a synthetic organisation, paginates with opaque
 * cursors like the real API, checks the headers the real API needs, and can inject faults.
 */

export const FAKE_ADMIN_KEY = "sk-ant-admin01-fake.test.key";

export interface RecordedRequest {
  n: number;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  at: number;
}

export interface FaultReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Close the socket without answering. */
  destroy?: boolean;
  /** Answer only after this long (for timeouts). */
  delayMs?: number;
}

export interface FakeAdminApiOptions {
  /** Fixed records per UTC day; days not listed are empty. */
  days?: Record<string, unknown[]>;
  /** Or: a synthetic organisation, computed page by page. */
  org?: SyntheticOrg;
  adminKey?: string;
  /** Added to every answer, to model network and API latency. */
  latencyMs?: number;
  /** Called for each request (after the key check); a reply replaces the normal answer. */
  fault?: (request: RecordedRequest) => FaultReply | undefined;
  /** Keep request records (off in benchmarks, where there are thousands). */
  record?: boolean;
  /** Entries of GET /v1/organizations/users, each with an `id` (odd entries allowed). */
  members?: unknown[];
  /** Entries of GET /v1/organizations/api_keys, each with an `id`. */
  apiKeys?: unknown[];
}

export interface FakeAdminApi {
  url: string;
  requests: RecordedRequest[];
  /** Requests answered, faults included. */
  readonly requestCount: number;
  /** Most requests in progress at one time. */
  readonly maxInFlight: number;
  /**
   * Render and keep every page body of these days (benchmarks): the fake's own JSON work then
   * costs nothing while the client is measured.
   */
  prerender(days: readonly string[], limit: number): void;
  close(): Promise<void>;
}

const PATH = "/v1/organizations/usage_report/claude_code";
/** The roster lists, paged by after_id/last_id as the real API pages them. */
const LISTS = {
  "/v1/organizations/users": "members",
  "/v1/organizations/api_keys": "apiKeys",
} as const;

export async function startFakeAdminApi(options: FakeAdminApiOptions = {}): Promise<FakeAdminApi> {
  const adminKey = options.adminKey ?? FAKE_ADMIN_KEY;
  const requests: RecordedRequest[] = [];
  let count = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  // Bytes, not strings: writing a string re-encodes ~1 MB per answer, CPU the benchmark would
  // take from the client it measures.
  const rendered = new Map<string, Buffer>();

  const server: Server = createServer((req, res) => {
    const n = ++count;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on("close", () => inFlight--);
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const request: RecordedRequest = {
      n,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      at: Date.now(),
    };
    if (options.record !== false) requests.push(request);

    const answer = () => handle(request, res);
    if (options.latencyMs) setTimeout(answer, options.latencyMs);
    else answer();
  });

  function handle(request: RecordedRequest, res: ServerResponse) {
    const list = LISTS[request.path as keyof typeof LISTS];
    if (request.path !== PATH && !list) return error(res, 404, "not_found_error", "Not found");
    if (request.headers["x-api-key"] !== adminKey) {
      return error(res, 401, "authentication_error", "invalid x-api-key");
    }
    if (request.headers["anthropic-version"] !== "2023-06-01") {
      return error(res, 400, "invalid_request_error", "anthropic-version header is required");
    }
    const fault = options.fault?.(request);
    if (fault) {
      if (fault.destroy) {
        res.socket?.destroy();
        return;
      }
      const send = () => {
        res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
        res.end(typeof fault.body === "string" ? fault.body : JSON.stringify(fault.body ?? {}));
      };
      if (fault.delayMs) setTimeout(send, fault.delayMs);
      else send();
      return;
    }

    if (list) return listPage(options[list] ?? [], request, res);

    const day = request.query.starting_at ?? "";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) {
      return error(res, 400, "invalid_request_error", "starting_at must be a date YYYY-MM-DD");
    }
    const limit = Number(request.query.limit ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return error(res, 400, "invalid_request_error", "limit must be between 1 and 1000");
    }
    let offset = 0;
    if (request.query.page) {
      const decoded = decodeCursor(request.query.page);
      if (!decoded || decoded.day !== day) {
        return error(res, 400, "invalid_request_error", "invalid page cursor");
      }
      offset = decoded.offset;
    }

    const body = rendered.get(`${day}:${offset}:${limit}`) ?? renderPage(day, offset, limit);
    res.writeHead(200, {
      "content-type": "application/json",
      "request-id": `req_fake_${request.n}`,
    });
    res.end(body);
  }

  function listPage(entries: unknown[], request: RecordedRequest, res: ServerResponse) {
    const limit = Number(request.query.limit ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return error(res, 400, "invalid_request_error", "limit must be between 1 and 1000");
    }
    const idOf = (entry: unknown) =>
      entry && typeof entry === "object" && "id" in entry ? String(entry.id) : undefined;
    const after = request.query.after_id;
    const start = after ? entries.findIndex((entry) => idOf(entry) === after) + 1 : 0;
    if (after && start === 0) return error(res, 400, "invalid_request_error", "unknown after_id");
    const data = entries.slice(start, start + limit);
    res.writeHead(200, {
      "content-type": "application/json",
      "request-id": `req_fake_${request.n}`,
    });
    res.end(
      JSON.stringify({
        data,
        has_more: start + limit < entries.length,
        first_id: idOf(data[0]) ?? null,
        last_id: idOf(data.at(-1)) ?? null,
      }),
    );
  }

  function renderPage(day: string, offset: number, limit: number): string {
    const total = options.org ? options.org.recordCount(day) : (options.days?.[day]?.length ?? 0);
    const data = options.org
      ? options.org.records(day, offset, limit)
      : (options.days?.[day] ?? []).slice(offset, offset + limit);
    const hasMore = offset + limit < total;
    return JSON.stringify({
      data,
      has_more: hasMore,
      next_page: hasMore ? encodeCursor(day, offset + limit) : null,
    });
  }

  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get requestCount() {
      return count;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    prerender(days, limit) {
      for (const day of days) {
        const total = options.org
          ? options.org.recordCount(day)
          : (options.days?.[day]?.length ?? 0);
        for (let offset = 0; offset === 0 || offset < total; offset += limit) {
          rendered.set(`${day}:${offset}:${limit}`, Buffer.from(renderPage(day, offset, limit)));
        }
      }
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close").catch(() => undefined);
    },
  };
}

/** Anthropic's error envelope. */
export function apiErrorBody(type: string, message: string) {
  return { type: "error", error: { type, message } };
}

function error(res: ServerResponse, status: number, type: string, message: string) {
  res.writeHead(status, { "content-type": "application/json", "request-id": "req_fake_error" });
  res.end(JSON.stringify(apiErrorBody(type, message)));
}

function encodeCursor(day: string, offset: number): string {
  return `page_${Buffer.from(`${day}:${offset}`).toString("base64url")}`;
}

function decodeCursor(cursor: string): { day: string; offset: number } | undefined {
  if (!cursor.startsWith("page_")) return undefined;
  const [day, offset] = Buffer.from(cursor.slice(5), "base64url").toString().split(":");
  const n = Number(offset);
  return day && Number.isInteger(n) && n >= 0 ? { day, offset: n } : undefined;
}

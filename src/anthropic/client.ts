import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import { Agent, type Dispatcher, request } from "undici";
import type { z } from "zod";
import { createScrubber } from "../scrub.js";
import { USER_AGENT } from "../version.js";
import { backoffDelay, parseRetryAfter, RETRYABLE_STATUSES } from "./backoff.js";
import { AnthropicApiError, type AnthropicErrorKind } from "./errors.js";
import { createRateBudget } from "./rate-budget.js";
import { parseRecords, type UsagePage } from "./records.js";
import {
  type ApiKeyInfo,
  apiKeySchema,
  type ListPage,
  listPageSchema,
  type Member,
  memberSchema,
  type RosterList,
  readEntries,
} from "./roster.js";
import { apiErrorBodySchema, usagePageSchema } from "./schema.js";

export const DEFAULT_BASE_URL = "https://api.anthropic.com";
export const ANTHROPIC_VERSION = "2023-06-01";
export const USAGE_REPORT_PATH = "v1/organizations/usage_report/claude_code";
export const MEMBERS_PATH = "v1/organizations/users";
export const API_KEYS_PATH = "v1/organizations/api_keys";
/** The API's maximum page size: fewer round trips per day. */
export const MAX_PAGE_SIZE = 1000;

/** Anything that yields the usage pages of one UTC day: the HTTP client, or the demo organisation. */
export interface UsageSource {
  pages(day: string, signal?: AbortSignal): AsyncIterable<UsagePage>;
}

export interface AdminClientOptions {
  adminKey: string;
  baseUrl?: string | undefined;
  userAgent?: string | undefined;
  /** 1..1000; defaults to 1000. Tests use small pages to exercise pagination. */
  pageSize?: number | undefined;
  /** Attempts per page, the first one included. */
  maxAttempts?: number | undefined;
  /** Per HTTP request. */
  requestTimeoutMs?: number | undefined;
  /** Per page, across all its attempts and waits. */
  deadlineMs?: number | undefined;
  backoffBaseMs?: number | undefined;
  backoffMaxMs?: number | undefined;
  /**
   * Requests a minute this client may start (on top of its concurrency): a budget that keeps a
   * long backfill polite. 0 or absent: no budget.
   */
  requestsPerMinute?: number | undefined;
  /** Keep-alive connections to the API. Defaults to 16. */
  connections?: number | undefined;
  /** Bring your own undici dispatcher (the client then does not close it). */
  dispatcher?: Dispatcher | undefined;
  random?: (() => number) | undefined;
  /**
   * Told when a 429 pauses this client (epoch ms), so that clients in other worker threads can be
   * paused too (see pauseUntil).
   */
  onPause?: ((untilMs: number) => void) | undefined;
}

export interface AdminClient extends UsageSource {
  fetchPage(day: string, cursor?: string, signal?: AbortSignal): Promise<UsagePage>;
  /** Every member of the organisation (all pages). */
  listMembers(signal?: AbortSignal): Promise<RosterList<Member>>;
  /** Every API key of the organisation (all pages), whatever its status. */
  listApiKeys(signal?: AbortSignal): Promise<RosterList<ApiKeyInfo>>;
  /** Requests sent so far, retries included (benchmarks and tests read it). */
  readonly requestCount: number;
  /** Send no request before this time (epoch ms): a 429 seen by another client of the same key. */
  pauseUntil(untilMs: number): void;
  close(): Promise<void>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** What a GET is about, for its errors: a usage day, or the list being read. */
interface Subject {
  day?: string | undefined;
  list?: string | undefined;
}

/** Reads a 200 answer's text, or says why it cannot. */
type Parse<T> = (
  text: string,
  requestId: string | undefined,
) => T | AnthropicApiError | Promise<T | AnthropicApiError>;

type Attempt<T> =
  | { ok: true; value: T }
  | { ok: false; retry: boolean; retryAfterMs?: number | undefined; error: AnthropicApiError };

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const adminKey = options.adminKey;
  const base = new URL(withTrailingSlash(options.baseUrl ?? DEFAULT_BASE_URL));
  const endpoint = new URL(USAGE_REPORT_PATH, base);
  const pageSize = options.pageSize ?? MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new RangeError(`pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  const maxAttempts = options.maxAttempts ?? 6;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const deadlineMs = options.deadlineMs ?? 120_000;
  const backoff = { baseMs: options.backoffBaseMs ?? 500, maxMs: options.backoffMaxMs ?? 30_000 };
  const random = options.random ?? Math.random;
  const budget = createRateBudget({ perMinute: options.requestsPerMinute ?? 0 });
  const ownDispatcher = options.dispatcher === undefined;
  const dispatcher =
    options.dispatcher ??
    new Agent({
      connections: options.connections ?? 16,
      keepAliveTimeout: 30_000,
      connect: { timeout: 10_000 },
    });
  const headers = {
    "x-api-key": adminKey,
    "anthropic-version": ANTHROPIC_VERSION,
    "user-agent": options.userAgent ?? USER_AGENT,
    accept: "application/json",
  };

  let requestCount = 0;
  // One 429 pauses every worker of this client, not just the one that saw it.
  let pausedUntil = 0;

  /** Scrub the key (and runs of it) from anything the API echoes back, before it goes anywhere. */
  const redact = createScrubber([adminKey]);

  /** `onText`: told a successful answer's text before it is parsed (for the page ahead). */
  async function fetchPage(
    day: string,
    cursor?: string,
    signal?: AbortSignal,
    onText?: (text: string) => void,
  ): Promise<UsagePage> {
    if (!DAY.test(day)) throw new RangeError(`day must be YYYY-MM-DD, got ${JSON.stringify(day)}`);
    const url = new URL(endpoint);
    url.searchParams.set("starting_at", day);
    url.searchParams.set("limit", String(pageSize));
    if (cursor) url.searchParams.set("page", cursor);
    return getWithRetries(
      url,
      async (text, requestId) => {
        if (onText) {
          onText(text);
          // Answers that came in together each send their next request before any is parsed.
          await nextTurn();
        }
        return parsePage(text, day, requestId);
      },
      { day },
      signal,
    );
  }

  /** One GET, retried on 429/5xx/network errors within the deadline; its answer read by `parse`. */
  async function getWithRetries<T>(
    url: URL,
    parse: Parse<T>,
    subject: Subject,
    signal?: AbortSignal,
  ): Promise<T> {
    const deadline = Date.now() + deadlineMs;
    let last: AnthropicApiError | undefined;
    let attempts = 0;
    let bare429s = 0;

    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const wait = pausedUntil - Date.now();
      if (wait > 0) {
        if (Date.now() + wait > deadline) break;
        await pause(wait, signal);
      }

      attempts = attempt;
      const outcome = await attemptOnce(url, parse, subject, signal);
      if (outcome.ok) return outcome.value;
      last = outcome.error;
      if (!outcome.retry || attempt === maxAttempts) break;

      const delay = backoffDelay(attempt, outcome.retryAfterMs, backoff, random);
      if (last.status === 429) {
        // A 429 pauses every request of this client, not only this one.
        pausedUntil = Math.max(pausedUntil, Date.now() + delay);
        options.onPause?.(pausedUntil);
        // Without retry-after, a second 429 is no passing burst (a spend limit may last for
        // hours): stop and say so rather than keep knocking.
        if (outcome.retryAfterMs === undefined && ++bare429s >= 2) {
          last = new AnthropicApiError(
            "rate_limited",
            "Anthropic API kept answering 429 without saying when to retry (a spend or rate limit of the organisation?); stopped rather than retry",
            {
              status: 429,
              day: subject.day,
              requestId: last.requestId,
              apiMessage: last.apiMessage,
            },
          );
          break;
        }
      }
      if (Date.now() + delay > deadline) break;
      await pause(delay, signal);
    }
    throw withAttempts(last, attempts, subject.day);
  }

  async function attemptOnce<T>(
    url: URL,
    parse: Parse<T>,
    subject: Subject,
    signal?: AbortSignal,
  ): Promise<Attempt<T>> {
    const { day } = subject;
    await budget.take(signal);
    const timeout = AbortSignal.timeout(requestTimeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    requestCount++;
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await request(url, { method: "GET", headers, dispatcher, signal: combined });
      text = await response.body.text();
    } catch (cause) {
      if (signal?.aborted) throw signal.reason;
      const timedOut = timeout.aborted;
      return {
        ok: false,
        retry: true,
        error: new AnthropicApiError(
          timedOut ? "timeout" : "unreachable",
          timedOut
            ? `Anthropic API did not answer within ${requestTimeoutMs} ms`
            : `Anthropic API unreachable at ${endpoint.origin}: ${networkReason(cause)}`,
          { day, cause: timedOut ? undefined : sanitizeCause(cause) },
        ),
      };
    }

    const status = response.statusCode;
    const requestId = header(response.headers, "request-id");
    if (status === 200) {
      const value = await parse(text, requestId);
      return value instanceof AnthropicApiError
        ? { ok: false, retry: false, error: value }
        : { ok: true, value };
    }

    const apiError = readApiError(text);
    const context = {
      status,
      day,
      requestId,
      apiErrorType: apiError.type,
      apiMessage: apiError.message === undefined ? undefined : redact(apiError.message),
    };
    if (status === 401 || status === 403) {
      return {
        ok: false,
        retry: false,
        error: new AnthropicApiError(
          "auth",
          `Anthropic rejected the admin key${subject.list ? ` for reading ${subject.list}` : ""} (${status}${apiError.type ? ` ${apiError.type}` : ""}). Use an Admin API key (sk-ant-admin…) of an organisation; individual accounts cannot use the usage report API.`,
          context,
        ),
      };
    }
    if (RETRYABLE_STATUSES.has(status)) {
      const retryAfterMs = parseRetryAfter(
        {
          "retry-after": header(response.headers, "retry-after"),
          "retry-after-ms": header(response.headers, "retry-after-ms"),
        },
        Date.now(),
      );
      const kind: AnthropicErrorKind = status === 429 ? "rate_limited" : "unavailable";
      return {
        ok: false,
        retry: true,
        retryAfterMs,
        error: new AnthropicApiError(
          kind,
          `Anthropic API answered ${status}${context.apiMessage ? `: ${context.apiMessage}` : ""}`,
          context,
        ),
      };
    }
    if (status >= 500) {
      return {
        ok: false,
        retry: false,
        error: new AnthropicApiError("unavailable", `Anthropic API answered ${status}`, context),
      };
    }
    // Any other status (400, 404, 418…): the request itself was refused. The error keeps the real
    // status, which is what people are told (describeAnthropicError), never a blanket 400.
    return {
      ok: false,
      retry: false,
      error: new AnthropicApiError(
        "bad_request",
        `Anthropic API refused the request (${status}): ${context.apiMessage ?? "no message"}`,
        context,
      ),
    };
  }

  /** Every page of a list paged by `after_id`, read with `schema`. */
  async function listAll<T>(
    path: string,
    list: string,
    schema: z.ZodType<T>,
    signal?: AbortSignal,
  ): Promise<RosterList<T>> {
    const all: RosterList<T> = { items: [], invalid: 0 };
    const seen = new Set<string>();
    let after: string | undefined;
    for (;;) {
      const url = new URL(path, base);
      url.searchParams.set("limit", String(pageSize));
      if (after) url.searchParams.set("after_id", after);
      const page = await getWithRetries(
        url,
        (text, requestId) => parseListPage(text, list, requestId),
        { list },
        signal,
      );
      const read = readEntries(schema, page.data);
      all.items.push(...read.items);
      all.invalid += read.invalid;
      if (!page.has_more) return all;
      const next = page.last_id;
      if (!next || seen.has(next)) {
        throw new AnthropicApiError(
          "invalid_response",
          `reading ${list}: has_more is true but ${next ? "the same page came twice" : "last_id is empty"}`,
        );
      }
      seen.add(next);
      after = next;
    }
  }

  /**
   * A day's pages, one request ahead: the next page's cursor is read off an answer's text
   * (peekNextPage) and its request sent before the answer is parsed and folded, so a day's chain
   * of pages waits on the network, not on this thread's CPU. The guess is checked against the
   * parsed page; a wrong one is dropped (aborted) and the right page asked for. At most one page
   * is fetched ahead of the one the caller is reading.
   */
  async function* pages(day: string, signal?: AbortSignal): AsyncGenerator<UsagePage> {
    interface Fetch {
      cursor: string | undefined;
      promise: Promise<UsagePage>;
      abort(): void;
      /** The next page's cursor, read off this answer's text. */
      guess?: string | undefined;
      /** The caller waits for this page: its next one may be asked for. */
      wanted: boolean;
      next?: Fetch | undefined;
    }
    const ahead = (f: Fetch) => {
      if (f.wanted && f.guess !== undefined && !f.next) f.next = start(f.guess);
    };
    const start = (cursor: string | undefined): Fetch => {
      const controller = new AbortController();
      const own = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
      const f: Fetch = {
        cursor,
        wanted: false,
        abort: () => controller.abort(),
        promise: fetchPage(day, cursor, own, (text) => {
          f.guess = peekNextPage(text);
          ahead(f);
        }),
      };
      // A page fetched ahead may be dropped unread: its failure is the caller's only if read.
      f.promise.catch(() => undefined);
      return f;
    };

    const seen = new Set<string>();
    let f = start(undefined);
    try {
      for (;;) {
        f.wanted = true;
        ahead(f);
        const page = await f.promise;
        yield page;
        if (!page.hasMore) return;
        if (!page.nextPage) {
          throw new AnthropicApiError(
            "invalid_response",
            "has_more is true but next_page is empty",
            {
              day,
            },
          );
        }
        if (seen.has(page.nextPage)) {
          throw new AnthropicApiError("invalid_response", "the API returned the same page twice", {
            day,
          });
        }
        seen.add(page.nextPage);
        const next = f.next;
        f.next = undefined;
        if (next && next.cursor !== page.nextPage) next.abort();
        f = next && next.cursor === page.nextPage ? next : start(page.nextPage);
      }
    } finally {
      f.next?.abort();
    }
  }

  return {
    fetchPage,
    pages,
    listMembers: (signal) =>
      listAll(MEMBERS_PATH, "the organisation's members", memberSchema, signal),
    listApiKeys: (signal) =>
      listAll(API_KEYS_PATH, "the organisation's API keys", apiKeySchema, signal),
    get requestCount() {
      return requestCount;
    },
    pauseUntil(untilMs) {
      pausedUntil = Math.max(pausedUntil, untilMs);
    },
    async close() {
      if (ownDispatcher) await dispatcher.close();
    },
  };
}

/** A 200 answer's text as a usage page (or why it is not one). Exported for the benchmark. */
/**
 * The `next_page` cursor of a usage page's answer, read without parsing it (the last
 * `"next_page": "…"` in the text; undefined when none or null). A guess: checked against the
 * parsed page before it is used for anything but a request.
 */
export function peekNextPage(text: string): string | undefined {
  const at = text.lastIndexOf('"next_page"');
  if (at < 0) return undefined;
  NEXT_PAGE.lastIndex = at;
  const match = NEXT_PAGE.exec(text);
  if (!match) return undefined;
  try {
    const cursor: unknown = JSON.parse(`"${match[1]}"`);
    return typeof cursor === "string" && cursor !== "" ? cursor : undefined;
  } catch {
    return undefined;
  }
}
const NEXT_PAGE = /"next_page"\s*:\s*"((?:[^"\\]|\\.)*)"/y;

export function parsePage(
  text: string,
  day: string,
  requestId?: string,
): UsagePage | AnthropicApiError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new AnthropicApiError("invalid_response", "Anthropic API answered with invalid JSON", {
      day,
      requestId,
      status: 200,
    });
  }
  const envelope = usagePageSchema.safeParse(json);
  if (!envelope.success) {
    return new AnthropicApiError(
      "invalid_response",
      `Anthropic API answer is not a usage page: ${envelope.error.issues[0]?.message ?? "unknown shape"}`,
      { day, requestId, status: 200 },
    );
  }
  const { records, invalid } = parseRecords(envelope.data.data);
  return {
    records,
    invalid,
    hasMore: envelope.data.has_more,
    nextPage: envelope.data.next_page ?? null,
  };
}

function parseListPage(
  text: string,
  list: string,
  requestId: string | undefined,
): ListPage | AnthropicApiError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return new AnthropicApiError("invalid_response", `reading ${list}: the answer is not JSON`, {
      requestId,
      status: 200,
    });
  }
  const page = listPageSchema.safeParse(json);
  return page.success
    ? page.data
    : new AnthropicApiError(
        "invalid_response",
        `reading ${list}: the answer is not a list page (${page.error.issues[0]?.message ?? "unknown shape"})`,
        { requestId, status: 200 },
      );
}

function readApiError(text: string): { type?: string | undefined; message?: string | undefined } {
  try {
    const parsed = apiErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.error;
  } catch {
    // Not JSON (a proxy's HTML page, say): fall through to no details.
  }
  return {};
}

/** Sleep, but stop early with the caller's own abort reason. */
async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    throw signal?.aborted ? signal.reason : error;
  }
}

function header(headers: Dispatcher.ResponseData["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function withTrailingSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

function networkReason(cause: unknown): string {
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === "string" ? code : cause.message;
  }
  return String(cause);
}

/** undici errors can carry request options (and so headers); keep only name, code and message. */
function sanitizeCause(cause: unknown): Error | undefined {
  if (!(cause instanceof Error)) return undefined;
  const clean = new Error(cause.message);
  clean.name = cause.name;
  const code = (cause as Error & { code?: unknown }).code;
  if (typeof code === "string") Object.assign(clean, { code });
  return clean;
}

function withAttempts(
  error: AnthropicApiError | undefined,
  attempts: number,
  day: string | undefined,
): AnthropicApiError {
  if (!error) {
    return new AnthropicApiError("timeout", "gave up before the first attempt (deadline)", { day });
  }
  if (!error.transient) return error;
  return new AnthropicApiError(error.kind, `${error.message} (gave up after retrying)`, {
    status: error.status,
    day: error.day,
    requestId: error.requestId,
    apiErrorType: error.apiErrorType,
    apiMessage: error.apiMessage,
    attempts,
    cause: error,
  });
}

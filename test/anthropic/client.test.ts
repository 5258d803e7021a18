import { createServer } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  apiErrorBody,
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  type FakeAdminApiOptions,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import { apiRecord } from "../../fakes/records.js";
import { backoffDelay, parseRetryAfter } from "../../src/anthropic/backoff.js";
import { type AdminClientOptions, createAdminClient } from "../../src/anthropic/client.js";
import {
  AnthropicApiError,
  describeAnthropicError,
  describeAnthropicErrorInDetail,
} from "../../src/anthropic/errors.js";
import type { UsagePage } from "../../src/anthropic/records.js";
import { APP_VERSION } from "../../src/version.js";

const DAY = "2026-11-24";
let api: FakeAdminApi | undefined;
let closeClient: (() => Promise<void>) | undefined;

afterEach(async () => {
  await closeClient?.();
  await api?.close();
  api = undefined;
  closeClient = undefined;
});

async function setup(server: FakeAdminApiOptions, client: Partial<AdminClientOptions> = {}) {
  api = await startFakeAdminApi(server);
  const c = createAdminClient({
    adminKey: FAKE_ADMIN_KEY,
    baseUrl: api.url,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
    ...client,
  });
  closeClient = () => c.close();
  return { api, client: c };
}

async function allPages(source: { pages(day: string): AsyncIterable<UsagePage> }, day = DAY) {
  const pages: UsagePage[] = [];
  for await (const page of source.pages(day)) pages.push(page);
  return pages;
}

async function failure(promise: Promise<unknown>): Promise<AnthropicApiError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AnthropicApiError);
    return error as AnthropicApiError;
  }
  throw new Error("expected a failure");
}

const fiveRecords = Array.from({ length: 5 }, (_, i) => apiRecord({ email: `u${i}@example.com` }));

describe("request", () => {
  it("sends the admin key, API version, a User-Agent naming the bot, and limit=1000", async () => {
    const { api, client } = await setup({ days: { [DAY]: fiveRecords } });
    const pages = await allPages(client);
    expect(pages).toHaveLength(1);
    expect(pages[0]?.records).toHaveLength(5);
    const [req] = api.requests;
    expect(req?.path).toBe("/v1/organizations/usage_report/claude_code");
    expect(req?.query).toEqual({ starting_at: DAY, limit: "1000" });
    expect(req?.headers["x-api-key"]).toBe(FAKE_ADMIN_KEY);
    expect(req?.headers["anthropic-version"]).toBe("2023-06-01");
    expect(req?.headers["user-agent"]).toBe(
      `claude-usage/${APP_VERSION} (+https://github.com/claude-usage/claude-usage)`,
    );
  });

  it("keeps a base URL's path prefix (a proxy in front of the API)", async () => {
    api = await startFakeAdminApi({ days: {} });
    const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: `${api.url}/proxy` });
    closeClient = () => client.close();
    await failure(client.fetchPage(DAY));
    expect(api.requests[0]?.path).toBe("/proxy/v1/organizations/usage_report/claude_code");
  });

  it("rejects a malformed day and a page size out of range before any request", async () => {
    const { api, client } = await setup({ days: {} });
    await expect(client.fetchPage("24/11/2026")).rejects.toThrow(RangeError);
    expect(() => createAdminClient({ adminKey: "k", pageSize: 1001 })).toThrow(RangeError);
    expect(api.requestCount).toBe(0);
  });
});

describe("pagination", () => {
  it("follows next_page until has_more is false", async () => {
    const { api, client } = await setup({ days: { [DAY]: fiveRecords } }, { pageSize: 2 });
    const pages = await allPages(client);
    expect(pages.map((p) => p.records.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.records.map((r) => r.actor.email_address))).toEqual(
      fiveRecords.map((r) => (r.actor as { email_address: string }).email_address),
    );
    expect(api.requests.map((r) => r.query.page)).toEqual([
      undefined,
      expect.stringMatching(/^page_/),
      expect.stringMatching(/^page_/),
    ]);
    expect(api.requests.every((r) => r.query.limit === "2")).toBe(true);
  });

  it("an empty day is one empty page", async () => {
    const { client } = await setup({ days: {} });
    const pages = await allPages(client);
    expect(pages).toEqual([{ records: [], invalid: [], hasMore: false, nextPage: null }]);
  });

  it("fails clearly when has_more is true without a next_page", async () => {
    const { client } = await setup({
      fault: () => ({ status: 200, body: { data: [], has_more: true, next_page: null } }),
    });
    const error = await failure(allPages(client));
    expect(error.kind).toBe("invalid_response");
    expect(error.message).toMatch(/next_page/);
  });

  it("stops a cursor loop instead of fetching forever", async () => {
    const { api, client } = await setup({
      fault: () => ({ status: 200, body: { data: [], has_more: true, next_page: "page_same" } }),
    });
    const error = await failure(allPages(client));
    expect(error.message).toMatch(/same page twice/);
    expect(api.requestCount).toBe(2);
  });

  it("counts records it cannot read and keeps the others", async () => {
    const { client } = await setup({
      days: { [DAY]: [fiveRecords[0], { actor: 7 }, fiveRecords[1]] },
    });
    const [page] = await allPages(client);
    expect(page?.records).toHaveLength(2);
    expect(page?.invalid).toEqual([{ index: 1, reason: expect.stringMatching(/actor/) }]);
  });

  it("accepts unknown fields in the envelope and in records", async () => {
    const { client } = await setup({
      fault: () => ({
        status: 200,
        body: {
          data: [{ ...fiveRecords[0], shiny_new_metric: 3 }],
          has_more: false,
          next_page: null,
          total: 1,
        },
      }),
    });
    const [page] = await allPages(client);
    expect(page?.records).toHaveLength(1);
  });
});

describe("retries", () => {
  it("a 429 without retry-after is retried once, then it stops and says why (a spend limit?)", async () => {
    const { api, client } = await setup(
      {
        days: { [DAY]: fiveRecords },
        fault: () => ({ status: 429, body: apiErrorBody("rate_limit_error", "limit reached") }),
      },
      { maxAttempts: 6 },
    );
    const error = await failure(client.fetchPage(DAY));
    expect(api.requestCount).toBe(2);
    expect(error.kind).toBe("rate_limited");
    expect(error.message).toContain("without saying when to retry");
    expect(error.transient).toBe(true);
  });

  it("a single 429 without retry-after is a passing burst: retried after a backoff", async () => {
    const { api, client } = await setup({
      days: { [DAY]: fiveRecords },
      fault: (r) =>
        r.n === 1 ? { status: 429, body: apiErrorBody("rate_limit_error", "slow") } : undefined,
    });
    expect((await client.fetchPage(DAY)).records).toHaveLength(5);
    expect(api.requestCount).toBe(2);
  });

  it("a request budget lets a burst through at once (spacing: rate-budget.test.ts)", async () => {
    const days = ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"];
    const { api, client } = await setup(
      { days: {} },
      { requestsPerMinute: 3000, connections: 8 }, // a burst of 300: all at once
    );
    await Promise.all(days.map((day) => client.fetchPage(day)));
    const spread = (api.requests.at(-1)?.at ?? 0) - (api.requests[0]?.at ?? 0);
    expect(spread).toBeLessThan(200);
    expect(api.requestCount).toBe(5);
  });

  it("honours retry-after on 429, then succeeds", async () => {
    const { api, client } = await setup({
      days: { [DAY]: fiveRecords },
      fault: (r) =>
        r.n === 1
          ? {
              status: 429,
              headers: { "retry-after": "1" },
              body: apiErrorBody("rate_limit_error", "slow down"),
            }
          : undefined,
    });
    const page = await client.fetchPage(DAY);
    expect(page.records).toHaveLength(5);
    expect(api.requestCount).toBe(2);
    const [first, second] = api.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("one 429 pauses every worker of the client, not only the one that saw it", async () => {
    const { api, client } = await setup({
      days: { [DAY]: fiveRecords, "2026-11-23": fiveRecords },
      fault: (r) =>
        r.n === 1
          ? {
              status: 429,
              headers: { "retry-after": "1" },
              body: apiErrorBody("rate_limit_error", "x"),
            }
          : undefined,
    });
    const first = client.fetchPage(DAY);
    while (api.requestCount < 1) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100)); // the 429 has been answered and read
    const other = client.fetchPage("2026-11-23");
    await Promise.all([first, other]);
    const otherRequest = api.requests.find((r) => r.query.starting_at === "2026-11-23");
    expect((otherRequest?.at ?? 0) - (api.requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it.each([500, 502, 503, 504, 529])("retries %i with backoff, then succeeds", async (status) => {
    const { api, client } = await setup({
      days: { [DAY]: fiveRecords },
      fault: (r) => (r.n <= 2 ? { status, body: apiErrorBody("api_error", "oops") } : undefined),
    });
    const page = await client.fetchPage(DAY);
    expect(page.records).toHaveLength(5);
    expect(api.requestCount).toBe(3);
  });

  it("gives up after the configured attempts with a typed, transient error", async () => {
    const { api, client } = await setup(
      { fault: () => ({ status: 529, body: apiErrorBody("overloaded_error", "Overloaded") }) },
      { maxAttempts: 3 },
    );
    const error = await failure(client.fetchPage(DAY));
    expect(error.kind).toBe("unavailable");
    expect(error.status).toBe(529);
    expect(error.attempts).toBe(3);
    expect(error.transient).toBe(true);
    expect(error.apiMessage).toBe("Overloaded");
    expect(api.requestCount).toBe(3);
    expect(describeAnthropicError(error)).toMatch(/busy or unavailable \(529\)/);
  });

  it("does not wait out a retry-after longer than its deadline", async () => {
    const { api, client } = await setup(
      {
        fault: () => ({
          status: 429,
          headers: { "retry-after": "60" },
          body: apiErrorBody("rate_limit_error", "x"),
        }),
      },
      { deadlineMs: 2000 },
    );
    const started = Date.now();
    const error = await failure(client.fetchPage(DAY));
    expect(error.kind).toBe("rate_limited");
    expect(Date.now() - started).toBeLessThan(1500);
    expect(api.requestCount).toBe(1);
  });

  it("retries a request that timed out, then reports a timeout", async () => {
    const { api, client } = await setup(
      { fault: () => ({ status: 200, delayMs: 400, body: { data: [], has_more: false } }) },
      { requestTimeoutMs: 50, maxAttempts: 2 },
    );
    const error = await failure(client.fetchPage(DAY));
    expect(error.kind).toBe("timeout");
    expect(api.requestCount).toBe(2);
  });

  it("a dropped connection is retried", async () => {
    const { api, client } = await setup({
      days: { [DAY]: fiveRecords },
      fault: (r) => (r.n === 1 ? { status: 0, destroy: true } : undefined),
    });
    const page = await client.fetchPage(DAY);
    expect(page.records).toHaveLength(5);
    expect(api.requestCount).toBe(2);
  });

  it("stops waiting when the caller aborts", async () => {
    const { client } = await setup({
      fault: () => ({
        status: 429,
        headers: { "retry-after": "30" },
        body: apiErrorBody("rate_limit_error", "x"),
      }),
    });
    const controller = new AbortController();
    const pending = client.fetchPage(DAY, undefined, controller.signal);
    setTimeout(() => controller.abort(new Error("user gave up")), 100);
    await expect(pending).rejects.toThrow("user gave up");
  });
});

describe("errors that are not retried", () => {
  it.each([401, 403])(
    "%i: the admin key was rejected — one request, no key in the message",
    async (status) => {
      const { api, client } = await setup({
        fault: () => ({
          status,
          body: apiErrorBody(
            status === 401 ? "authentication_error" : "permission_error",
            "invalid x-api-key",
          ),
        }),
      });
      const error = await failure(client.fetchPage(DAY));
      expect(error.kind).toBe("auth");
      expect(error.status).toBe(status);
      expect(error.transient).toBe(false);
      expect(error.message).toMatch(/rejected the admin key/);
      expect(error.message).toMatch(/sk-ant-admin…/);
      expect(describeAnthropicError(error)).toMatch(/admin key was rejected/);
      expect(api.requestCount).toBe(1);
      const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
      expect(everything).not.toContain(FAKE_ADMIN_KEY);
    },
  );

  it("a wrong key against the fake API is a 401", async () => {
    api = await startFakeAdminApi({ days: {} });
    const client = createAdminClient({ adminKey: "sk-ant-admin01-wrong", baseUrl: api.url });
    closeClient = () => client.close();
    const error = await failure(client.fetchPage(DAY));
    expect(error.kind).toBe("auth");
  });

  it("400 carries the API's message", async () => {
    const { api, client } = await setup({
      fault: () => ({
        status: 400,
        body: apiErrorBody("invalid_request_error", "starting_at is too far in the past"),
      }),
    });
    const error = await failure(client.fetchPage(DAY));
    expect(error.kind).toBe("bad_request");
    expect(error.apiMessage).toBe("starting_at is too far in the past");
    expect(error.message).toContain("starting_at is too far in the past");
    expect(api.requestCount).toBe(1);
    // People get our words; operators (CLI, doctor) also get the API's.
    expect(describeAnthropicError(error)).toBe(
      "the Anthropic API refused the request as invalid (400 Bad Request).",
    );
    expect(describeAnthropicErrorInDetail(error)).toContain(
      'Anthropic said: "starting_at is too far in the past"',
    );
  });

  it("404 and 418 are described by their own status, not as a 400", async () => {
    const { api } = await setup({
      fault: () => ({ status: 418, body: apiErrorBody("teapot_error", "short and stout") }),
    });
    const wrongPath = createAdminClient({
      adminKey: FAKE_ADMIN_KEY,
      baseUrl: `${api.url}/nowhere`,
    });
    const notFound = await failure(wrongPath.fetchPage(DAY)).finally(() => wrongPath.close());
    expect(notFound.status).toBe(404);
    expect(describeAnthropicError(notFound)).toMatch(
      /^the Anthropic API did not find what was asked for \(404 Not Found\)\. .*ANTHROPIC_BASE_URL/,
    );

    const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: api.url });
    const teapot = await failure(client.fetchPage(DAY)).finally(() => client.close());
    expect(teapot.kind).toBe("bad_request");
    expect(teapot.message).toContain("(418)");
    expect(describeAnthropicError(teapot)).toBe(
      "the Anthropic API refused the request (418 I'm a Teapot).",
    );
    for (const error of [notFound, teapot]) {
      expect(describeAnthropicError(error)).not.toContain("(400");
      expect(describeAnthropicError(error)).not.toContain(error.apiMessage);
    }
  });

  it("redacts the key if the API ever echoes it back", async () => {
    const { client } = await setup({
      fault: () => ({
        status: 400,
        body: apiErrorBody("invalid_request_error", `bad key ${FAKE_ADMIN_KEY}`),
      }),
    });
    const error = await failure(client.fetchPage(DAY));
    expect(error.message).not.toContain(FAKE_ADMIN_KEY);
    expect(error.apiMessage).toBe("bad key [redacted]");
  });

  it("redacts an echoed prefix, upper-cased form or base64 of the key too", async () => {
    const echoes = [
      FAKE_ADMIN_KEY.slice(0, 20),
      FAKE_ADMIN_KEY.toUpperCase(),
      Buffer.from(FAKE_ADMIN_KEY).toString("base64"),
    ];
    const { client } = await setup({
      fault: () => ({
        status: 400,
        body: apiErrorBody("invalid_request_error", `bad key ${echoes.join(" or ")}`),
      }),
    });
    const error = await failure(client.fetchPage(DAY));
    // The base64's last character also encodes the zero bits after the key: it may remain.
    expect(error.apiMessage).toMatch(
      /^bad key \[redacted\] or \[redacted\] or \[redacted\][A-Za-z0-9+/]?=*$/,
    );
    for (const echo of echoes) expect(error.message).not.toContain(echo);
  });

  it("an answer that is not JSON is an invalid response", async () => {
    const { client } = await setup({
      fault: () => ({ status: 200, body: "<html>gateway</html>" }),
    });
    const error = await failure(client.fetchPage(DAY));
    expect(error.kind).toBe("invalid_response");
  });

  it("a 5xx error page that is not JSON is still understood as unavailable", async () => {
    const { client } = await setup(
      { fault: () => ({ status: 502, body: "<html>bad gateway</html>" }) },
      { maxAttempts: 2 },
    );
    const error = await failure(client.fetchPage(DAY));
    expect(error.kind).toBe("unavailable");
    expect(error.apiMessage).toBeUndefined();
  });

  it("an unreachable API is a typed error without the key", async () => {
    const port = await closedPort();
    const client = createAdminClient({
      adminKey: FAKE_ADMIN_KEY,
      baseUrl: `http://127.0.0.1:${port}`,
      maxAttempts: 2,
      backoffBaseMs: 1,
    });
    closeClient = () => client.close();
    const error = await failure(client.fetchPage(DAY));
    expect(error.kind).toBe("unreachable");
    expect(error.message).toMatch(/ECONNREFUSED/);
    expect(JSON.stringify({ ...error, cause: String(error.cause) })).not.toContain(FAKE_ADMIN_KEY);
  });
});

describe("backoff", () => {
  it("parses retry-after as seconds, as an HTTP date, and retry-after-ms", () => {
    const now = Date.parse("2026-11-25T10:00:00Z");
    expect(parseRetryAfter({ "retry-after": "3" }, now)).toBe(3000);
    expect(parseRetryAfter({ "retry-after": "0.5" }, now)).toBe(500);
    expect(parseRetryAfter({ "retry-after": "Wed, 25 Nov 2026 10:00:10 GMT" }, now)).toBe(10_000);
    expect(parseRetryAfter({ "retry-after-ms": "250", "retry-after": "9" }, now)).toBe(250);
    expect(parseRetryAfter({ "retry-after": "soon" }, now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
  });

  it("grows exponentially with jitter, capped, and lets the server's retry-after win", () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(1, undefined, opts, () => 0)).toBe(50);
    expect(backoffDelay(1, undefined, opts, () => 1)).toBe(100);
    expect(backoffDelay(3, undefined, opts, () => 1)).toBe(400);
    expect(backoffDelay(10, undefined, opts, () => 1)).toBe(1000);
    expect(backoffDelay(1, 5000, opts, () => 0.5)).toBe(5050);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

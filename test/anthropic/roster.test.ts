import { afterEach, describe, expect, it } from "vitest";
import {
  apiErrorBody,
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  type FakeAdminApiOptions,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { AnthropicApiError } from "../../src/anthropic/errors.js";

/* The roster lists (members and API keys): paged by after_id, tolerant, retried like usage. */

let api: FakeAdminApi | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  await api?.close();
  api = undefined;
  close = undefined;
});

async function setup(server: FakeAdminApiOptions, pageSize = 1000) {
  api = await startFakeAdminApi(server);
  const client = createAdminClient({
    adminKey: FAKE_ADMIN_KEY,
    baseUrl: api.url,
    pageSize,
    backoffBaseMs: 5,
    backoffMaxMs: 20,
  });
  close = () => client.close();
  return { api, client };
}

const member = (n: number, extra: Record<string, unknown> = {}) => ({
  id: `user_${String(n).padStart(3, "0")}`,
  type: "user",
  email: `Person${n}@Example.com`,
  name: `Person ${n}`,
  role: "developer",
  added_at: "2026-01-05T10:00:00Z",
  ...extra,
});

describe("members", () => {
  it("reads every page, following last_id as after_id, with lower-cased emails", async () => {
    const { api, client } = await setup({ members: [1, 2, 3, 4, 5].map((n) => member(n)) }, 2);
    const { items, invalid } = await client.listMembers();
    expect(items.map((m) => m.email)).toEqual([
      "person1@example.com",
      "person2@example.com",
      "person3@example.com",
      "person4@example.com",
      "person5@example.com",
    ]);
    expect(invalid).toBe(0);
    expect(api.requests.map((r) => r.query.after_id ?? "")).toEqual(["", "user_002", "user_004"]);
    expect(api.requests[0]?.query.limit).toBe("2");
  });

  it("an empty organisation is one request and no members", async () => {
    const { api, client } = await setup({ members: [] });
    expect(await client.listMembers()).toEqual({ items: [], invalid: 0 });
    expect(api.requestCount).toBe(1);
  });

  it("accepts new roles and fields, missing names, and counts entries it cannot read", async () => {
    const { client } = await setup({
      members: [
        member(1, { role: "claude_code_user", is_scim_managed: true, projects: { data: [] } }),
        member(2, { name: null, role: undefined, added_at: null }),
        { id: "user_x", type: "user" }, // no email: unreadable
        "not an object",
      ],
    });
    const { items, invalid } = await client.listMembers();
    expect(items).toEqual([
      {
        id: "user_001",
        email: "person1@example.com",
        name: "Person 1",
        role: "claude_code_user",
        added_at: "2026-01-05T10:00:00Z",
      },
      { id: "user_002", email: "person2@example.com", name: null, role: null, added_at: null },
    ]);
    expect(invalid).toBe(2);
  });

  it("retries a 429 without retry-after and a 503 with one, then succeeds", async () => {
    let n = 0;
    const { client } = await setup({
      members: [member(1)],
      fault: () => {
        n++;
        if (n === 1) return { status: 429, body: apiErrorBody("rate_limit_error", "slow down") };
        if (n === 2)
          return {
            status: 503,
            headers: { "retry-after": "0" },
            body: apiErrorBody("api_error", "busy"),
          };
        return undefined;
      },
    });
    const { items } = await client.listMembers();
    expect(items).toHaveLength(1);
    expect(n).toBe(3);
  });

  it("a key without permission for the list is a typed auth error that names the list", async () => {
    const { client } = await setup({
      members: [member(1)],
      fault: () => ({ status: 403, body: apiErrorBody("permission_error", "not allowed") }),
    });
    const error = await client.listMembers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnthropicApiError);
    expect((error as AnthropicApiError).kind).toBe("auth");
    expect((error as AnthropicApiError).message).toContain("reading the organisation's members");
    expect((error as AnthropicApiError).message).not.toContain(FAKE_ADMIN_KEY);
  });

  it("a page that says has_more without a last_id fails instead of looping", async () => {
    const { client } = await setup({
      fault: () => ({ status: 200, body: { data: [member(1)], has_more: true, last_id: null } }),
    });
    const error = await client.listMembers().catch((e: unknown) => e);
    expect((error as AnthropicApiError).kind).toBe("invalid_response");
    expect((error as AnthropicApiError).message).toContain("last_id is empty");
  });

  it("an answer that is not a list page is an invalid response", async () => {
    const { client } = await setup({ fault: () => ({ status: 200, body: { users: [] } }) });
    const error = await client.listMembers().catch((e: unknown) => e);
    expect((error as AnthropicApiError).kind).toBe("invalid_response");
  });
});

describe("API keys", () => {
  it("reads names, workspaces, creators and statuses, tolerating missing ones", async () => {
    const { client } = await setup(
      {
        apiKeys: [
          {
            id: "apikey_01",
            type: "api_key",
            name: "ci-deploy",
            workspace_id: "wrkspc_01",
            created_at: "2026-02-01T00:00:00Z",
            created_by: { id: "user_001", type: "user" },
            partial_key_hint: "sk-ant-api03-R2D...igAA",
            status: "active",
          },
          { id: "apikey_02", name: "old-bot", status: "archived", created_by: null },
          { id: "apikey_03" }, // no name: unreadable
        ],
      },
      1,
    );
    const { items, invalid } = await client.listApiKeys();
    expect(items).toEqual([
      {
        id: "apikey_01",
        name: "ci-deploy",
        workspace_id: "wrkspc_01",
        created_at: "2026-02-01T00:00:00Z",
        status: "active",
        created_by: { id: "user_001", type: "user" },
      },
      {
        id: "apikey_02",
        name: "old-bot",
        workspace_id: null,
        created_at: null,
        status: "archived",
        created_by: null,
      },
    ]);
    expect(invalid).toBe(1);
  });
});

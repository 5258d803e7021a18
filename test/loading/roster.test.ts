import { afterEach, describe, expect, it } from "vitest";
import {
  apiErrorBody,
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { createRosterLoader } from "../../src/loading/roster.js";
import { TEST_DIALECTS, type TestStoreHandle, testDatabase } from "../support/stores.js";

const members = [1, 2, 3].map((n) => ({
  id: `user_${n}`,
  email: `p${n}@x.io`,
  name: `P ${n}`,
  role: "developer",
  added_at: "2026-01-01T00:00:00Z",
}));

let api: FakeAdminApi | undefined;
let handle: TestStoreHandle | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await api?.close();
  await handle?.cleanup();
  api = undefined;
  handle = undefined;
});

describe.each(TEST_DIALECTS)("the roster on %s", (dialect) => {
  async function setup(fail: { status: number } | undefined = undefined) {
    let failing = fail;
    api = await startFakeAdminApi({
      members,
      apiKeys: [{ id: "k1", name: "ci-deploy", status: "active" }],
      fault: () =>
        failing ? { ...failing, body: apiErrorBody("permission_error", "no") } : undefined,
    });
    const client = createAdminClient({
      adminKey: FAKE_ADMIN_KEY,
      baseUrl: api.url,
      maxAttempts: 2,
      backoffBaseMs: 1,
      backoffMaxMs: 2,
    });
    closers.push(() => client.close());
    handle = testDatabase(dialect);
    const store = await handle.open();
    let clock = Date.parse("2026-12-01T08:00:00Z");
    const loader = (snapshots = store.snapshots) =>
      createRosterLoader({ client, snapshots, now: () => clock });
    return {
      api,
      store,
      loader,
      advance: (ms: number) => {
        clock += ms;
      },
      fail: (status: number | undefined) => {
        failing = status ? { status } : undefined;
      },
    };
  }

  it("reads the API once a day: a second replica uses the stored copy", async () => {
    const { api, store, loader, advance } = await setup();
    const first = await loader().members();
    expect(first.ok && first.items.map((m) => m.email)).toEqual(["p1@x.io", "p2@x.io", "p3@x.io"]);
    expect(api.requestCount).toBe(1);

    const replica = await handle?.open();
    const second = await loader(replica?.snapshots ?? store.snapshots).members();
    expect(second.ok && second.items).toHaveLength(3);
    expect(api.requestCount).toBe(1);

    advance(25 * 60 * 60_000);
    await loader().members();
    expect(api.requestCount).toBe(2);
    expect((await loader().apiKeys()).ok).toBe(true);
    expect(api.requestCount).toBe(3);
  });

  it("a key without permission and no copy: says what is missing, nothing thrown", async () => {
    const { loader } = await setup({ status: 403 });
    const result = await loader().members();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe("auth");
      expect(result.error.message).toContain("the organisation's members");
    }
  });

  it("the API failing after a day: yesterday's copy, said to be stale", async () => {
    const { loader, advance, fail } = await setup();
    await loader().members();
    advance(25 * 60 * 60_000);
    fail(503);
    const result = await loader().members();
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.items).toHaveLength(3);
      expect(result.staleBecause?.kind).toBe("unavailable");
    }
  });

  it("callers at the same moment share one read", async () => {
    const { api, loader } = await setup();
    const roster = loader();
    const results = await Promise.all([roster.members(), roster.members(), roster.members()]);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(api.requestCount).toBe(1);
  });

  it("a store that fails still gives the roster, and says so", async () => {
    const { api, store } = await setup();
    await store.close();
    const errors: string[] = [];
    const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: api.url });
    closers.push(() => client.close());
    const result = await createRosterLoader({
      client,
      snapshots: store.snapshots,
      onStoreError: (operation) => errors.push(operation),
    }).members();
    expect(result.ok && result.items).toHaveLength(3);
    expect(errors).toEqual(["read the members snapshot", "keep the members snapshot"]);
  });
});

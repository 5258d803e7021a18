import { WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import {
  FAKE_ADMIN_KEY,
  type FakeAdminApi,
  startFakeAdminApi,
} from "../../fakes/fake-admin-api.js";
import {
  FAKE_BOT_TOKEN,
  type FakeSlackApi,
  startFakeSlackApi,
} from "../../fakes/fake-slack-api.js";
import { apiRecord } from "../../fakes/records.js";
import { createAdminClient } from "../../src/anthropic/client.js";
import { createUsageLoader } from "../../src/loading/usage-loader.js";
import { createLogger } from "../../src/log.js";
import { DELIVERY_EVENT_TYPE, type DigestDeps } from "../../src/schedule/digest-job.js";
import { leftForLater, runMorning } from "../../src/schedule/morning.js";
import { runTeamDigests, type TeamDigestsDeps } from "../../src/schedule/team-digests.js";
import type { Store } from "../../src/store/store.js";
import { cents } from "../../src/usage/money.js";
import { buildRoster } from "../../src/usage/teams.js";
import { readBlocks } from "../support/read-blocks.js";
import { type TestStoreHandle, testDatabase } from "../support/stores.js";

const OPUS = "claude-opus-4-1-20250805";
// Backend: Ada and Bob; Platform: Bob and Carol (Bob is in both); Dan and the CI key in neither.
const records = (day: string) => [
  apiRecord({ day, email: "ada@example.com", sessions: 6, added: 1210, models: [[OPUS, 1840]] }),
  apiRecord({ day, email: "bob@example.com", sessions: 2, models: [[OPUS, 500]] }),
  apiRecord({ day, email: "carol@example.com", sessions: 3, models: [[OPUS, 700]] }),
  apiRecord({ day, email: "dan@example.com", sessions: 4, models: [[OPUS, 2500]] }),
  apiRecord({ day, apiKey: "ci-bot", sessions: 9, models: [[OPUS, 900]] }),
];
const days = Object.fromEntries(
  ["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"]
    .concat(["2026-11-01", "2026-11-23", "2026-11-24"])
    .map((d) => [d, records(d)]),
);
const users = [
  { id: "UADA", email: "ada@example.com", name: "Ada Lovelace" },
  { id: "UBOB", email: "bob@example.com", name: "Bob" },
  { id: "UCAR", email: "carol@example.com", name: "Carol" },
  { id: "UDAN", email: "dan@example.com", name: "Dan Outsider" },
];
const roster = buildRoster([
  { actorKey: "user:ada@example.com", team: "Backend" },
  { actorKey: "user:bob@example.com", team: "Backend" },
  { actorKey: "user:bob@example.com", team: "Platform" },
  { actorKey: "user:carol@example.com", team: "Platform" },
]);
const NOW = new Date("2026-11-25T09:00:00Z");

let handle: TestStoreHandle | undefined;
let slack: FakeSlackApi | undefined;
let api: FakeAdminApi | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await handle?.cleanup();
  await slack?.close();
  await api?.close();
  handle = undefined;
});

async function setup() {
  handle = testDatabase("sqlite");
  slack = await startFakeSlackApi({
    users,
    botToken: FAKE_BOT_TOKEN,
    channels: [{ id: "CBACK" }, { id: "CPLAT" }, { id: "CORG" }],
  });
  api = await startFakeAdminApi({ days });
  return handle.open();
}

function digestDeps(store: Store): DigestDeps {
  const client = createAdminClient({ adminKey: FAKE_ADMIN_KEY, baseUrl: api?.url, maxAttempts: 1 });
  cleanups.push(() => client.close());
  return {
    loader: createUsageLoader({ source: client, cache: store.dayCache, now: () => NOW }),
    ledger: store.ledger,
    slack: new WebClient(FAKE_BOT_TOKEN, {
      slackApiUrl: slack?.apiUrl,
      retryConfig: { retries: 0 },
    }),
    lookupUser: async (email) => users.find((u) => u.email === email)?.id ?? null,
    lookupPerson: async (email) => {
      const user = users.find((u) => u.email === email);
      return user ? { userId: user.id, name: user.name } : null;
    },
    logger: createLogger({ sink: { write: () => undefined } }),
    config: {
      channels: [],
      dmMode: "off",
      timeZone: "UTC",
      weeklyOnMonday: true,
      monthlyOnFirst: true,
    },
    now: () => NOW,
  };
}

function teamDeps(
  store: Store,
  channels: [string, string][],
  budgets: [string, number][] = [],
): TeamDigestsDeps {
  const digest = digestDeps(store);
  return {
    ...digest,
    roster: async () => roster,
    digest: digest.config,
    teams: {
      channels: new Map(channels),
      budgets: new Map(budgets.map(([team, usd]) => [team, cents(usd * 100)])),
    },
  };
}

const posts = () => slack?.callsTo("chat.postMessage") ?? [];
const postTo = (channel: string) => posts().filter((p) => p.args.channel === channel);
const read = (post: ReturnType<typeof posts>[number] | undefined) =>
  `${String(post?.args.text)}\n${readBlocks(post?.args.blocks)}`;

describe("team digests", () => {
  it("each team's channel gets its own digest, titled with the team, showing only its members", async () => {
    const store = await setup();
    const summary = await runTeamDigests(
      { date: "2026-11-25" },
      teamDeps(store, [
        ["backend", "CBACK"],
        ["platform", "CPLAT"],
      ]),
    );
    expect(summary).toMatchObject({ posted: 2, failed: 0, unknownTeams: [] });
    const [backend] = postTo("CBACK");
    const [platform] = postTo("CPLAT");
    expect(postTo("CBACK")).toHaveLength(1);
    expect(postTo("CPLAT")).toHaveLength(1);

    const backendText = read(backend);
    expect(backendText).toContain('"text":"Claude Code · Backend · Tue 24 Nov"');
    // Ada $18.40 and Bob $5: the team's spend, not the org's.
    expect(String(backend?.args.text)).toMatch(/^Claude Code · Backend · Tue 24 Nov: \$23\.40/);
    expect(backendText).toContain("Ada Lovelace");
    expect(backendText).toContain("Bob");
    for (const outsider of ["Carol", "Dan Outsider", "dan@example.com", "ci-bot"])
      expect(backendText).not.toContain(outsider);

    // Bob is in both teams: Platform's digest counts him too.
    const platformText = read(platform);
    expect(platformText).toContain('"text":"Claude Code · Platform · Tue 24 Nov"');
    expect(String(platform?.args.text)).toMatch(/^Claude Code · Platform · Tue 24 Nov: \$12/);
    expect(platformText).toContain("Carol");
    expect(platformText).toContain("Bob");
    for (const outsider of ["Ada", "Dan Outsider", "ci-bot"])
      expect(platformText).not.toContain(outsider);
    // Its buttons answer for the team: the team's name is in their value.
    const buttons = (
      (platform?.args.blocks ?? []) as { type: string; elements?: { value?: string }[] }[]
    )
      .filter((b) => b.type === "actions")
      .flatMap((b) => b.elements ?? []);
    expect(buttons.map((b) => JSON.parse(b.value ?? "").team)).toEqual([
      "Platform",
      "Platform",
      "Platform",
    ]);

    // Each under a key of its own, beside the org digest's.
    expect(backend?.args.metadata).toEqual({
      event_type: DELIVERY_EVENT_TYPE,
      event_payload: { key: "digest-daily:CBACK:2026-11-24..2026-11-24:team:backend" },
    });
  });

  it("the month line counts the team's month against the team's budget", async () => {
    const store = await setup();
    await runTeamDigests(
      { date: "2026-11-25" },
      teamDeps(store, [["backend", "CBACK"]], [["backend", 100]]),
    );
    // The 1st and the 17th–24th: nine days of $23.40 is $210.60, past the $100 budget.
    const text = read(postTo("CBACK")[0]);
    expect(text).toContain("November is at $211, 211% of the $100 budget");
    // Never the org's month: nine days of $65.40.
    expect(text).not.toContain("$589");
  });

  it("running again posts nothing twice", async () => {
    const store = await setup();
    const channels: [string, string][] = [
      ["backend", "CBACK"],
      ["platform", "CPLAT"],
    ];
    await runTeamDigests({ date: "2026-11-25" }, teamDeps(store, channels));
    const again = await runTeamDigests({ date: "2026-11-25" }, teamDeps(store, channels));
    expect(again).toMatchObject({ posted: 0, alreadyDelivered: 2, failed: 0 });
    expect(posts()).toHaveLength(2);
  });

  it("a Monday posts last week, the 1st last month as well, each once per team", async () => {
    const store = await setup();
    const summary = await runTeamDigests(
      { date: "2026-11-23" },
      teamDeps(store, [["backend", "CBACK"]]),
    );
    expect(summary.posted).toBe(1);
    expect(read(postTo("CBACK")[0])).toContain("Claude Code · Backend · last week");
  });

  it("a team the roster does not have is counted as failed; the other teams still post", async () => {
    const store = await setup();
    const logs: string[] = [];
    const deps = teamDeps(store, [
      ["mobile", "CORG"],
      ["backend", "CBACK"],
    ]);
    deps.logger = createLogger({ sink: { write: (line: string) => void logs.push(line) } });
    const summary = await runTeamDigests({ date: "2026-11-25" }, deps);
    expect(summary).toMatchObject({ posted: 1, failed: 1, unknownTeams: ["mobile"] });
    expect(postTo("CBACK")).toHaveLength(1);
    expect(postTo("CORG")).toHaveLength(0);
    expect(logs.join("\n")).toContain("a team digest names a team the roster does not have");
  });

  it("the morning run counts the teams' digests in its result, so an unknown team is retried and seen", async () => {
    const store = await setup();
    const subscription = (channel: string, team?: string) => ({
      id: channel,
      channel,
      team,
      cadence: "daily" as const,
      time: "09:00",
      timeZone: "UTC",
      createdBy: "config",
      createdAt: 0,
    });
    const result = await runMorning(
      {
        date: "2026-11-25",
        subscriptions: [
          subscription("CORG"),
          subscription("CBACK", "backend"),
          subscription("CPLAT", "nobody"),
        ],
      },
      {
        digest: {
          ...digestDeps(store),
          config: { ...digestDeps(store).config, dmMode: "off" },
        },
        teamDigests: teamDeps(store, [
          ["backend", "CBACK"],
          ["nobody", "CPLAT"],
        ]),
      },
    );
    expect(result.digest).toMatchObject({ posted: 2, failed: 1 });
    expect(result.teamDigests?.unknownTeams).toEqual(["nobody"]);
    expect(leftForLater(result)).toEqual({ failed: 1, busy: 0 });
    // The org's digest still shows everyone.
    expect(read(postTo("CORG")[0])).toContain("Dan Outsider");
  });
});

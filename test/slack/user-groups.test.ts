import { WebClient } from "@slack/web-api";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeSlackApi, startFakeSlackApi } from "../../fakes/fake-slack-api.js";
import { teamsFromUserGroups } from "../../src/slack/user-groups.js";

let slack: FakeSlackApi | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

async function setup() {
  slack = await startFakeSlackApi({
    users: [
      { id: "U1", email: "Ada@X.io", name: "ada" },
      { id: "U2", email: "bo@x.io", name: "bo" },
      { id: "U3", name: "a bot", is_bot: true },
      { id: "U4", email: "gone@x.io", deleted: true },
    ],
    groups: [
      { id: "S1", handle: "backend", name: "Backend", users: ["U1", "U2", "U3"], createdBy: "U2" },
      { id: "S2", handle: "platform", name: "Platform", users: ["U1", "U4"] },
      { id: "S3", handle: "old", name: "Old team", users: ["U2"], disabled: true },
    ],
  });
  const client = new WebClient("xoxb-test", {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
  });
  return { slack, client };
}

describe("teams from Slack user groups", () => {
  it("every enabled group is a team; members by email, people without one counted", async () => {
    const { slack, client } = await setup();
    const teams = await teamsFromUserGroups(client, "all");
    expect(teams.memberships).toEqual([
      { actorKey: "user:ada@x.io", team: "Backend", handle: "backend" },
      { actorKey: "user:bo@x.io", team: "Backend", handle: "backend" },
      { actorKey: "user:ada@x.io", team: "Platform", handle: "platform" },
    ]);
    expect(teams.withoutEmail).toBe(2); // the bot, and a deactivated account
    // Who created a group leads its team (TEAM_LEADS_SEE_TEAM); a group without one has none.
    expect(teams.leads).toEqual([{ team: "Backend", email: "bo@x.io" }]);
    expect(teams.notFound).toEqual([]);
    expect(String(slack.callsTo("usergroups.list")[0]?.args.include_users)).toBe("true");
  });

  it("only the groups asked for, by handle (with or without @) or id; unknown ones named", async () => {
    const { client } = await setup();
    const teams = await teamsFromUserGroups(client, ["@platform", "S1", "frontend", "old"]);
    expect([...new Set(teams.memberships.map((m) => m.team))]).toEqual(["Backend", "Platform"]);
    expect(teams.notFound).toEqual(["frontend", "old"]);
  });

  it("reads every page of users", async () => {
    slack = await startFakeSlackApi({
      users: Array.from({ length: 450 }, (_, i) => ({ id: `U${i}`, email: `p${i}@x.io` })),
      groups: [{ id: "S1", handle: "all", users: ["U0", "U449"] }],
    });
    const client = new WebClient("xoxb-test", { slackApiUrl: slack.apiUrl });
    const teams = await teamsFromUserGroups(client, "all");
    expect(teams.memberships.map((m) => m.actorKey)).toEqual(["user:p0@x.io", "user:p449@x.io"]);
    expect(slack.callsTo("users.list")).toHaveLength(3);
  });

  it("a Slack error (a missing scope) is thrown for the caller to keep its last copy", async () => {
    slack = await startFakeSlackApi({
      fault: (call) => (call.method === "usergroups.list" ? { error: "missing_scope" } : undefined),
    });
    const client = new WebClient("xoxb-test", { slackApiUrl: slack.apiUrl });
    await expect(teamsFromUserGroups(client, "all")).rejects.toThrow(/missing_scope/);
  });
});

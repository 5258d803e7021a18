import { describe, expect, it } from "vitest";
import { createTeamsLoader } from "../../src/loading/teams.js";
import { createMemorySnapshots, type Snapshots } from "../../src/store/snapshots.js";

const file = {
  memberships: [
    { actorKey: "user:ada@x.io", team: "Backend" },
    { actorKey: "api_key:ci-deploy", team: "Platform" },
  ],
  leads: [{ team: "Backend", email: "lead@x.io" }],
};

function groupsReader() {
  let calls = 0;
  let failing = false;
  return {
    read: async () => {
      calls++;
      if (failing) throw new Error("slack: internal_error");
      return {
        memberships: [{ actorKey: "user:bo@x.io", team: "Backend", handle: "backend" }],
        leads: [{ team: "Backend", email: "group-creator@x.io" }],
      };
    },
    get calls() {
      return calls;
    },
    fail() {
      failing = true;
    },
  };
}

describe("teams loader", () => {
  it("the file alone: its teams and leads, no Slack", async () => {
    const loader = createTeamsLoader({ file });
    expect(loader.configured).toBe(true);
    const { roster, groupsReadAt } = await loader.teams();
    expect(roster.teams.map((t) => [t.name, [...t.members], t.managers])).toEqual([
      ["Backend", ["user:ada@x.io"], ["lead@x.io"]],
      ["Platform", ["api_key:ci-deploy"], []],
    ]);
    expect(groupsReadAt).toBeUndefined();
  });

  it("nothing configured says so", () => {
    expect(createTeamsLoader({}).configured).toBe(false);
  });

  it("file and user groups combine; groups are read again only when due, shared by replicas", async () => {
    const groups = groupsReader();
    const snapshots = createMemorySnapshots();
    let clock = 1_000_000;
    const make = () =>
      createTeamsLoader({ file, userGroups: groups.read, snapshots, now: () => clock });
    const first = await make().teams();
    expect([...(first.roster.find("@backend")?.members ?? [])]).toEqual([
      "user:ada@x.io",
      "user:bo@x.io",
    ]);
    // Another replica: the stored copy, leads included.
    const replica = await make().teams();
    expect(groups.calls).toBe(1);
    expect(replica.roster.find("backend")?.managers).toEqual(["group-creator@x.io", "lead@x.io"]);
    clock += 7 * 60 * 60_000;
    await make().teams();
    expect(groups.calls).toBe(2);
  });

  it("Slack failing: the last copy is kept; with none, the file's teams alone", async () => {
    const groups = groupsReader();
    const errors: string[] = [];
    let clock = 0;
    const loader = createTeamsLoader({
      file,
      userGroups: groups.read,
      snapshots: createMemorySnapshots(),
      now: () => clock,
      onError: (operation) => errors.push(operation),
    });
    await loader.teams();
    groups.fail();
    clock += 7 * 60 * 60_000;
    const stale = await loader.teams();
    expect(stale.roster.find("backend")?.members.has("user:bo@x.io")).toBe(true);
    expect(stale.groupsReadAt).toBe(0);

    const fresh = createTeamsLoader({
      file,
      userGroups: groups.read,
      onError: (o) => errors.push(o),
    });
    expect((await fresh.teams()).roster.find("backend")?.members.size).toBe(1);
    expect(errors).toEqual(["read the Slack user groups", "read the Slack user groups"]);
  });

  it("a copy stored before leads were kept still reads (the bare list of memberships)", async () => {
    const snapshots = createMemorySnapshots();
    await snapshots.put(
      "usergroup_teams",
      JSON.stringify([{ actorKey: "user:old@x.io", team: "Backend" }]),
      1_000,
    );
    const loader = createTeamsLoader({
      userGroups: async () => {
        throw new Error("not asked: the copy is fresh");
      },
      snapshots,
      now: () => 2_000,
    });
    const { roster } = await loader.teams();
    expect([...(roster.find("backend")?.members ?? [])]).toEqual(["user:old@x.io"]);
  });

  it("a store that fails does not stop the teams", async () => {
    const broken: Snapshots = {
      get: async () => {
        throw new Error("database down");
      },
      put: async () => {
        throw new Error("database down");
      },
    };
    const errors: string[] = [];
    const loader = createTeamsLoader({
      userGroups: groupsReader().read,
      snapshots: broken,
      onError: (operation) => errors.push(operation),
    });
    expect((await loader.teams()).roster.teams.map((t) => t.name)).toEqual(["Backend"]);
    expect(errors).toEqual([
      "read the user-group teams snapshot",
      "keep the user-group teams snapshot",
    ]);
  });
});

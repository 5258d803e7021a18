import { describe, expect, it } from "vitest";
import { namesFor, peopleShown } from "../../src/slack/mentions.js";

/* The people resolver: names for every surface, mentions only for private ones. */

const actors = [
  { key: "user:ada@example.com", type: "user", name: "ada@example.com" },
  { key: "user:old@example.com", type: "user", name: "old@example.com" },
  { key: "user:out@example.com", type: "user", name: "out@example.com" },
  { key: "api_key:ci", type: "api_key", name: "ci" },
  { key: "user:ada@example.com", type: "user", name: "ada@example.com" },
] as const;
const asked: string[] = [];
const lookup = async (email: string) => {
  asked.push(email);
  if (email === "ada@example.com") return { userId: "UADA", name: "Ada L." };
  if (email === "old@example.com") return { userId: "UOLD" }; // an entry kept without a name
  return null;
};

describe("namesFor", () => {
  it("a channel gets names and never a mention; a private surface gets both", async () => {
    asked.length = 0;
    const channel = await namesFor(actors, lookup, "channel");
    expect(channel({ key: "user:ada@example.com" })).toEqual({
      name: "Ada L.",
      mention: undefined,
    });
    // No name known: a channel shows the email (undefined here), never the id.
    expect(channel({ key: "user:old@example.com" })).toBeUndefined();
    expect(channel({ key: "user:out@example.com" })).toBeUndefined();
    // Each person asked once; keys are never looked up.
    expect(asked.sort()).toEqual(["ada@example.com", "old@example.com", "out@example.com"]);

    const mine = await namesFor(actors, lookup, "private");
    expect(mine({ key: "user:ada@example.com" })).toEqual({ name: "Ada L.", mention: "<@UADA>" });
    expect(mine({ key: "user:old@example.com" })).toEqual({
      name: "old@example.com",
      mention: "<@UOLD>",
    });
  });
});

describe("peopleShown", () => {
  it("the top by spend and the newcomers the adoption line lists", () => {
    const shown = peopleShown(
      {
        actors: [{ key: "user:a@x.io", type: "user", name: "a@x.io" }] as never,
        adoption: { newUsers: ["n@x.io"], stoppedUsers: ["s@x.io"] } as never,
      },
      5,
    );
    expect(shown.map((a) => a.key)).toEqual(["user:a@x.io", "user:n@x.io"]);
  });
});

import { describe, expect, it } from "vitest";
import {
  actorIdentity,
  apiKeyKey,
  otherKey,
  parseActorKey,
  userKey,
} from "../../src/usage/actor-key.js";

/* Actor keys: made in one place, read back the same. */

describe("actor keys", () => {
  it("a person's key is the lower-case email; an API key's is its name as spelled", () => {
    expect(userKey("Ada@Example.com")).toBe("user:ada@example.com");
    expect(apiKeyKey("CI-Bot")).toBe("api_key:CI-Bot");
    expect(otherKey("service_actor", "svc-1")).toBe("service_actor:svc-1");
  });

  it("reads back what it made, names with colons included", () => {
    expect(parseActorKey(userKey("ada@example.com"))).toEqual({
      type: "user",
      email: "ada@example.com",
    });
    expect(parseActorKey(apiKeyKey("deploy:prod"))).toEqual({
      type: "api_key",
      name: "deploy:prod",
    });
    expect(parseActorKey(otherKey("service_actor", "svc-1"))).toEqual({
      type: "other",
      key: "service_actor:svc-1",
    });
  });

  it("the aggregates' identity of an API actor uses the same keys", () => {
    expect(actorIdentity({ type: "user_actor", email_address: " Ada@Example.com " })).toEqual({
      key: userKey("ada@example.com"),
      type: "user",
      name: "ada@example.com",
    });
    expect(actorIdentity({ type: "api_actor", api_key_name: " ci-bot " })).toEqual({
      key: apiKeyKey("ci-bot"),
      type: "api_key",
      name: "ci-bot",
    });
    // A type we do not know yet, with an email: a person all the same.
    expect(actorIdentity({ type: "sso_actor", email_address: "B@x.io" }).key).toBe(
      userKey("b@x.io"),
    );
    expect(actorIdentity({ type: "service_actor", service_id: "svc-1" })).toEqual({
      key: otherKey("service_actor", "svc-1"),
      type: "other",
      name: "service_actor svc-1",
    });
    expect(actorIdentity({ type: "ghost_actor" }).key).toBe("ghost_actor:unknown");
  });
});

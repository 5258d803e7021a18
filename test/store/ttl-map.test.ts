import { describe, expect, it } from "vitest";
import { createTtlMap } from "../../src/store/ttl-map.js";

describe("createTtlMap", () => {
  it("forgets entries when their time is up; Infinity keeps them", () => {
    let clock = 0;
    const map = createTtlMap<string>({ now: () => clock });
    map.set("a", "short", 100);
    map.set("b", "forever", Number.POSITIVE_INFINITY);
    clock = 99;
    expect(map.get("a")).toBe("short");
    clock = 100;
    expect(map.get("a")).toBeUndefined();
    clock = 1e12;
    expect(map.get("b")).toBe("forever");
  });

  it("evicts the oldest past maxEntries; setting again makes an entry the newest", () => {
    const map = createTtlMap<number>({ maxEntries: 2 });
    map.set("a", 1, 1e9);
    map.set("b", 2, 1e9);
    map.set("a", 3, 1e9);
    map.set("c", 4, 1e9);
    expect([map.get("a"), map.get("b"), map.get("c")]).toEqual([3, undefined, 4]);
  });

  it("keeps a stored null apart from a missing entry", () => {
    const map = createTtlMap<string | null>();
    map.set("k", null, 1000);
    expect(map.get("k")).toBeNull();
    expect(map.get("other")).toBeUndefined();
  });
});

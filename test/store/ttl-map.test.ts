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

  it("evicts the least recently used past maxWeight, counting each entry's weight once", () => {
    const map = createTtlMap<number>({ maxWeight: 10, weigh: (n) => n });
    map.set("a", 4, 1e9);
    map.set("b", 4, 1e9);
    map.set("b", 4, 1e9); // set again: weighed once
    expect(map.get("a")).toBe(4); // used: now the newest
    map.set("c", 3, 1e9); // 11 > 10: the least recently used (b) goes
    expect([map.get("a"), map.get("b"), map.get("c")]).toEqual([4, undefined, 3]);
    map.set("huge", 11, 1e9); // more than the whole budget: nothing can stay
    expect([map.get("a"), map.get("c"), map.get("huge")]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    map.set("d", 10, 1e9);
    expect(map.get("d")).toBe(10);
  });
});

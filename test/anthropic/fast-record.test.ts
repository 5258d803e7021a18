import { describe, expect, it } from "vitest";
import { apiRecord } from "../../fakes/records.js";
import { readRecordFast } from "../../src/anthropic/fast-record.js";
import { usageRecordSchema } from "../../src/anthropic/schema.js";
import { createSyntheticOrg, mulberry32 } from "../../src/demo/synthetic-org.js";

/*
 * The fast reader must never disagree with zod, the contract: whenever it returns a record, zod
 * accepts the same input and returns an equal record; whenever zod rejects, it returns undefined.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const ODD_VALUES: Json[] = [null, "x", "12.5", 7, -1, 0.25, true, [], {}, [1], { a: 1 }];

/** Paths to every value inside a JSON value. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push(...paths(v, [...prefix, i]));
    });
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

/** A copy of `value` with one random change: a value replaced, a key deleted, or a key added. */
function mutate(value: Json, rand: () => number): Json {
  const copy = structuredClone(value);
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[Math.floor(rand() * all.length)] ?? [];
  let parent: Json = copy;
  for (const step of path.slice(0, -1))
    parent = (parent as Record<string, Json>)[step as string] as Json;
  const last = path[path.length - 1] as string;
  const holder = parent as Record<string, Json>;
  const roll = rand();
  if (roll < 0.6) holder[last] = ODD_VALUES[Math.floor(rand() * ODD_VALUES.length)] ?? null;
  else if (roll < 0.85 && !Array.isArray(parent)) delete holder[last];
  else if (!Array.isArray(parent))
    holder[`new_field_${Math.floor(rand() * 9)}`] = { nested: [1, "two"] };
  return copy;
}

function agree(input: unknown) {
  const fast = readRecordFast(input);
  const slow = usageRecordSchema.safeParse(input);
  if (fast !== undefined) {
    expect(slow.success, `zod rejected what the fast path accepted: ${JSON.stringify(input)}`).toBe(
      true,
    );
    if (slow.success) expect(fast).toEqual(slow.data);
  }
  if (!slow.success) expect(fast).toBeUndefined();
  return fast !== undefined;
}

describe("readRecordFast", () => {
  it("reads every well-formed synthetic record itself (the common case is fast)", () => {
    const org = createSyntheticOrg({ users: 300 });
    const records = JSON.parse(JSON.stringify(org.records("2026-11-24", 0, 1000))) as Json[];
    expect(records.length).toBeGreaterThan(100);
    for (const record of records) expect(agree(record)).toBe(true);
  });

  it("leaves a tool named __proto__ to zod, which drops it (it would set the prototype)", () => {
    const raw = JSON.parse(
      '{"actor":{"type":"user_actor","email_address":"a@b.c"},"tool_actions":{"__proto__":{"accepted":5,"rejected":1},"edit_tool":{"accepted":1,"rejected":0}}}',
    );
    expect(readRecordFast(raw)).toBeUndefined();
    const slow = usageRecordSchema.parse(raw);
    const names: string[] = [];
    for (const name in slow.tool_actions) names.push(name);
    expect(names).toEqual(["edit_tool"]);
  });

  it("agrees with zod on the reference example and on sparse records", () => {
    expect(agree(apiRecord({ apiKey: "ci", models: [["m", 1.5, 3, 4]] }))).toBe(true);
    expect(agree({ actor: { type: "user_actor", email_address: "a@b.c" } })).toBe(true);
    expect(
      agree({
        actor: { type: "user_actor", email_address: "a@b.c" },
        core_metrics: null,
        model_breakdown: null,
      }),
    ).toBe(true);
    expect(
      agree({
        actor: { type: "api_actor" },
        model_breakdown: [{ model: "m", estimated_cost: null, tokens: null }],
      }),
    ).toBe(true);
  });

  it("leaves unusual records to zod: string amounts, missing actors, nulls where objects belong", () => {
    const base = apiRecord({ models: [["m", 1]] });
    const stringAmount = structuredClone(base) as {
      model_breakdown: { estimated_cost: { amount: unknown } }[];
    };
    const first = stringAmount.model_breakdown[0];
    if (first) first.estimated_cost.amount = "1.50";
    expect(readRecordFast(stringAmount)).toBeUndefined();
    expect(agree(stringAmount)).toBe(false); // zod reads it
    expect(usageRecordSchema.parse(stringAmount).model_breakdown[0]?.estimated_cost.amount).toBe(
      1.5,
    );
    expect(readRecordFast({ ...base, actor: undefined })).toBeUndefined();
    expect(readRecordFast({ ...base, tool_actions: { edit_tool: null } })).toBeUndefined();
    expect(readRecordFast(null)).toBeUndefined();
    expect(readRecordFast([base])).toBeUndefined();
  });

  it("never disagrees with zod on 3,000 randomly mutated records", () => {
    const rand = mulberry32(20261125);
    const org = createSyntheticOrg({ users: 60 });
    const seeds = JSON.parse(JSON.stringify(org.records("2026-11-24", 0, 60))) as Json[];
    let fastCount = 0;
    for (let i = 0; i < 3000; i++) {
      let record = seeds[i % seeds.length] ?? null;
      const changes = 1 + Math.floor(rand() * 3);
      for (let c = 0; c < changes; c++) record = mutate(record, rand);
      if (agree(record)) fastCount++;
    }
    // Both paths are exercised: many mutations stay in the common case, many leave it.
    expect(fastCount).toBeGreaterThan(300);
    expect(fastCount).toBeLessThan(2900);
  });
});

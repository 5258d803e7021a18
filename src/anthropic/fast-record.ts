import type { UsageRecord } from "./schema.js";

/*
 * The fast path for reading an API record, which a cold report does for every record of the
 * period: zod is many times slower per record (docs/PERFORMANCE.md) and returns objects of
 * varying shapes, which also slows aggregation.
 * This reader accepts only the well-formed common case and builds every object from one literal
 * (one hidden class each), returning undefined for anything unusual — a string amount, a missing
 * actor, a null tool — so that zod, the contract, decides. test/anthropic/fast-record.test.ts
 * checks on mutated records that whenever this returns a record, zod returns an equal one.
 */

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isOptString = (v: unknown): v is string | null | undefined =>
  v == null || typeof v === "string";
const isOptNumber = (v: unknown): v is number | null | undefined =>
  v == null || (typeof v === "number" && Number.isFinite(v));

// A sentinel beats exceptions for "not the common case": no stack traces on the hot path.
const SKIP = Symbol("skip");

function count(v: unknown): number | typeof SKIP {
  if (v == null) return 0;
  return typeof v === "number" && Number.isFinite(v) ? v : SKIP;
}

export function readRecordFast(raw: unknown): UsageRecord | undefined {
  if (!isObj(raw)) return undefined;
  const actor = raw.actor;
  if (!isObj(actor) || typeof actor.type !== "string") return undefined;
  if (!isOptString(actor.email_address) || !isOptString(actor.api_key_name)) return undefined;
  // Extra actor fields are kept (they label unknown actor types): zod's loose object does that.
  for (const key in actor) {
    if (key !== "type" && key !== "email_address" && key !== "api_key_name") return undefined;
  }
  const { date, organization_id, customer_type, subscription_type, terminal_type } = raw;
  if (
    !isOptString(date) ||
    !isOptString(organization_id) ||
    !isOptString(customer_type) ||
    !isOptString(subscription_type) ||
    !isOptString(terminal_type)
  ) {
    return undefined;
  }

  const core = raw.core_metrics;
  let sessions: number | typeof SKIP = 0;
  let added: number | typeof SKIP = 0;
  let removed: number | typeof SKIP = 0;
  let commits: number | typeof SKIP = 0;
  let prs: number | typeof SKIP = 0;
  if (core != null) {
    if (!isObj(core)) return undefined;
    sessions = count(core.num_sessions);
    commits = count(core.commits_by_claude_code);
    prs = count(core.pull_requests_by_claude_code);
    const loc = core.lines_of_code;
    if (loc != null) {
      if (!isObj(loc)) return undefined;
      added = count(loc.added);
      removed = count(loc.removed);
    }
  }
  if (sessions === SKIP || added === SKIP || removed === SKIP || commits === SKIP || prs === SKIP) {
    return undefined;
  }

  const tools: Record<string, { accepted: number; rejected: number }> = {};
  const rawTools = raw.tool_actions;
  if (rawTools != null) {
    if (!isObj(rawTools)) return undefined;
    for (const name in rawTools) {
      // Assigning this key would set the prototype of `tools`, not add a tool.
      if (name === "__proto__") return undefined;
      const action = rawTools[name];
      if (!isObj(action)) return undefined;
      const accepted = count(action.accepted);
      const rejected = count(action.rejected);
      if (accepted === SKIP || rejected === SKIP) return undefined;
      tools[name] = { accepted, rejected };
    }
  }

  const models: UsageRecord["model_breakdown"] = [];
  const rawModels = raw.model_breakdown;
  if (rawModels != null) {
    if (!Array.isArray(rawModels)) return undefined;
    for (const item of rawModels) {
      if (!isObj(item) || typeof item.model !== "string") return undefined;
      const t = item.tokens;
      let input: number | typeof SKIP = 0;
      let output: number | typeof SKIP = 0;
      let cacheRead: number | typeof SKIP = 0;
      let cacheCreation: number | typeof SKIP = 0;
      if (t != null) {
        if (!isObj(t)) return undefined;
        input = count(t.input);
        output = count(t.output);
        cacheRead = count(t.cache_read);
        cacheCreation = count(t.cache_creation);
      }
      if (input === SKIP || output === SKIP || cacheRead === SKIP || cacheCreation === SKIP) {
        return undefined;
      }
      const cost = item.estimated_cost;
      let amount = 0;
      let currency: string | null | undefined = "USD";
      if (cost != null) {
        if (!isObj(cost) || !isOptNumber(cost.amount) || !isOptString(cost.currency)) {
          return undefined;
        }
        amount = cost.amount ?? 0;
        currency = cost.currency;
      }
      models.push({
        model: item.model,
        tokens: { input, output, cache_read: cacheRead, cache_creation: cacheCreation },
        estimated_cost: { amount, currency },
      });
    }
  }

  return {
    date,
    actor: {
      type: actor.type,
      email_address: actor.email_address,
      api_key_name: actor.api_key_name,
    },
    organization_id,
    customer_type,
    subscription_type,
    terminal_type: terminal_type || "unknown",
    core_metrics: {
      num_sessions: sessions,
      lines_of_code: { added, removed },
      commits_by_claude_code: commits,
      pull_requests_by_claude_code: prs,
    },
    tool_actions: tools,
    model_breakdown: models,
  };
}

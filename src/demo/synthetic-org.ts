import type { UsageRecordInput } from "../anthropic/schema.js";

/*
 * A deterministic synthetic organisation: the same seed gives the same records, byte for byte,
 * on every machine. Any page of any day is computed on demand from (seed, day, index), so a fake
 * API can serve 10,000 actors × 30 days without ever holding them all.
 *
 * Shapes are meant to look like a real org: a heavy tail of spend, quieter weekends, people on
 * two terminals, a few API keys running Claude Code in CI, and a Haiku line beside the main model.
 */

export interface SyntheticOrgOptions {
  seed?: number;
  /** People in the org (not all are active every day). */
  users?: number;
  /** API keys used as actors. Default: one per 20 users, at least 1. */
  apiKeys?: number;
}

export interface SyntheticOrg {
  readonly seed: number;
  readonly users: number;
  readonly apiKeys: number;
  /** Number of records (actor × terminal) on a UTC day. */
  recordCount(day: string): number;
  /** Records [offset, offset + limit) of a day, in a stable order. */
  records(day: string, offset: number, limit: number): UsageRecordInput[];
  /** Email of user number `index`, for tests that look a person up. */
  email(index: number): string;
  /** Name of API key number `index`. */
  apiKeyName(index: number): string;
}

export const ORGANIZATION_ID = "3f0c9a1e-5b7d-4e2a-9c41-7d2b8e6f0a13";

const FIRST = [
  "ada",
  "alan",
  "barbara",
  "claude",
  "dennis",
  "edsger",
  "frances",
  "grace",
  "hedy",
  "ivan",
  "jean",
  "ken",
  "linus",
  "margaret",
  "niklaus",
  "ole",
  "radia",
  "sophie",
  "tim",
  "whitfield",
];
const LAST = [
  "lovelace",
  "turing",
  "liskov",
  "shannon",
  "ritchie",
  "dijkstra",
  "allen",
  "hopper",
  "lamarr",
  "sutherland",
  "sammet",
  "thompson",
  "torvalds",
  "hamilton",
  "wirth",
  "dahl",
  "perlman",
  "wilson",
  "berners",
  "diffie",
];
const TERMINALS = [
  "vscode",
  "iTerm.app",
  "cursor",
  "jetbrains",
  "tmux",
  "ghostty",
  "Apple_Terminal",
];
const API_KEY_NAMES = [
  "ci-review-bot",
  "deploy-bot",
  "nightly-refactor",
  "docs-sync",
  "test-fixer",
];

/** Prices in US cents per million tokens: input, output, cache read, cache write. */
const MODELS = {
  opus: { id: "claude-opus-4-1-20250805", price: [1500, 7500, 150, 1875] },
  sonnet: { id: "claude-sonnet-4-5-20250929", price: [300, 1500, 30, 375] },
  haiku: { id: "claude-haiku-4-5-20251001", price: [100, 500, 10, 125] },
} as const;

const DAY_LAYOUT_CACHE = 64;

export function createSyntheticOrg(options: SyntheticOrgOptions = {}): SyntheticOrg {
  const seed = options.seed ?? 42;
  const users = options.users ?? 40;
  const apiKeys = options.apiKeys ?? Math.max(1, Math.floor(users / 20));
  const layouts = new Map<string, Uint32Array>();

  /** Which actors are active on a day, and on how many terminals: slot = actor * 2 + terminal. */
  function layout(day: string): Uint32Array {
    const hit = layouts.get(day);
    if (hit) return hit;
    const dayNo = dayNumber(day);
    const weekday = new Date(dayNo * 86_400_000).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const slots: number[] = [];
    for (let actor = 0; actor < users + apiKeys; actor++) {
      const isKey = actor >= users;
      const engagement = unit(hash(seed, actor, 0, 0));
      const pActive = isKey ? 0.9 : (0.25 + 0.7 * engagement) * (weekend ? 0.2 : 1);
      if (unit(hash(seed, actor, dayNo, 1)) >= pActive) continue;
      slots.push(actor * 2);
      if (!isKey && unit(hash(seed, actor, dayNo, 2)) < 0.3) slots.push(actor * 2 + 1);
    }
    const result = Uint32Array.from(slots);
    if (layouts.size >= DAY_LAYOUT_CACHE) {
      const oldest = layouts.keys().next().value;
      if (oldest !== undefined) layouts.delete(oldest);
    }
    layouts.set(day, result);
    return result;
  }

  function email(index: number): string {
    const first = FIRST[index % FIRST.length];
    // Spread surnames so that small orgs do not all share two of them; (first, last) stays unique.
    const last =
      LAST[(7 * (index % FIRST.length) + Math.floor(index / FIRST.length)) % LAST.length];
    const round = Math.floor(index / (FIRST.length * LAST.length));
    return `${first}.${last}${round > 0 ? round + 1 : ""}@example.com`;
  }

  function record(day: string, slot: number): UsageRecordInput {
    const actor = slot >> 1;
    const terminalSlot = slot & 1;
    const isKey = actor >= users;
    const dayNo = dayNumber(day);
    const rand = mulberry32(hash(seed, actor, dayNo, 3 + terminalSlot));
    const engagement = unit(hash(seed, actor, 0, 0));
    // A heavy tail: a few people spend most of the money.
    const scale = (isKey ? 1.5 : 0.3) + 3 * engagement ** 3;

    const sessions = 1 + Math.floor(rand() * 6 * scale);
    const linesAdded = Math.floor(sessions * (20 + rand() * 200) * scale);
    const linesRemoved = Math.floor(linesAdded * (0.1 + 0.4 * rand()));
    const commits = Math.floor(rand() * sessions * 0.8);
    const pullRequests = rand() < 0.25 * scale ? 1 + Math.floor(rand() * 2) : 0;
    const edits = Math.floor(sessions * (3 + rand() * 9) * scale);

    const preference = unit(hash(seed, actor, 0, 9));
    const main = preference < 0.55 ? MODELS.sonnet : preference < 0.8 ? MODELS.opus : MODELS.haiku;
    const input = Math.floor(sessions * (5_000 + rand() * 35_000) * scale);
    const breakdown = [modelLine(main, input, rand)];
    if (main !== MODELS.haiku && rand() < 0.6) {
      breakdown.push(modelLine(MODELS.haiku, Math.floor(input * 0.05), rand));
    }

    const primaryTerminal = TERMINALS[hash(seed, actor, 0, 10) % TERMINALS.length] ?? "vscode";
    const secondTerminal =
      TERMINALS[(hash(seed, actor, 0, 10) + 1 + (actor % 3)) % TERMINALS.length] ?? "tmux";
    return {
      date: `${day}T00:00:00Z`,
      actor: isKey
        ? { type: "api_actor", api_key_name: apiKeyName(actor - users) }
        : { type: "user_actor", email_address: email(actor) },
      organization_id: ORGANIZATION_ID,
      customer_type: isKey ? "api" : "subscription",
      terminal_type: isKey ? "non-interactive" : terminalSlot ? secondTerminal : primaryTerminal,
      core_metrics: {
        num_sessions: sessions,
        lines_of_code: { added: linesAdded, removed: linesRemoved },
        commits_by_claude_code: commits,
        pull_requests_by_claude_code: pullRequests,
      },
      tool_actions: {
        edit_tool: split(edits, 0.05 + 0.1 * rand()),
        multi_edit_tool: split(Math.floor(edits * 0.2), 0.05 + 0.1 * rand()),
        write_tool: split(Math.floor(edits * 0.15), 0.02 + 0.05 * rand()),
        notebook_edit_tool: split(rand() < 0.05 ? 1 + Math.floor(rand() * 5) : 0, 0.1),
      },
      model_breakdown: breakdown,
      subscription_type: isKey ? null : "enterprise",
    };
  }

  return {
    seed,
    users,
    apiKeys,
    email,
    apiKeyName,
    recordCount: (day) => layout(day).length,
    records(day, offset, limit) {
      const slots = layout(day);
      const out: UsageRecordInput[] = [];
      const end = Math.min(slots.length, offset + limit);
      for (let i = offset; i < end; i++) out.push(record(day, slots[i] ?? 0));
      return out;
    },
  };
}

export function apiKeyName(index: number): string {
  const base = API_KEY_NAMES[index % API_KEY_NAMES.length];
  const round = Math.floor(index / API_KEY_NAMES.length);
  return round > 0 ? `${base}-${round + 1}` : (base ?? "api-key");
}

function modelLine(
  model: { id: string; price: readonly [number, number, number, number] },
  input: number,
  rand: () => number,
) {
  const output = Math.floor(input * (0.2 + 0.2 * rand()));
  const cacheRead = Math.floor(input * (10 + 15 * rand()));
  const cacheCreation = Math.floor(input * (0.8 + 0.7 * rand()));
  const [pIn, pOut, pRead, pWrite] = model.price;
  const cents =
    (input * pIn + output * pOut + cacheRead * pRead + cacheCreation * pWrite) / 1_000_000;
  return {
    model: model.id,
    tokens: { input, output, cache_read: cacheRead, cache_creation: cacheCreation },
    // The API reports fractional cents; two decimals, as in its examples.
    estimated_cost: { currency: "USD", amount: Math.round(cents * 100) / 100 },
  };
}

function split(total: number, rejectShare: number) {
  const rejected = Math.round(total * rejectShare);
  return { accepted: total - rejected, rejected };
}

function dayNumber(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
}

/** A 32-bit mix of four integers (splitmix-style); stable across platforms. */
function hash(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ c, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15) ^ d, 0x165667b1);
  return (h ^ (h >>> 16)) >>> 0;
}

function unit(h: number): number {
  return h / 4_294_967_296;
}

/** A small seeded PRNG (mulberry32): deterministic streams for the org and for property tests. */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

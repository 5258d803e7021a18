import type { InvalidRecord, UsageRecord } from "../anthropic/schema.js";

/*
 * Aggregation: records → one mergeable summary per UTC day → one summary per period.
 *
 * Records are folded in page by page and dropped, so memory grows with the number of distinct
 * actors and models, never with the number of records. Finished days are kept, and merged into
 * periods, in the compact form of compact.ts. Costs are summed as integers in
 * micro-dollars (1 cent = 10,000 µ$) so that 0.1 + 0.2 cents stays 0.3 cents, exactly.
 */

/** Millionths of a US dollar. The API's cents × 10,000. */
export type Micros = number;
export const MICROS_PER_CENT = 10_000;

export const centsToMicros = (cents: number): Micros => Math.round(cents * MICROS_PER_CENT);
export const microsToCents = (micros: Micros): number => micros / MICROS_PER_CENT;
/** A setting in US dollars (budgets, floors) as whole cents. */
export const usdToCents = (usd: number): number => Math.round(usd * 100);

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

/** The additive metrics shared by totals, actors and days. */
export interface Metrics {
  costMicros: Micros;
  sessions: number;
  linesAdded: number;
  linesRemoved: number;
  commits: number;
  pullRequests: number;
  toolAccepted: number;
  toolRejected: number;
  tokens: TokenCounts;
  /** Raw API records folded in. */
  records: number;
}

export type ActorType = "user" | "api_key" | "other";

export interface ActorStats extends Metrics {
  /** Stable identity: `user:<lower-case email>`, `api_key:<key name>` or `<type>:<id>`. */
  key: string;
  type: ActorType;
  /** Email, API key name, or best available label. */
  name: string;
  /** Days with any record. */
  activeDays: number;
  terminals: string[];
  /** Cost per model, to tell what a person mostly uses. */
  modelCosts: Record<string, Micros>;
}

export interface ModelStats {
  model: string;
  costMicros: Micros;
  tokens: TokenCounts;
  records: number;
}

export interface TerminalStats {
  terminal: string;
  records: number;
  sessions: number;
  costMicros: Micros;
}

export interface ToolStats {
  tool: string;
  accepted: number;
  rejected: number;
}

/** One point of the daily series (sparklines, trends). */
export interface DailyPoint {
  day: string;
  costMicros: Micros;
  sessions: number;
  linesAdded: number;
  commits: number;
  pullRequests: number;
  activeUsers: number;
  activeApiKeys: number;
}

export interface UsageAggregate {
  /** UTC days covered, ascending. */
  days: string[];
  totals: Metrics;
  actors: Map<string, ActorStats>;
  models: Map<string, ModelStats>;
  terminals: Map<string, TerminalStats>;
  tools: Map<string, ToolStats>;
  daily: DailyPoint[];
  /** Records the API sent that we could not read: counted, never silently dropped. */
  invalidRecords: number;
  invalidSamples: string[];
  /** Cost lines in a currency other than USD: left out of cost, counted here. */
  nonUsdCostItems: number;
}

export const MAX_INVALID_SAMPLES = 5;

export const emptyTokens = (): TokenCounts => ({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheCreation: 0,
});

export const emptyMetrics = (): Metrics => ({
  costMicros: 0,
  sessions: 0,
  linesAdded: 0,
  linesRemoved: 0,
  commits: 0,
  pullRequests: 0,
  toolAccepted: 0,
  toolRejected: 0,
  tokens: emptyTokens(),
  records: 0,
});

export function emptyAggregate(days: string[] = []): UsageAggregate {
  return {
    days: [...days],
    totals: emptyMetrics(),
    actors: new Map(),
    models: new Map(),
    terminals: new Map(),
    tools: new Map(),
    daily: [],
    invalidRecords: 0,
    invalidSamples: [],
    nonUsdCostItems: 0,
  };
}

/** Identity of an actor. Emails compare case-insensitively; API keys stay apart from people. */
export function actorIdentity(actor: UsageRecord["actor"]): {
  key: string;
  type: ActorType;
  name: string;
} {
  const email = actor.email_address?.trim();
  const keyName = actor.api_key_name?.trim();
  if (actor.type === "user_actor" && email) {
    const name = email.toLowerCase();
    return { key: `user:${name}`, type: "user", name };
  }
  if (actor.type === "api_actor" && keyName) {
    return { key: `api_key:${keyName}`, type: "api_key", name: keyName };
  }
  // An actor type we do not know yet: keep it, labelled by whatever identifies it.
  if (email) return { key: `user:${email.toLowerCase()}`, type: "user", name: email.toLowerCase() };
  if (keyName) return { key: `api_key:${keyName}`, type: "api_key", name: keyName };
  const label = firstStringField(actor) ?? "unknown";
  return { key: `${actor.type}:${label}`, type: "other", name: `${actor.type} ${label}` };
}

/*
 * Per-aggregate lookups from the raw strings of a record to what they resolve to, so the hot path
 * neither rebuilds an actor key (trim, lower-case, prefix) nor hashes a model name twice for every
 * record. Kept outside the aggregate (a WeakMap) so the aggregate stays plain, serialisable data.
 */
interface HotLookups {
  users: Map<string, ActorStats>;
  apiKeys: Map<string, ActorStats>;
}
const hotLookups = new WeakMap<UsageAggregate, HotLookups>();

function lookupsOf(agg: UsageAggregate): HotLookups {
  let lookups = hotLookups.get(agg);
  if (!lookups) {
    lookups = { users: new Map(), apiKeys: new Map() };
    hotLookups.set(agg, lookups);
  }
  return lookups;
}

function actorOf(agg: UsageAggregate, raw: UsageRecord["actor"]): ActorStats {
  const lookups = lookupsOf(agg);
  const byRaw =
    raw.type === "user_actor" && raw.email_address
      ? lookups.users
      : raw.type === "api_actor" && raw.api_key_name
        ? lookups.apiKeys
        : undefined;
  const rawId = byRaw === lookups.users ? raw.email_address : raw.api_key_name;
  if (byRaw && rawId) {
    const hit = byRaw.get(rawId);
    if (hit) return hit;
  }
  const identity = actorIdentity(raw);
  let actor = agg.actors.get(identity.key);
  if (!actor) {
    actor = newActor(identity.key, identity.type, identity.name);
    agg.actors.set(identity.key, actor);
  }
  if (byRaw && rawId) byRaw.set(rawId, actor);
  return actor;
}

/** Fold one API record into the aggregate. The hot path: no allocation beyond new map entries. */
export function addRecord(agg: UsageAggregate, record: UsageRecord): void {
  const actor = actorOf(agg, record.actor);

  const core = record.core_metrics;
  const totals = agg.totals;
  const sessions = core.num_sessions;
  const added = core.lines_of_code.added;
  const removed = core.lines_of_code.removed;
  totals.sessions += sessions;
  actor.sessions += sessions;
  totals.linesAdded += added;
  actor.linesAdded += added;
  totals.linesRemoved += removed;
  actor.linesRemoved += removed;
  totals.commits += core.commits_by_claude_code;
  actor.commits += core.commits_by_claude_code;
  totals.pullRequests += core.pull_requests_by_claude_code;
  actor.pullRequests += core.pull_requests_by_claude_code;
  totals.records++;
  actor.records++;

  const tools = record.tool_actions;
  for (const name in tools) {
    const action = tools[name];
    if (!action) continue;
    totals.toolAccepted += action.accepted;
    actor.toolAccepted += action.accepted;
    totals.toolRejected += action.rejected;
    actor.toolRejected += action.rejected;
    let tool = agg.tools.get(name);
    if (!tool) {
      tool = { tool: name, accepted: 0, rejected: 0 };
      agg.tools.set(name, tool);
    }
    tool.accepted += action.accepted;
    tool.rejected += action.rejected;
  }

  let recordCost = 0;
  for (const usage of record.model_breakdown) {
    const currency = usage.estimated_cost.currency;
    const isUsd = currency == null || currency === "USD" || currency.toUpperCase() === "USD";
    if (!isUsd) agg.nonUsdCostItems++;
    const cost = isUsd ? centsToMicros(usage.estimated_cost.amount) : 0;
    recordCost += cost;
    let model = agg.models.get(usage.model);
    if (!model) {
      model = { model: usage.model, costMicros: 0, tokens: emptyTokens(), records: 0 };
      agg.models.set(usage.model, model);
    }
    model.costMicros += cost;
    model.records++;
    // The canonical name, not the record's copy: V8 then finds the property without rehashing.
    const name = model.model;
    actor.modelCosts[name] = (actor.modelCosts[name] ?? 0) + cost;
    const t = usage.tokens;
    addTokenValues(model.tokens, t.input, t.output, t.cache_read, t.cache_creation);
    addTokenValues(totals.tokens, t.input, t.output, t.cache_read, t.cache_creation);
    addTokenValues(actor.tokens, t.input, t.output, t.cache_read, t.cache_creation);
  }
  totals.costMicros += recordCost;
  actor.costMicros += recordCost;

  let terminal = agg.terminals.get(record.terminal_type);
  if (!terminal) {
    terminal = { terminal: record.terminal_type, records: 0, sessions: 0, costMicros: 0 };
    agg.terminals.set(record.terminal_type, terminal);
  }
  // The canonical string: includes() then matches by identity, not character by character.
  if (!actor.terminals.includes(terminal.terminal)) actor.terminals.push(terminal.terminal);
  terminal.records++;
  terminal.sessions += sessions;
  terminal.costMicros += recordCost;
}

/** Fold a page (valid records and the count of invalid ones) into the aggregate. */
export function addPage(
  agg: UsageAggregate,
  page: { records: readonly UsageRecord[]; invalid: readonly InvalidRecord[] },
): void {
  for (const record of page.records) addRecord(agg, record);
  agg.invalidRecords += page.invalid.length;
  for (const bad of page.invalid) {
    if (agg.invalidSamples.length >= MAX_INVALID_SAMPLES) break;
    agg.invalidSamples.push(bad.reason);
  }
}

/** Seal a one-day aggregate: records which day it is and computes its daily point. */
export function sealDay(agg: UsageAggregate, day: string): UsageAggregate {
  agg.days = [day];
  agg.daily = [dailyPoint(day, agg)];
  return agg;
}

/** Aggregate of one day from its records, in one call (tests, benchmarks, the demo). */
export function aggregateDay(day: string, records: Iterable<UsageRecord>): UsageAggregate {
  const agg = emptyAggregate();
  for (const record of records) addRecord(agg, record);
  return sealDay(agg, day);
}

function dailyPoint(day: string, agg: UsageAggregate): DailyPoint {
  let activeUsers = 0;
  let activeApiKeys = 0;
  for (const actor of agg.actors.values()) {
    if (actor.type === "user") activeUsers++;
    else if (actor.type === "api_key") activeApiKeys++;
  }
  const t = agg.totals;
  return {
    day,
    costMicros: t.costMicros,
    sessions: t.sessions,
    linesAdded: t.linesAdded,
    commits: t.commits,
    pullRequests: t.pullRequests,
    activeUsers,
    activeApiKeys,
  };
}

/*
 * Actors are built from one literal, never by object spread: V8 turns a spread of this many
 * properties into a slow object, which made aggregation 20× slower (see the benchmark).
 */
export function newActor(key: string, type: ActorType, name: string): ActorStats {
  return {
    key,
    type,
    name,
    costMicros: 0,
    sessions: 0,
    linesAdded: 0,
    linesRemoved: 0,
    commits: 0,
    pullRequests: 0,
    toolAccepted: 0,
    toolRejected: 0,
    tokens: emptyTokens(),
    records: 0,
    activeDays: 1,
    terminals: [],
    modelCosts: {},
  };
}

export function addMetrics(into: Metrics, from: Metrics): void {
  into.costMicros += from.costMicros;
  into.sessions += from.sessions;
  into.linesAdded += from.linesAdded;
  into.linesRemoved += from.linesRemoved;
  into.commits += from.commits;
  into.pullRequests += from.pullRequests;
  into.toolAccepted += from.toolAccepted;
  into.toolRejected += from.toolRejected;
  into.records += from.records;
  addTokens(into.tokens, from.tokens);
}

export function addTokens(into: TokenCounts, from: TokenCounts): void {
  addTokenValues(into, from.input, from.output, from.cacheRead, from.cacheCreation);
}

function addTokenValues(
  into: TokenCounts,
  input: number,
  output: number,
  cacheRead: number,
  cacheCreation: number,
): void {
  into.input += input;
  into.output += output;
  into.cacheRead += cacheRead;
  into.cacheCreation += cacheCreation;
}

function firstStringField(actor: Record<string, unknown>): string | undefined {
  for (const [key, value] of Object.entries(actor)) {
    if (key !== "type" && typeof value === "string" && value.trim()) return value.trim();
  }
  return undefined;
}

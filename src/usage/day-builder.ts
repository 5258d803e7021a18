import type { InvalidRecord } from "../anthropic/records.js";
import type { UsageRecord } from "../anthropic/schema.js";
import { type ActorType, actorIdentity } from "./actor-key.js";
import {
  MAX_INVALID_SAMPLES,
  type ModelStats,
  type TerminalStats,
  type ToolStats,
  type UsageAggregate,
} from "./aggregate.js";
import { ACTOR_TYPES, COMPACT_VERSION, type CompactAggregate, mergeCompact } from "./compact.js";
import {
  addTokenValues,
  COLUMN,
  emptyMetrics,
  emptyTokens,
  type Metrics,
  WIDTH,
} from "./metrics.js";
import { addMicros, centsToMicros, NO_MICROS, storedMicros } from "./money.js";
import { grownFloat64, grownUint8, INITIAL_ROWS, RowLists } from "./row-lists.js";

/*
 * One UTC day's records folded straight into the compact form (compact.ts): the hot path of a
 * cold report, run once per record of the period.
 *
 * Why not objects: an actor as objects is several allocations that live until the day ends, so
 * V8 promotes them and collects them in the old generation — with many days in flight that
 * promoted garbage, not the live data, set the peak heap and took much of a month's time (figures
 * in docs/PERFORMANCE.md). Here an actor is a row of a Float64Array, its terminals and per-model
 * costs short linked lists in typed arrays, and the only per-actor objects are its key and name
 * strings.
 */

/** Column offsets within an actor row, from metrics.ts's table (test/usage/metrics.test.ts). */
const {
  costMicros: COST,
  sessions: SESSIONS,
  linesAdded: LINES_ADDED,
  linesRemoved: LINES_REMOVED,
  commits: COMMITS,
  pullRequests: PULL_REQUESTS,
  toolAccepted: TOOL_ACCEPTED,
  toolRejected: TOOL_REJECTED,
  tokensInput: TOKENS_INPUT,
  tokensOutput: TOKENS_OUTPUT,
  tokensCacheRead: TOKENS_CACHE_READ,
  tokensCacheCreation: TOKENS_CACHE_CREATION,
  records: RECORDS,
  activeDays: ACTIVE_DAYS,
} = COLUMN;

export interface DayBuilder {
  addRecord(record: UsageRecord): void;
  /** A page: its valid records, and the ones that could not be read (counted, sampled). */
  addPage(page: { records: readonly UsageRecord[]; invalid: readonly InvalidRecord[] }): void;
  readonly records: number;
  readonly invalidRecords: number;
  /** The day in compact form. The builder is spent afterwards. */
  finish(day: string): CompactAggregate;
}

export function createDayBuilder(): DayBuilder {
  return new ColumnarDay();
}

/** One day from its records, in compact form (tests, benchmarks). */
export function compactDay(day: string, records: Iterable<UsageRecord>): CompactAggregate {
  const builder = createDayBuilder();
  for (const record of records) builder.addRecord(record);
  return builder.finish(day);
}

/** One day from its records, as a (period) aggregate: tests, benchmarks, the demo. */
export function aggregateDay(day: string, records: Iterable<UsageRecord>): UsageAggregate {
  return mergeCompact([compactDay(day, records)]);
}

class ColumnarDay implements DayBuilder {
  private recordCount = 0;
  // Actors: a row each, found by email or key name as the API spells them (and as canonical
  // names), so that a known actor's record costs one lookup and no string building.
  private readonly rowsByEmail = new Map<string, number>();
  private readonly rowsByKeyName = new Map<string, number>();
  private readonly rowsByOtherKey = new Map<string, number>();
  private readonly keys: string[] = [];
  private readonly names: string[] = [];
  private types = new Uint8Array(INITIAL_ROWS);
  private data = new Float64Array(INITIAL_ROWS * WIDTH);
  private readonly actorTerminals = new RowLists();
  private readonly actorModels = new RowLists();
  // A handful each: plain objects, found by name.
  private readonly modelIds = new Map<string, number>();
  private readonly models: ModelStats[] = [];
  private readonly terminalIds = new Map<string, number>();
  private readonly terminals: TerminalStats[] = [];
  private readonly tools = new Map<string, ToolStats>();
  private readonly toolSlotNames: string[] = [];
  private readonly toolSlots: ToolStats[] = [];
  private invalid = 0;
  private readonly invalidSamples: string[] = [];
  private nonUsd = 0;

  get records(): number {
    return this.recordCount;
  }

  get invalidRecords(): number {
    return this.invalid;
  }

  addPage(page: { records: readonly UsageRecord[]; invalid: readonly InvalidRecord[] }): void {
    for (const record of page.records) this.addRecord(record);
    this.invalid += page.invalid.length;
    for (const bad of page.invalid) {
      if (this.invalidSamples.length >= MAX_INVALID_SAMPLES) break;
      this.invalidSamples.push(bad.reason);
    }
  }

  addRecord(record: UsageRecord): void {
    const row = this.rowOf(record.actor);
    const d = this.data;
    const at = row * WIDTH;

    const core = record.core_metrics;
    const sessions = core.num_sessions;
    const added = core.lines_of_code.added;
    const removed = core.lines_of_code.removed;
    const commits = core.commits_by_claude_code;
    const prs = core.pull_requests_by_claude_code;
    add(d, at + SESSIONS, sessions);
    add(d, at + LINES_ADDED, added);
    add(d, at + LINES_REMOVED, removed);
    add(d, at + COMMITS, commits);
    add(d, at + PULL_REQUESTS, prs);
    add(d, at + RECORDS, 1);
    this.recordCount++;

    const actions = record.tool_actions;
    let slot = 0;
    for (const name in actions) {
      const action = actions[name];
      if (!action) continue;
      const { accepted, rejected } = action;
      add(d, at + TOOL_ACCEPTED, accepted);
      add(d, at + TOOL_REJECTED, rejected);
      let tool = this.toolSlotNames[slot] === name ? this.toolSlots[slot] : undefined;
      if (!tool) {
        tool = this.tools.get(name);
        if (!tool) {
          tool = { tool: name, accepted: 0, rejected: 0 };
          this.tools.set(name, tool);
        }
        this.toolSlotNames[slot] = name;
        this.toolSlots[slot] = tool;
      }
      slot++;
      tool.accepted += accepted;
      tool.rejected += rejected;
    }

    let recordCost = NO_MICROS;
    for (const usage of record.model_breakdown) {
      const currency = usage.estimated_cost.currency;
      const isUsd = currency == null || currency === "USD" || currency.toUpperCase() === "USD";
      if (!isUsd) this.nonUsd++;
      const cost = isUsd ? centsToMicros(usage.estimated_cost.amount) : NO_MICROS;
      recordCost = addMicros(recordCost, cost);
      const id = idOf(usage.model, this.modelIds, this.models, newModel);
      const model = this.models[id] as ModelStats;
      model.costMicros = addMicros(model.costMicros, cost);
      model.records++;
      // The entry first: appending may replace the values array.
      const entry = this.actorModels.entry(row, id);
      add(this.actorModels.values, entry, cost);
      const t = usage.tokens;
      addTokenValues(model.tokens, t.input, t.output, t.cache_read, t.cache_creation);
      add(d, at + TOKENS_INPUT, t.input);
      add(d, at + TOKENS_OUTPUT, t.output);
      add(d, at + TOKENS_CACHE_READ, t.cache_read);
      add(d, at + TOKENS_CACHE_CREATION, t.cache_creation);
    }
    add(d, at + COST, recordCost);

    const terminalId = idOf(record.terminal_type, this.terminalIds, this.terminals, newTerminal);
    const terminal = this.terminals[terminalId] as TerminalStats;
    this.actorTerminals.entry(row, terminalId);
    terminal.records++;
    terminal.sessions += sessions;
    terminal.costMicros = addMicros(terminal.costMicros, recordCost);
  }

  finish(day: string): CompactAggregate {
    const n = this.keys.length;
    let activeUsers = 0;
    let activeApiKeys = 0;
    for (let row = 0; row < n; row++) {
      const type = ACTOR_TYPES[this.types[row] as number];
      if (type === "user") activeUsers++;
      else if (type === "api_key") activeApiKeys++;
    }
    const t = columnTotals(this.data, n);
    const terminals = this.actorTerminals.toCsr(n);
    const models = this.actorModels.toCsr(n);
    return {
      v: COMPACT_VERSION,
      days: [day],
      totals: t,
      daily: [
        {
          day,
          costMicros: t.costMicros,
          sessions: t.sessions,
          linesAdded: t.linesAdded,
          commits: t.commits,
          pullRequests: t.pullRequests,
          activeUsers,
          activeApiKeys,
        },
      ],
      models: this.models,
      terminals: this.terminals,
      tools: [...this.tools.values()],
      invalidRecords: this.invalid,
      invalidSamples: this.invalidSamples,
      nonUsdCostItems: this.nonUsd,
      actors: {
        keys: this.keys,
        names: this.names,
        // Copies of the used part: each array then owns its buffer whole (transferable).
        types: this.types.slice(0, n),
        data: this.data.slice(0, n * WIDTH),
        terminalNames: this.terminals.map((x) => x.terminal),
        terminalOffsets: terminals.offsets,
        terminalIndex: terminals.ids,
        modelNames: this.models.map((x) => x.model),
        modelOffsets: models.offsets,
        modelIndex: models.ids,
        modelCost: models.values,
      },
    };
  }

  private rowOf(actor: UsageRecord["actor"]): number {
    const type = actor.type;
    if (type === "user_actor") {
      const email = actor.email_address;
      if (email) {
        const hit = this.rowsByEmail.get(email);
        if (hit !== undefined) return hit;
      }
    } else if (type === "api_actor") {
      const keyName = actor.api_key_name;
      if (keyName) {
        const hit = this.rowsByKeyName.get(keyName);
        if (hit !== undefined) return hit;
      }
    }
    return this.rowOfNewSpelling(actor);
  }

  /**
   * An actor, or a spelling of one, not seen before today. People and API keys are found by
   * their canonical name (lower-case email, trimmed key name), which is also kept as a spelling:
   * a raw email that is already canonical — nearly all — then needs one lookup, not two.
   */
  private rowOfNewSpelling(actor: UsageRecord["actor"]): number {
    const identity = actorIdentity(actor);
    const rows =
      identity.type === "user"
        ? this.rowsByEmail
        : identity.type === "api_key"
          ? this.rowsByKeyName
          : this.rowsByOtherKey;
    const canonical = identity.type === "other" ? identity.key : identity.name;
    let row = rows.get(canonical);
    if (row === undefined) {
      row = this.newRow(identity.key, identity.type, identity.name);
      rows.set(canonical, row);
    }
    const raw =
      identity.type === "user" && actor.type === "user_actor"
        ? actor.email_address
        : identity.type === "api_key" && actor.type === "api_actor"
          ? actor.api_key_name
          : undefined;
    if (raw && raw !== canonical) rows.set(raw, row);
    return row;
  }

  private newRow(key: string, type: ActorType, name: string): number {
    const row = this.keys.length;
    if (row === this.types.length) {
      this.types = grownUint8(this.types, row + 1);
      this.data = grownFloat64(this.data, (row + 1) * WIDTH);
      this.actorTerminals.growRows(row + 1);
      this.actorModels.growRows(row + 1);
    }
    this.keys.push(key);
    this.names.push(name);
    this.types[row] = ACTOR_TYPES.indexOf(type);
    this.data[row * WIDTH + ACTIVE_DAYS] = 1;
    return row;
  }
}

/** The id of `name` in `list` (looked up in `ids`), the entry made and added if it is new. */
function idOf<T>(name: string, ids: Map<string, number>, list: T[], make: (name: string) => T) {
  let id = ids.get(name);
  if (id === undefined) {
    id = list.length;
    list.push(make(name));
    ids.set(name, id);
  }
  return id;
}

const newModel = (model: string): ModelStats => ({
  model,
  costMicros: NO_MICROS,
  tokens: emptyTokens(),
  records: 0,
});
const newTerminal = (terminal: string): TerminalStats => ({
  terminal,
  records: 0,
  sessions: 0,
  costMicros: NO_MICROS,
});

/** The day's totals: every record adds to exactly one actor row, so they are the column sums. */
function columnTotals(data: Float64Array, rows: number): Metrics {
  const t = emptyMetrics();
  for (let at = 0; at < rows * WIDTH; at += WIDTH) {
    t.costMicros = addMicros(t.costMicros, storedMicros(data[at + COST] as number));
    t.sessions += data[at + SESSIONS] as number;
    t.linesAdded += data[at + LINES_ADDED] as number;
    t.linesRemoved += data[at + LINES_REMOVED] as number;
    t.commits += data[at + COMMITS] as number;
    t.pullRequests += data[at + PULL_REQUESTS] as number;
    t.toolAccepted += data[at + TOOL_ACCEPTED] as number;
    t.toolRejected += data[at + TOOL_REJECTED] as number;
    addTokenValues(
      t.tokens,
      data[at + TOKENS_INPUT] as number,
      data[at + TOKENS_OUTPUT] as number,
      data[at + TOKENS_CACHE_READ] as number,
      data[at + TOKENS_CACHE_CREATION] as number,
    );
    t.records += data[at + RECORDS] as number;
  }
  return t;
}

/** `array[i] += value`, for a typed array index known to be in bounds. */
function add(array: Float64Array, i: number, value: number): void {
  array[i] = (array[i] as number) + value;
}

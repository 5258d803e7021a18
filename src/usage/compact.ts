import { z } from "zod";
import type { ActorType } from "./actor-key.js";
import {
  type ActorStats,
  emptyAggregate,
  MAX_INVALID_SAMPLES,
  type ModelStats,
  newActor,
  type TerminalStats,
  type ToolStats,
  type UsageAggregate,
} from "./aggregate.js";
import { addMetrics, addTokens, COLUMN, type Metrics, TOTAL_METRICS, WIDTH } from "./metrics.js";
import { addMicros, microsSchema, NO_MICROS, storedMicros } from "./money.js";
import { ROWS_PER_STEP, runSteps, type Steps } from "./steps.js";

/*
 * The compact form of a day (built by day-builder.ts): what the day cache keeps and what periods
 * are merged from.
 *
 * A large org's day has thousands of actors. As objects (actor, tokens, terminal list, model
 * costs, map entry) that is several allocations per actor, per day, kept for as long as the day is
 * cached (docs/PERFORMANCE.md). Here actors are columns: one Float64Array row of metrics per actor, and
 * CSR lists (offsets + values) for terminals and per-model costs — a few typed arrays per day,
 * whatever the org size. It is also the serialised form (JSON, versioned).
 */

export const COMPACT_VERSION = 1;

export const ACTOR_TYPES: readonly ActorType[] = ["user", "api_key", "other"];

export interface CompactAggregate {
  v: typeof COMPACT_VERSION;
  days: string[];
  totals: Metrics;
  daily: UsageAggregate["daily"];
  models: ModelStats[];
  terminals: TerminalStats[];
  tools: ToolStats[];
  invalidRecords: number;
  invalidSamples: string[];
  nonUsdCostItems: number;
  actors: {
    keys: string[];
    names: string[];
    /** Index into TYPES. */
    types: Uint8Array;
    /** keys.length × WIDTH metrics (metrics.ts's columns), row-major. */
    data: Float64Array;
    terminalNames: string[];
    terminalOffsets: Uint32Array;
    terminalIndex: Uint32Array;
    modelNames: string[];
    modelOffsets: Uint32Array;
    modelIndex: Uint32Array;
    modelCost: Float64Array;
  };
}

/**
 * Merge compact parts (of disjoint days) into one aggregate. One actor object per distinct actor
 * of the period; parts are only read.
 */
export function mergeCompact(parts: readonly CompactAggregate[]): UsageAggregate {
  return runSteps(mergeCompactSteps(parts));
}

/** The same merge in steps of ROWS_PER_STEP actors (steps.ts). */
export function* mergeCompactSteps(parts: readonly CompactAggregate[]): Steps<UsageAggregate> {
  const out = emptyAggregate();
  for (const part of parts) {
    addSummaries(out, part);
    for (let row = 0; row < part.actors.keys.length; row += ROWS_PER_STEP) {
      mergeActors(out.actors, part.actors, row, row + ROWS_PER_STEP);
      yield;
    }
  }
  out.days.sort();
  out.daily.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return out;
}

/** Everything of a part but its actors: days, totals, models, terminals, tools, what was invalid. */
function addSummaries(out: UsageAggregate, part: CompactAggregate): void {
  out.days.push(...part.days);
  out.daily.push(...part.daily.map((d) => ({ ...d })));
  addMetrics(out.totals, part.totals);
  for (const model of part.models) {
    const mine = out.models.get(model.model);
    if (!mine) out.models.set(model.model, { ...model, tokens: { ...model.tokens } });
    else {
      mine.costMicros = addMicros(mine.costMicros, model.costMicros);
      mine.records += model.records;
      addTokens(mine.tokens, model.tokens);
    }
  }
  for (const terminal of part.terminals) {
    const mine = out.terminals.get(terminal.terminal);
    if (!mine) out.terminals.set(terminal.terminal, { ...terminal });
    else {
      mine.records += terminal.records;
      mine.sessions += terminal.sessions;
      mine.costMicros = addMicros(mine.costMicros, terminal.costMicros);
    }
  }
  for (const tool of part.tools) {
    const mine = out.tools.get(tool.tool);
    if (!mine) out.tools.set(tool.tool, { ...tool });
    else {
      mine.accepted += tool.accepted;
      mine.rejected += tool.rejected;
    }
  }
  out.invalidRecords += part.invalidRecords;
  for (const sample of part.invalidSamples) {
    if (out.invalidSamples.length < MAX_INVALID_SAMPLES) out.invalidSamples.push(sample);
  }
  out.nonUsdCostItems += part.nonUsdCostItems;
}

// The row's offsets, from the table (unrolled below; test/usage/metrics.test.ts checks them).
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

/** Rows [from, to) of the columns into the actors. */
function mergeActors(
  into: Map<string, ActorStats>,
  cols: CompactAggregate["actors"],
  from: number,
  to: number,
): void {
  const { keys, names, types, data } = cols;
  for (let row = from; row < Math.min(to, keys.length); row++) {
    const key = keys[row] as string;
    let actor = into.get(key);
    if (!actor) {
      actor = newActor(key, ACTOR_TYPES[types[row] ?? 2] ?? "other", names[row] ?? key);
      actor.activeDays = 0;
      into.set(key, actor);
    }
    const at = row * WIDTH;
    actor.costMicros = addMicros(actor.costMicros, storedMicros(data[at + COST] ?? 0));
    actor.sessions += data[at + SESSIONS] ?? 0;
    actor.linesAdded += data[at + LINES_ADDED] ?? 0;
    actor.linesRemoved += data[at + LINES_REMOVED] ?? 0;
    actor.commits += data[at + COMMITS] ?? 0;
    actor.pullRequests += data[at + PULL_REQUESTS] ?? 0;
    actor.toolAccepted += data[at + TOOL_ACCEPTED] ?? 0;
    actor.toolRejected += data[at + TOOL_REJECTED] ?? 0;
    actor.tokens.input += data[at + TOKENS_INPUT] ?? 0;
    actor.tokens.output += data[at + TOKENS_OUTPUT] ?? 0;
    actor.tokens.cacheRead += data[at + TOKENS_CACHE_READ] ?? 0;
    actor.tokens.cacheCreation += data[at + TOKENS_CACHE_CREATION] ?? 0;
    actor.records += data[at + RECORDS] ?? 0;
    actor.activeDays += data[at + ACTIVE_DAYS] ?? 0;
    for (let i = cols.terminalOffsets[row] ?? 0; i < (cols.terminalOffsets[row + 1] ?? 0); i++) {
      const terminal = cols.terminalNames[cols.terminalIndex[i] ?? 0] ?? "unknown";
      if (!actor.terminals.includes(terminal)) actor.terminals.push(terminal);
    }
    for (let i = cols.modelOffsets[row] ?? 0; i < (cols.modelOffsets[row + 1] ?? 0); i++) {
      const model = cols.modelNames[cols.modelIndex[i] ?? 0] ?? "unknown";
      actor.modelCosts[model] = addMicros(
        actor.modelCosts[model] ?? NO_MICROS,
        storedMicros(cols.modelCost[i] ?? 0),
      );
    }
  }
}

/**
 * About how many bytes a part holds in memory: its columns, and ~100 bytes for each actor's key
 * and name (what a memory of parts is bounded by; the strings' real size depends on V8).
 */
export function compactBytes(part: CompactAggregate): number {
  const a = part.actors;
  return (
    a.types.byteLength +
    a.data.byteLength +
    a.terminalOffsets.byteLength +
    a.terminalIndex.byteLength +
    a.modelOffsets.byteLength +
    a.modelIndex.byteLength +
    a.modelCost.byteLength +
    a.keys.length * 100
  );
}

/* ---- Serialisation (the day cache on disk) ---- */

const tokensSchema = z.object({
  input: z.number(),
  output: z.number(),
  cacheRead: z.number(),
  cacheCreation: z.number(),
});

/** A stored Metrics: a number for each of the table's totals, the tokens nested. */
const metricsSchema = z.custom<Metrics>(isStoredMetrics, { message: "totals with every metric" });

function isStoredMetrics(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  const fields = v as Record<string, unknown>;
  return (
    tokensSchema.safeParse(fields.tokens).success &&
    TOTAL_METRICS.every((m) => "token" in m || Number.isFinite(fields[m.key]))
  );
}

const isIndex = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * A stored column: an array of numbers, checked in one loop (zod per element was slow enough,
 * on the main thread, to delay acks; docs/PERFORMANCE.md).
 */
const column = (valid: (v: unknown) => boolean) =>
  z.custom<number[]>((v) => Array.isArray(v) && v.every((x) => typeof x === "number" && valid(x)), {
    message: "a column of numbers",
  });

const storedSchema = z.object({
  v: z.literal(COMPACT_VERSION),
  days: z.array(z.string()),
  totals: metricsSchema,
  daily: z.array(
    z.object({
      day: z.string(),
      costMicros: microsSchema,
      sessions: z.number(),
      linesAdded: z.number(),
      commits: z.number(),
      pullRequests: z.number(),
      activeUsers: z.number(),
      activeApiKeys: z.number(),
    }),
  ),
  models: z.array(
    z.object({
      model: z.string(),
      costMicros: microsSchema,
      tokens: tokensSchema,
      records: z.number(),
    }),
  ),
  terminals: z.array(
    z.object({
      terminal: z.string(),
      records: z.number(),
      sessions: z.number(),
      costMicros: microsSchema,
    }),
  ),
  tools: z.array(z.object({ tool: z.string(), accepted: z.number(), rejected: z.number() })),
  invalidRecords: z.number(),
  invalidSamples: z.array(z.string()),
  nonUsdCostItems: z.number(),
  actors: z.object({
    keys: z.array(z.string()),
    names: z.array(z.string()),
    types: column(isIndex),
    data: column(Number.isFinite),
    terminalNames: z.array(z.string()),
    terminalOffsets: column(isIndex),
    terminalIndex: column(isIndex),
    modelNames: z.array(z.string()),
    modelOffsets: column(isIndex),
    modelIndex: column(isIndex),
    modelCost: column(Number.isFinite),
  }),
});

/** JSON text for storage. Typed arrays become plain arrays (converted first: a replacer function
 * would be called for each of a day's numbers). */
export function serializeCompact(compact: CompactAggregate): string {
  const a = compact.actors;
  return JSON.stringify({
    ...compact,
    actors: {
      ...a,
      types: Array.from(a.types),
      data: Array.from(a.data),
      terminalOffsets: Array.from(a.terminalOffsets),
      terminalIndex: Array.from(a.terminalIndex),
      modelOffsets: Array.from(a.modelOffsets),
      modelIndex: Array.from(a.modelIndex),
      modelCost: Array.from(a.modelCost),
    },
  });
}

export class CompactFormatError extends Error {
  override readonly name = "CompactFormatError";
}

/**
 * Read stored JSON back. A different version or an inconsistent shape is an error (the caller
 * treats the entry as missing and fetches the day again), never a silently wrong report.
 */
export function parseCompact(text: string): CompactAggregate {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CompactFormatError("stored aggregate is not JSON");
  }
  const parsed = storedSchema.safeParse(json);
  if (!parsed.success) {
    throw new CompactFormatError(
      `stored aggregate has an unexpected shape: ${parsed.error.issues[0]?.message ?? "?"}`,
    );
  }
  const a = parsed.data.actors;
  const n = a.keys.length;
  if (
    a.names.length !== n ||
    a.types.length !== n ||
    a.types.some((t) => t >= ACTOR_TYPES.length) ||
    a.data.length !== n * WIDTH ||
    a.modelIndex.length !== a.modelCost.length ||
    !isCsr(a.terminalOffsets, a.terminalIndex, n, a.terminalNames.length) ||
    !isCsr(a.modelOffsets, a.modelIndex, n, a.modelNames.length)
  ) {
    throw new CompactFormatError("stored aggregate columns do not line up");
  }
  return {
    ...parsed.data,
    v: COMPACT_VERSION,
    actors: {
      keys: a.keys,
      names: a.names,
      types: Uint8Array.from(a.types),
      data: Float64Array.from(a.data),
      terminalNames: a.terminalNames,
      terminalOffsets: Uint32Array.from(a.terminalOffsets),
      terminalIndex: Uint32Array.from(a.terminalIndex),
      modelNames: a.modelNames,
      modelOffsets: Uint32Array.from(a.modelOffsets),
      modelIndex: Uint32Array.from(a.modelIndex),
      modelCost: Float64Array.from(a.modelCost),
    },
  };
}

/** Offsets from 0 to the index's end, never decreasing, for `rows` rows; ids within `names`. */
function isCsr(offsets: number[], index: number[], rows: number, names: number): boolean {
  if (offsets.length !== rows + 1 || offsets[0] !== 0 || offsets[rows] !== index.length) {
    return false;
  }
  for (let i = 1; i <= rows; i++) {
    if ((offsets[i] as number) < (offsets[i - 1] as number)) return false;
  }
  return index.every((id) => id < names);
}

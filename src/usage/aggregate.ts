import type { ActorType } from "./actor-key.js";
import { emptyMetrics, emptyTokens, type Metrics, type TokenCounts } from "./metrics.js";
import { type Micros, NO_MICROS } from "./money.js";

/*
 * Aggregation: records → one mergeable summary per UTC day → one summary per period.
 *
 * Records are folded in page by page and dropped (day-builder.ts), so memory grows with the
 * number of distinct actors and models, never with the number of records. Finished days are kept,
 * and merged into periods, in the compact form of compact.ts; a period is this module's
 * UsageAggregate. The metrics summed are those of metrics.ts; money is money.ts's.
 */

export interface ActorStats extends Metrics {
  /** Stable identity (actor-key.ts): a person's, an API key's, or an unknown type's. */
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

/*
 * Actors are built from one literal, never by object spread: V8 turns a spread of this many
 * properties into a slow object, and aggregation slows several-fold (docs/PERFORMANCE.md).
 */
export function newActor(key: string, type: ActorType, name: string): ActorStats {
  return {
    key,
    type,
    name,
    costMicros: NO_MICROS,
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

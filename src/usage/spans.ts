import type { ModelStats, TerminalStats, ToolStats } from "./aggregate.js";
import { MAX_INVALID_SAMPLES } from "./aggregate.js";
import { COMPACT_VERSION, type CompactAggregate } from "./compact.js";
import { addMetrics, addTokens, emptyMetrics, WIDTH } from "./metrics.js";
import { addMicros } from "./money.js";
import { shiftDay } from "./periods.js";
import { grownFloat64, grownUint8, INITIAL_ROWS, RowLists } from "./row-lists.js";
import { ROWS_PER_STEP, runSteps, type Steps } from "./steps.js";

/*
 * Merged spans of days: compact parts merged into one compact part, column by column, and the
 * aligned spans that cover a run of days. A report's period is merged from a few kept spans and
 * the days at its edges instead of from every day (docs/PERFORMANCE.md: twenty reports of
 * different periods at once spent most of their time merging the same days again).
 *
 * The merge is exact and keeps first-seen order: rows, each row's terminals and models, and the
 * period's models, terminals and tools come out in the order the day-by-day merge meets them,
 * and sums of whole µ$ and counts are the same in any grouping. So a report from spans equals
 * the report from days, to the cent and in every tie (test/usage/spans.test.ts).
 */

export interface SpanMerger {
  /** The next part, later days than those before. */
  add(part: CompactAggregate): void;
  /** The same in steps of ROWS_PER_STEP rows (steps.ts): a span's part is as large as a period. */
  addSteps(part: CompactAggregate): Steps<void>;
  /** The parts merged, in compact form. The merger is spent afterwards. */
  finish(): CompactAggregate;
}

export function createSpanMerger(): SpanMerger {
  const rows = new Map<string, number>();
  const keys: string[] = [];
  const names: string[] = [];
  let types = new Uint8Array(INITIAL_ROWS);
  let data = new Float64Array(INITIAL_ROWS * WIDTH);
  const rowTerminals = new RowLists();
  const rowModels = new RowLists();
  const terminalNames = new Names();
  const modelNames = new Names();
  const days: string[] = [];
  const daily: CompactAggregate["daily"] = [];
  const totals = emptyMetrics();
  const models = new Map<string, ModelStats>();
  const terminals = new Map<string, TerminalStats>();
  const tools = new Map<string, ToolStats>();
  const invalidSamples: string[] = [];
  let invalidRecords = 0;
  let nonUsdCostItems = 0;

  function rowOf(key: string, name: string, type: number): number {
    let row = rows.get(key);
    if (row !== undefined) return row;
    row = keys.length;
    if (row === types.length) {
      types = grownUint8(types, row + 1);
      data = grownFloat64(data, (row + 1) * WIDTH);
      rowTerminals.growRows(row + 1);
      rowModels.growRows(row + 1);
    }
    rows.set(key, row);
    keys.push(key);
    names.push(name);
    types[row] = type;
    return row;
  }

  function* addSteps(part: CompactAggregate): Steps<void> {
    days.push(...part.days);
    for (const point of part.daily) daily.push({ ...point });
    addMetrics(totals, part.totals);
    const cols = part.actors;
    const terminalIds = cols.terminalNames.map((n) => terminalNames.id(n));
    const modelIds = cols.modelNames.map((n) => modelNames.id(n));
    const from = cols.data;
    for (let r = 0; r < cols.keys.length; r++) {
      const row = rowOf(cols.keys[r] as string, cols.names[r] as string, cols.types[r] ?? 2);
      // Every column is a sum (active days too): add the row as it is.
      const at = row * WIDTH;
      const src = r * WIDTH;
      for (let c = 0; c < WIDTH; c++)
        data[at + c] = (data[at + c] as number) + (from[src + c] as number);
      for (
        let i = cols.terminalOffsets[r] as number;
        i < (cols.terminalOffsets[r + 1] as number);
        i++
      ) {
        rowTerminals.entry(row, terminalIds[cols.terminalIndex[i] as number] as number);
      }
      for (let i = cols.modelOffsets[r] as number; i < (cols.modelOffsets[r + 1] as number); i++) {
        // The entry first: appending may replace the values array.
        const entry = rowModels.entry(row, modelIds[cols.modelIndex[i] as number] as number);
        rowModels.values[entry] =
          (rowModels.values[entry] as number) + (cols.modelCost[i] as number);
      }
      if ((r + 1) % ROWS_PER_STEP === 0) yield;
    }
    for (const model of part.models) {
      const mine = models.get(model.model);
      if (!mine) models.set(model.model, { ...model, tokens: { ...model.tokens } });
      else {
        mine.costMicros = addMicros(mine.costMicros, model.costMicros);
        mine.records += model.records;
        addTokens(mine.tokens, model.tokens);
      }
    }
    for (const terminal of part.terminals) {
      const mine = terminals.get(terminal.terminal);
      if (!mine) terminals.set(terminal.terminal, { ...terminal });
      else {
        mine.records += terminal.records;
        mine.sessions += terminal.sessions;
        mine.costMicros = addMicros(mine.costMicros, terminal.costMicros);
      }
    }
    for (const tool of part.tools) {
      const mine = tools.get(tool.tool);
      if (!mine) tools.set(tool.tool, { ...tool });
      else {
        mine.accepted += tool.accepted;
        mine.rejected += tool.rejected;
      }
    }
    invalidRecords += part.invalidRecords;
    for (const sample of part.invalidSamples) {
      if (invalidSamples.length < MAX_INVALID_SAMPLES) invalidSamples.push(sample);
    }
    nonUsdCostItems += part.nonUsdCostItems;
  }

  return {
    add: (part) => runSteps(addSteps(part)),
    addSteps,
    finish() {
      const n = keys.length;
      const t = rowTerminals.toCsr(n);
      const m = rowModels.toCsr(n);
      return {
        v: COMPACT_VERSION,
        days,
        totals,
        daily,
        models: [...models.values()],
        terminals: [...terminals.values()],
        tools: [...tools.values()],
        invalidRecords,
        invalidSamples,
        nonUsdCostItems,
        actors: {
          keys,
          names,
          types: types.slice(0, n),
          data: data.slice(0, n * WIDTH),
          terminalNames: terminalNames.list,
          terminalOffsets: t.offsets,
          terminalIndex: t.ids,
          modelNames: modelNames.list,
          modelOffsets: m.offsets,
          modelIndex: m.ids,
          modelCost: m.values,
        },
      };
    },
  };
}

/** Parts of disjoint days, in day order, merged into one compact part. */
export function mergeSpan(parts: readonly CompactAggregate[]): CompactAggregate {
  const merger = createSpanMerger();
  for (const part of parts) merger.add(part);
  return merger.finish();
}

/** Names numbered in first-seen order. */
class Names {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(name);
      this.ids.set(name, id);
    }
    return id;
  }
}

/** The longest span kept, in days: a power of two (spans are aligned to their length). */
export const MAX_SPAN_DAYS = 32;

/**
 * Consecutive days (ISO, in order) split into runs: aligned spans of 2, 4, … MAX_SPAN_DAYS days
 * (a span of 2^k days starts on a day number, counted from 1970-01-01, divisible by 2^k) where
 * `spannable` days allow, and single days elsewhere. Any window of n days is then at most about
 * 2·log2(n) parts, and windows that overlap share their spans. Days that do not follow one
 * another are left as single days.
 */
export function spanCover(
  days: readonly string[],
  spannable: (day: string) => boolean,
): string[][] {
  const out: string[][] = [];
  let i = 0;
  while (i < days.length) {
    const day = days[i] as string;
    const index = Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
    let size = 1;
    if (spannable(day)) {
      for (let next = 2; next <= MAX_SPAN_DAYS && index % next === 0; next *= 2) {
        if (!fits(days, i, next, spannable)) break;
        size = next;
      }
    }
    out.push(days.slice(i, i + size));
    i += size;
  }
  return out;
}

/** Whether the `size` days from `i` follow one another and may all be spanned. */
function fits(
  days: readonly string[],
  i: number,
  size: number,
  spannable: (day: string) => boolean,
): boolean {
  if (i + size > days.length) return false;
  for (let j = i + size / 2; j < i + size; j++) {
    if (days[j] !== shiftDay(days[i] as string, j - i) || !spannable(days[j] as string))
      return false;
  }
  return true;
}

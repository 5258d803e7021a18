import type { z } from "zod";
import { readRecordFast } from "./fast-record.js";
import { type UsageRecord, usageRecordSchema } from "./schema.js";

/*
 * A page's records, read one by one. `readRecordFast` (fast-record.ts) reads the common case;
 * only records it does not vouch for go through zod (schema.ts), which stays the contract. A
 * property test keeps the two in agreement.
 */

/** A record that could not be understood: counted and reported, never silently dropped. */
export interface InvalidRecord {
  index: number;
  reason: string;
}

export interface UsagePage {
  records: UsageRecord[];
  invalid: InvalidRecord[];
  hasMore: boolean;
  nextPage: string | null;
}

/** Validate each record on its own so one odd record does not sink the page. */
export function parseRecords(data: readonly unknown[], pageOffset = 0) {
  const records: UsageRecord[] = [];
  const invalid: InvalidRecord[] = [];
  for (let i = 0; i < data.length; i++) {
    const fast = readRecordFast(data[i]);
    if (fast) {
      records.push(fast);
      continue;
    }
    const result = usageRecordSchema.safeParse(data[i]);
    if (result.success) records.push(result.data);
    else invalid.push({ index: pageOffset + i, reason: summarizeIssues(result.error) });
  }
  return { records, invalid };
}

function summarizeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "(record)"}: ${issue.message}`)
    .join("; ");
}

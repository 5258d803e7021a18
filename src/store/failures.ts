import { z } from "zod";
import type { Snapshots } from "./snapshots.js";

/*
 * The last failures users were shown, with their refs, for `doctor`: one snapshot holding the
 * newest few. Details are scrubbed by whoever records them. Two replicas writing at once may
 * lose one entry; the log lines keep every one.
 */

export const FAILURES_SNAPSHOT = "failures";
/** How many failures are kept. */
export const FAILURES_KEPT = 20;

const failureSchema = z.object({
  ref: z.string(),
  /** Epoch ms. */
  at: z.number(),
  /** What kind of failure ("anthropic auth", "slack missing_scope", "unexpected"). */
  kind: z.string(),
  /** For admins, scrubbed of secrets. */
  detail: z.string(),
});
export type FailureRecord = z.infer<typeof failureSchema>;

export interface FailureLog {
  record(failure: FailureRecord): Promise<void>;
  /** Newest first. */
  recent(limit?: number): Promise<FailureRecord[]>;
}

export function createFailureLog(snapshots: Snapshots, kept = FAILURES_KEPT): FailureLog {
  async function recent(limit = kept): Promise<FailureRecord[]> {
    const snapshot = await snapshots.get(FAILURES_SNAPSHOT);
    if (!snapshot) return [];
    let json: unknown;
    try {
      json = JSON.parse(snapshot.payload);
    } catch {
      return [];
    }
    // A damaged or older list is started again rather than failing the failure path.
    const parsed = z.array(failureSchema).safeParse(json);
    return parsed.success ? parsed.data.slice(0, limit) : [];
  }
  // One read-modify-write at a time in this process: failures come in bursts.
  let last: Promise<void> = Promise.resolve();
  return {
    recent,
    record(failure) {
      const write = async () => {
        const list = [failure, ...(await recent())].slice(0, kept);
        await snapshots.put(FAILURES_SNAPSHOT, JSON.stringify(list), failure.at);
      };
      const next = last.then(write, write);
      last = next.catch(() => undefined);
      return next;
    },
  };
}

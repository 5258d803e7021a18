/**
 * Exit codes (README, "Exit codes"): 0 ok, 1 the job failed (API, network, store), 2 bad usage
 * or configuration; `digest run` also: 3 deliveries failed (a later run retries them), 4
 * deliveries given up (a person must look), 5 deliveries held by another run right now.
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_DELIVERIES_FAILED = 3;
export const EXIT_DELIVERIES_GAVE_UP = 4;
export const EXIT_DELIVERIES_BUSY = 5;

/** The most serious thing left undelivered decides: given up, then failed, then busy. */
export function deliveryExitCode(
  counts: readonly { failed: number; gaveUp: number; busy: number }[],
): number {
  const total = (field: "failed" | "gaveUp" | "busy") =>
    counts.reduce((sum, c) => sum + c[field], 0);
  if (total("gaveUp") > 0) return EXIT_DELIVERIES_GAVE_UP;
  if (total("failed") > 0) return EXIT_DELIVERIES_FAILED;
  if (total("busy") > 0) return EXIT_DELIVERIES_BUSY;
  return EXIT_OK;
}

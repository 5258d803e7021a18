/** A command line the CLI cannot run: an unknown option, a bad value (exit 2, with the usage). */
export class UsageError extends Error {
  override name = "UsageError";
}

/*
 * Store failures in words. A database that is down or restarting is an operating condition, not
 * a bug: the CLI says so in one line, Slack replies say so plainly, and neither shows a stack or
 * the connection string's password.
 */

export class StoreError extends Error {
  override readonly name = "StoreError";
  /** Where the store is, without credentials (Database.location). */
  readonly location: string;
  /** What was being done, as a verb phrase: "open", "save your DM preference". */
  readonly operation: string;
  /** The database could not be reached at all (down, restarting, wrong address, closed). */
  readonly unreachable: boolean;
  /** Why, in words. */
  readonly reason: string;

  constructor(
    location: string,
    operation: string,
    cause: unknown,
    options: { secrets?: readonly string[] } = {},
  ) {
    const unreachable = isUnreachable(cause);
    const reason = hide(describeStoreFailure(cause), options.secrets ?? []);
    super(
      `the store (${location}) ${unreachable ? "cannot be reached" : `failed to ${operation}`}: ${reason}`,
      { cause },
    );
    this.location = location;
    this.operation = operation;
    this.unreachable = unreachable;
    this.reason = reason;
  }
}

/** Connection-level failures: nothing wrong with the query, the database is not there. */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
  "EPIPE",
  // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

const REASONS: Record<string, string> = {
  ECONNREFUSED: "connection refused (is PostgreSQL running and listening there?)",
  ENOTFOUND: "the host name does not resolve",
  EAI_AGAIN: "the host name does not resolve (DNS did not answer)",
  ETIMEDOUT: "the connection timed out",
  EHOSTUNREACH: "the host is unreachable",
  ENETUNREACH: "the network is unreachable",
  ECONNRESET: "the server closed the connection",
  EPIPE: "the server closed the connection",
  "57P01": "the server is shutting down",
  "57P02": "the server is shutting down",
  "57P03": "the server is starting up or shutting down",
  "53300": "the server has too many connections",
  "28P01": "the server refused the login (wrong user or password)",
  "28000": "the server refused the login (not allowed for this user or host)",
  "3D000": "the database does not exist",
  EACCES: "permission denied",
  SQLITE_CANTOPEN: "the database file cannot be opened",
  SQLITE_READONLY: "the database file is read-only",
  SQLITE_FULL: "the disk is full",
};

/** Messages of failures that come without a code (pg's timeouts and lost connections, Kysely). */
const UNREACHABLE_MESSAGES: [RegExp, string][] = [
  [/query read timeout/i, "the server stopped answering (no reply in time)"],
  [/timeout/i, "the connection timed out"],
  [/connection terminated/i, "the server closed the connection"],
  [/driver has already been destroyed/i, "the store is closed"],
];

export function isUnreachable(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined) return UNREACHABLE_CODES.has(code);
  const message = messageOf(error);
  return UNREACHABLE_MESSAGES.some(([pattern]) => pattern.test(message));
}

/** Why a store operation failed, in words a person can act on. */
export function describeStoreFailure(error: unknown): string {
  const code = codeOf(error);
  const known = code === undefined ? undefined : REASONS[code];
  if (known) return known;
  const message = messageOf(error);
  const words = UNREACHABLE_MESSAGES.find(([pattern]) => pattern.test(message))?.[1];
  return words ?? (message.split("\n")[0] || "unknown error");
}

/** The error's code; an AggregateError (every address of a host refused) has its first one's. */
function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === "string") return code;
  if (error instanceof AggregateError) return codeOf(error.errors[0]);
  return undefined;
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : "";
}

function hide(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (secret) out = out.split(secret).join("[redacted]");
  return out;
}

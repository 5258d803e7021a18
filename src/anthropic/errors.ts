import { STATUS_CODES } from "node:http";

/**
 * Why a call to the Admin API failed, in terms a person can act on.
 * - `auth`: the admin key was rejected (401/403).
 * - `bad_request`: the API refused the request (any other 4xx, e.g. 400, 404); carries the API's
 *   message, which is for logs and operators only (it is upstream text: see describeAnthropicError).
 * - `rate_limited` / `unavailable`: 429 or 5xx/529 that outlasted our retries or deadline.
 * - `unreachable`: no HTTP answer at all (DNS, connection refused, reset).
 * - `timeout`: a request or the whole fetch took longer than allowed.
 * - `invalid_response`: an answer we cannot read (not JSON, wrong envelope, a cursor loop).
 */
export type AnthropicErrorKind =
  | "auth"
  | "bad_request"
  | "rate_limited"
  | "unavailable"
  | "unreachable"
  | "timeout"
  | "invalid_response";

export interface AnthropicErrorContext {
  status?: number | undefined;
  /** The UTC day being fetched. */
  day?: string | undefined;
  /** Anthropic's `request-id` header, for support tickets. */
  requestId?: string | undefined;
  /** The `error.type` from Anthropic's error envelope. */
  apiErrorType?: string | undefined;
  /** The `error.message` from Anthropic's error envelope. */
  apiMessage?: string | undefined;
  attempts?: number | undefined;
  cause?: unknown;
}

export class AnthropicApiError extends Error {
  override readonly name = "AnthropicApiError";
  readonly kind: AnthropicErrorKind;
  readonly status: number | undefined;
  readonly day: string | undefined;
  readonly requestId: string | undefined;
  readonly apiErrorType: string | undefined;
  readonly apiMessage: string | undefined;
  readonly attempts: number | undefined;

  constructor(kind: AnthropicErrorKind, message: string, context: AnthropicErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.kind = kind;
    this.status = context.status;
    this.day = context.day;
    this.requestId = context.requestId;
    this.apiErrorType = context.apiErrorType;
    this.apiMessage = context.apiMessage;
    this.attempts = context.attempts;
  }

  /** Whether a later try may succeed (operators and schedulers use this to decide on retrying). */
  get transient(): boolean {
    return (
      this.kind === "rate_limited" ||
      this.kind === "unavailable" ||
      this.kind === "unreachable" ||
      this.kind === "timeout"
    );
  }
}

/**
 * A short, friendly explanation for people (Slack replies, CLI errors): what happened, in our
 * words. Never the API's own text, which may echo anything (the key included); that stays on the
 * error, for the logs.
 */
export function describeAnthropicError(error: AnthropicApiError): string {
  switch (error.kind) {
    case "auth":
      return `the Anthropic admin key was rejected (${error.status ?? 401}). An admin should check ANTHROPIC_ADMIN_KEY: it must be an Admin API key (sk-ant-admin…) of an organisation; individual accounts cannot use the usage report API.`;
    case "bad_request":
      return describeRefusal(error.status);
    case "rate_limited":
      return "the Anthropic API is rate-limiting us right now. Try again in a minute.";
    case "unavailable":
      return `the Anthropic API is busy or unavailable (${error.status ?? "5xx"}). Try again shortly.`;
    case "unreachable":
      return "the Anthropic API could not be reached (network error). Check connectivity and ANTHROPIC_BASE_URL.";
    case "timeout":
      return "the Anthropic API took too long to answer. Try again shortly, or ask for a shorter period.";
    case "invalid_response":
      return "the Anthropic API sent an answer I could not read.";
  }
}

/** Longest API message shown to operators: enough to act on, not a whole error page. */
const MAX_API_MESSAGE = 300;

/**
 * For operators (CLI, doctor): the description, then what the API said and its request id.
 * Upstream text: scrub it before printing.
 */
export function describeAnthropicErrorInDetail(error: AnthropicApiError): string {
  const said = error.apiMessage
    ? ` Anthropic said: "${error.apiMessage.slice(0, MAX_API_MESSAGE)}${error.apiMessage.length > MAX_API_MESSAGE ? "…" : ""}"`
    : "";
  const id = error.requestId ? ` (Anthropic request-id ${error.requestId})` : "";
  return `${describeAnthropicError(error)}${said}${id}`;
}

/** A refused request named by its real status: a 404 is not a 400. */
function describeRefusal(status: number | undefined): string {
  const named =
    status === undefined
      ? ""
      : ` (${status}${STATUS_CODES[status] ? ` ${STATUS_CODES[status]}` : ""})`;
  if (status === 404) {
    return `the Anthropic API did not find what was asked for${named}. An admin should check ANTHROPIC_BASE_URL (normally https://api.anthropic.com).`;
  }
  if (status === 400) return `the Anthropic API refused the request as invalid${named}.`;
  if (status !== undefined && (status < 400 || status > 499)) {
    return `the Anthropic API answered with an unexpected status${named}.`;
  }
  return `the Anthropic API refused the request${named}.`;
}

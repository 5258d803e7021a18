import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/*
 * A fake Slack Web API on 127.0.0.1. Point @slack/web-api (or Bolt's `clientOptions.slackApiUrl`)
 * at `${fake.url}/api/`. It records every call, knows a small directory of users, channels and
 * user groups, keeps posted messages (with their metadata) so that conversations.history can find
 * them, and can inject faults: 429 with or without Retry-After, ok:false errors, HTTP 5xx, a
 * dropped connection or a 5xx after the call was processed (a lost answer), a call never answered.
 * It also serves response_url endpoints: `${fake.url}/response/<id>` records what is posted there.
 */

export interface FakeSlackUser {
  id: string;
  email?: string;
  /** Handle; also the display name unless `displayName` is given. */
  name?: string;
  /** The profile's display name ("" for none: Slack then shows the real name). */
  displayName?: string;
  tz?: string;
  deleted?: boolean;
  is_bot?: boolean;
  /** A workspace admin (users.info `is_admin`). */
  isAdmin?: boolean;
}

/** A modal as views.open / views.update left it: the last view sent for its id. */
export interface OpenView {
  id: string;
  hash: string;
  /** The view as the app sent it (blocks, callback_id, private_metadata…). */
  view: Record<string, unknown>;
  userTriggered: string | undefined;
}

export interface SlackCall {
  n: number;
  method: string;
  /** Form or JSON arguments, with JSON-in-form values (blocks, metadata) parsed. */
  args: Record<string, unknown>;
  token: string | undefined;
  at: number;
}

export interface ResponseUrlPost {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  text?: unknown;
  blocks?: unknown;
  metadata?: unknown;
  user?: string;
  threadTs?: string | undefined;
  files?: { id: string; title: string | undefined }[];
}

/** A file uploaded through files.uploadV2 (its bytes as they arrived at the upload URL). */
export interface UploadedFile {
  id: string;
  filename: string;
  bytes: Buffer;
}

/** One files.completeUploadExternal: files shared into a channel (or thread), or nowhere (no channel). */
export interface SharedFiles {
  channel: string | undefined;
  threadTs: string | undefined;
  comment: string | undefined;
  files: { id: string; title: string | undefined; bytes: Buffer | undefined }[];
}

export interface SlackFault {
  /** HTTP status; 429 gets `retry-after` (seconds) from `retryAfter`, default 1 (null: none). */
  status?: number;
  retryAfter?: number | null;
  /** An ok:false answer with this error (HTTP 200). */
  error?: string;
  /**
   * Process the call (a post is kept, so history shows it), then lose the answer: drop the
   * connection, or answer with this HTTP status instead. What a network fault after Slack did
   * the work looks like.
   */
  after?: "drop" | number;
  /** Drop the connection without processing the call. */
  drop?: boolean;
  /** Never answer (until the client gives up or the fake closes). */
  hang?: boolean;
}

export interface FakeSlackApiOptions {
  users?: FakeSlackUser[];
  /** Channel ids the bot is a member of (others answer not_in_channel / channel_not_found). */
  channels?: {
    id: string;
    name?: string;
    isMember?: boolean;
    isPrivate?: boolean;
    isArchived?: boolean;
  }[];
  /** User group id → member user ids. */
  usergroups?: Record<string, string[]>;
  /** User groups as usergroups.list shows them (their members serve usergroups.users.list too). */
  groups?: {
    id: string;
    handle: string;
    name?: string;
    users: string[];
    disabled?: boolean;
    /** The user id of who created the group. */
    createdBy?: string;
  }[];
  botToken?: string;
  /** Called before the normal answer; a fault replaces it. */
  fault?: (call: SlackCall) => SlackFault | undefined;
  /** Scopes reported by auth.test in x-oauth-scopes. */
  scopes?: string[];
  /** Added to every Web API answer (to catch a process mid-way through a fan-out). */
  latencyMs?: number;
}

export interface FakeSlackApi {
  url: string;
  /** Base URL for @slack/web-api: `${url}/api/`. */
  apiUrl: string;
  calls: SlackCall[];
  responses: ResponseUrlPost[];
  messages: PostedMessage[];
  uploads: UploadedFile[];
  shared: SharedFiles[];
  /** Modals by view id, as last opened or updated. */
  views: Map<string, OpenView>;
  callsTo(method: string): SlackCall[];
  /** Each user's Home tab as last published (with its hash), as Slack would show it. */
  homeViews: Map<string, { view: Record<string, unknown>; hash: string }>;
  /** A fresh response_url served by this fake. */
  responseUrl(id?: string): string;
  /** A response_url Slack no longer takes (404 `expired_url`), as after 30 minutes. */
  expiredResponseUrl(): string;
  /** How many posts reached an expired response_url. */
  readonly expiredPosts: number;
  /** Resolve when `count` posts have reached response_urls (or reject after `timeoutMs`). */
  waitForResponses(count: number, timeoutMs?: number): Promise<ResponseUrlPost[]>;
  close(): Promise<void>;
}

export const FAKE_BOT_TOKEN = "xoxb-fake-bot-token-for-tests";

export async function startFakeSlackApi(options: FakeSlackApiOptions = {}): Promise<FakeSlackApi> {
  const users = options.users ?? [];
  const channels = options.channels ?? [];
  const calls: SlackCall[] = [];
  const responses: ResponseUrlPost[] = [];
  const messages: PostedMessage[] = [];
  const uploads: UploadedFile[] = [];
  const pendingUploads = new Map<string, string>();
  const shared: SharedFiles[] = [];
  const homeViews = new Map<string, { view: Record<string, unknown>; hash: string }>();
  const views = new Map<string, OpenView>();
  const waiters: (() => void)[] = [];
  let n = 0;
  let tsCounter = 0;
  let responseCounter = 0;
  let expiredPosts = 0;

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const bytes = await readBytes(req);
    const raw = bytes.toString("utf8");
    if (url.pathname.startsWith("/upload/")) {
      // @slack/web-api posts the file as multipart form data (field "body" in v7).
      const id = url.pathname.slice(8);
      const filename = pendingUploads.get(id);
      if (!filename) return send(res, 404, { ok: false, error: "unknown_upload" });
      const form = await new Response(bytes, {
        headers: { "content-type": req.headers["content-type"] ?? "" },
      }).formData();
      let file = Buffer.alloc(0);
      for (const [, value] of form) {
        if (typeof value !== "string") file = Buffer.from(await value.arrayBuffer());
      }
      uploads.push({ id, filename, bytes: file });
      res.writeHead(200, { "content-type": "text/plain" });
      return res.end(`OK - ${file.length}`);
    }
    if (url.pathname.startsWith("/response/expired")) {
      // Slack keeps a response_url for 30 minutes (and 5 posts): after that, 404 and plain text.
      expiredPosts++;
      res.writeHead(404, { "content-type": "text/plain" });
      return res.end("expired_url");
    }
    if (url.pathname.startsWith("/response/")) {
      responses.push({ id: url.pathname.slice(10), body: parseJson(raw), at: Date.now() });
      for (const wake of waiters.splice(0)) wake();
      return send(res, 200, { ok: true });
    }
    if (!url.pathname.startsWith("/api/")) return send(res, 404, { ok: false, error: "not_found" });

    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const method = url.pathname.slice(5);
    const args = parseArgs(raw, req.headers["content-type"]);
    const auth = req.headers.authorization;
    const token = auth?.startsWith("Bearer ") ? auth.slice(7) : (args.token as string | undefined);
    const call: SlackCall = { n: ++n, method, args, token, at: Date.now() };
    calls.push(call);

    if (options.botToken && token !== options.botToken) {
      return send(res, 200, { ok: false, error: "invalid_auth" });
    }
    const fault = options.fault?.(call);
    if (fault?.hang) return; // the connection stays open, unanswered
    if (fault?.drop) return void req.socket.destroy();
    if (fault && fault.after === undefined) {
      if (fault.status === 429) {
        if (fault.retryAfter !== null) res.setHeader("retry-after", String(fault.retryAfter ?? 1));
        return send(res, 429, { ok: false, error: "ratelimited" });
      }
      if (fault.status) return send(res, fault.status, { ok: false, error: "internal_error" });
      return send(res, 200, { ok: false, error: fault.error ?? "fatal_error" });
    }
    // Slack reports the token's scopes on every answer.
    if (options.scopes) res.setHeader("x-oauth-scopes", options.scopes.join(","));
    const body = answer(method, args);
    if (fault?.after === "drop") return void req.socket.destroy();
    if (typeof fault?.after === "number")
      return send(res, fault.after, { ok: false, error: "internal_error" });
    send(res, 200, body);
  });

  function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://fake.slack.com/",
          team: "Fake",
          team_id: "T0FAKE",
          user: "claude-usage",
          user_id: "UBOT",
          bot_id: "BBOT",
        };
      case "users.info": {
        const user = users.find((u) => u.id === args.user);
        return user ? { ok: true, user: slackUser(user) } : { ok: false, error: "user_not_found" };
      }
      case "users.lookupByEmail": {
        const email = String(args.email ?? "").toLowerCase();
        const user = users.find((u) => u.email?.toLowerCase() === email && !u.deleted);
        return user ? { ok: true, user: slackUser(user) } : { ok: false, error: "users_not_found" };
      }
      case "usergroups.list": {
        const groups = (options.groups ?? []).filter(
          (g) => !g.disabled || args.include_disabled === true || args.include_disabled === "true",
        );
        const withUsers = args.include_users === true || args.include_users === "true";
        return {
          ok: true,
          usergroups: groups.map((g) => ({
            id: g.id,
            handle: g.handle,
            name: g.name ?? g.handle,
            date_delete: g.disabled ? 1 : 0,
            ...(g.createdBy ? { created_by: g.createdBy } : {}),
            ...(withUsers ? { users: g.users, user_count: g.users.length } : {}),
          })),
        };
      }
      case "users.list": {
        // Paged by an opaque cursor, as Slack pages it.
        const limit = Math.max(1, Number(args.limit ?? 100));
        const start = args.cursor ? Number(Buffer.from(String(args.cursor), "base64url")) : 0;
        const page = users.slice(start, start + limit);
        const next =
          start + limit < users.length
            ? Buffer.from(String(start + limit)).toString("base64url")
            : "";
        return { ok: true, members: page.map(slackUser), response_metadata: { next_cursor: next } };
      }
      case "usergroups.users.list": {
        const members =
          options.usergroups?.[String(args.usergroup)] ??
          options.groups?.find((g) => g.id === String(args.usergroup))?.users;
        return members ? { ok: true, users: members } : { ok: false, error: "no_such_subteam" };
      }
      case "conversations.open":
        return {
          ok: true,
          channel: { id: `D${String(args.users ?? args.user ?? "").replace(/^U/, "")}` },
        };
      case "conversations.info": {
        const channel = channels.find((c) => c.id === args.channel);
        // A private channel is invisible to a bot that is not in it.
        return channel && !(channel.isPrivate && channel.isMember === false)
          ? {
              ok: true,
              channel: {
                id: channel.id,
                name: channel.name ?? channel.id,
                is_member: channel.isMember ?? true,
                is_private: channel.isPrivate ?? false,
                is_archived: channel.isArchived ?? false,
              },
            }
          : { ok: false, error: "channel_not_found" };
      }
      case "conversations.history": {
        // As in Slack, replies stay in their thread (conversations.replies shows them).
        const list = messages
          .filter((m) => m.channel === args.channel && !m.threadTs)
          .reverse()
          .map((m) => ({
            type: "message",
            ts: m.ts,
            text: m.text,
            metadata: m.metadata,
            bot_id: "BBOT",
          }));
        return { ok: true, messages: list, has_more: false };
      }
      case "conversations.replies": {
        const list = messages
          .filter((m) => m.channel === args.channel && (m.ts === args.ts || m.threadTs === args.ts))
          .map((m) => ({
            type: "message",
            ts: m.ts,
            thread_ts: m.threadTs,
            text: m.text,
            metadata: m.metadata,
            files: m.files,
          }));
        return { ok: true, messages: list, has_more: false };
      }
      case "chat.postMessage": {
        // Posting to a user id posts in the app's DM with them, as Slack does.
        const requested = String(args.channel ?? "");
        const channel = /^[UW]/.test(requested) ? `D${requested.slice(1)}` : requested;
        const known = channels.find((c) => c.id === channel);
        if (channels.length > 0 && channel.startsWith("C") && !known)
          return { ok: false, error: "channel_not_found" };
        if (known && known.isMember === false && channel.startsWith("C"))
          return { ok: false, error: "not_in_channel" };
        // An image block's Slack file must be one whose upload was completed, as Slack checks.
        const sharedIds = new Set(shared.flatMap((s) => s.files.map((f) => f.id)));
        const badFile = slackFileIds(args.blocks).some((id) => !sharedIds.has(id));
        if (badFile)
          return {
            ok: false,
            error: "invalid_blocks",
            errors: ["invalid slack file [json-pointer:/blocks/slack_file]"],
          };
        const ts = `${1_700_000_000 + ++tsCounter}.000100`;
        const message: PostedMessage = {
          channel,
          ts,
          text: args.text,
          blocks: args.blocks,
          metadata: args.metadata,
          threadTs: typeof args.thread_ts === "string" ? args.thread_ts : undefined,
        };
        messages.push(message);
        return { ok: true, channel, ts, message: { ts, text: args.text } };
      }
      case "chat.postEphemeral":
        return { ok: true, message_ts: `${1_700_000_000 + ++tsCounter}.000200` };
      case "views.publish": {
        // Slack keeps one Home view per user; a publish with a stale hash is refused, so that
        // of two racing updates the one based on the latest view wins.
        const user = String(args.user_id ?? "");
        const current = homeViews.get(user);
        if (typeof args.hash === "string" && current && args.hash !== current.hash) {
          return { ok: false, error: "hash_conflict" };
        }
        const hash = `${++tsCounter}.hash`;
        const view = { id: `V${user}`, type: "home", ...(args.view as object), hash };
        homeViews.set(user, { view, hash });
        return { ok: true, view };
      }
      case "views.open": {
        // As in Slack: a trigger_id is needed, and a view is kept under a new id and hash.
        if (typeof args.trigger_id !== "string" || !args.trigger_id)
          return { ok: false, error: "invalid_trigger_id" };
        const view = (args.view ?? {}) as Record<string, unknown>;
        const id = `V${++tsCounter}`;
        const kept = { id, hash: `h${++tsCounter}`, view, userTriggered: args.trigger_id };
        views.set(id, kept);
        return { ok: true, view: { ...view, id, hash: kept.hash } };
      }
      case "views.update": {
        const kept = views.get(String(args.view_id ?? ""));
        if (!kept) return { ok: false, error: "not_found" };
        if (args.hash !== undefined && args.hash !== kept.hash)
          return { ok: false, error: "hash_conflict" };
        kept.view = (args.view ?? {}) as Record<string, unknown>;
        kept.hash = `h${++tsCounter}`;
        return { ok: true, view: { ...kept.view, id: kept.id, hash: kept.hash } };
      }
      case "files.getUploadURLExternal": {
        const id = `F${++tsCounter}`;
        pendingUploads.set(id, String(args.filename ?? ""));
        return { ok: true, upload_url: `${baseUrl}/upload/${id}`, file_id: id };
      }
      case "files.completeUploadExternal": {
        const list = Array.isArray(args.files)
          ? (args.files as { id: string; title?: string }[])
          : [];
        shared.push({
          channel: args.channel_id as string | undefined,
          threadTs: args.thread_ts as string | undefined,
          comment: args.initial_comment as string | undefined,
          files: list.map((f) => ({
            id: f.id,
            title: f.title,
            bytes: uploads.find((u) => u.id === f.id)?.bytes,
          })),
        });
        // Shared files appear as a message in the channel (or thread), as in Slack.
        if (typeof args.channel_id === "string") {
          const ts = `${1_700_000_000 + ++tsCounter}.000100`;
          messages.push({
            channel: args.channel_id,
            ts,
            text: args.initial_comment,
            threadTs: args.thread_ts as string | undefined,
            files: list.map((f) => ({ id: f.id, title: f.title })),
          });
        }
        return { ok: true, files: list.map((f) => ({ id: f.id, title: f.title })) };
      }
      default:
        return { ok: true };
    }
  }

  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}/api/`,
    calls,
    responses,
    messages,
    uploads,
    shared,
    views,
    callsTo: (method) => calls.filter((c) => c.method === method),
    homeViews,
    responseUrl: (id) => `${baseUrl}/response/${id ?? `r${++responseCounter}`}`,
    expiredResponseUrl: () => `${baseUrl}/response/expired-${++responseCounter}`,
    get expiredPosts() {
      return expiredPosts;
    },
    async waitForResponses(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (responses.length < count) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(`expected ${count} response_url posts, got ${responses.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return responses;
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close").catch(() => undefined);
    },
  };
}

function slackUser(u: FakeSlackUser) {
  return {
    id: u.id,
    name: u.name ?? u.id.toLowerCase(),
    real_name: u.name ?? u.id,
    deleted: u.deleted ?? false,
    is_bot: u.is_bot ?? false,
    is_admin: u.isAdmin ?? false,
    tz: u.tz ?? "UTC",
    profile: {
      email: u.email,
      display_name: u.displayName ?? u.name ?? u.id,
      real_name: u.name ?? u.id,
    },
  };
}

/** The file ids of a message's image blocks (`slack_file: { id }`). */
function slackFileIds(blocks: unknown): string[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((b: { type?: unknown; slack_file?: { id?: unknown } }) =>
    b?.type === "image" && typeof b.slack_file?.id === "string" ? [b.slack_file.id] : [],
  );
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readBytes(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(raw: string): Record<string, unknown> {
  try {
    const value = JSON.parse(raw);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return { raw };
  }
}

/** @slack/web-api sends form bodies with JSON-encoded values for arrays and objects. */
function parseArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes("application/json")) return parseJson(raw);
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    out[key] = /^[[{]/.test(value) ? (parseJsonValue(value) ?? value) : value;
  }
  return out;
}

function parseJsonValue(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

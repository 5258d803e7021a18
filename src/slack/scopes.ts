/*
 * Every Slack Web API method the code calls, with the bot scopes it needs. The manifest test
 * checks that each call site in src/ is listed here and that manifest.yml asks for exactly the
 * union of these scopes — no fewer (the call would fail), no more (admins read the list).
 */
export const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  "auth.test": [],
  "users.info": ["users:read", "users:read.email"],
  "users.lookupByEmail": ["users:read.email"],
  "usergroups.users.list": ["usergroups:read"],
  // Teams from user groups (TEAMS_FROM_USERGROUPS): the groups, and their members' emails.
  "usergroups.list": ["usergroups:read"],
  "users.list": ["users:read", "users:read.email"],
  "views.publish": [],
  // The admins' Settings modal.
  "views.open": [],
  "views.update": [],
  // Digests and DMs; chat:write.public posts to public channels the bot has not joined.
  "chat.postMessage": ["chat:write", "chat:write.public"],
  // Crash recovery: find an earlier post (in a DM, opened first) by its metadata.
  "conversations.open": ["im:write"],
  "conversations.history": ["channels:history", "groups:history", "im:history"],
  // …and an earlier chart upload, in the digest's thread.
  "conversations.replies": ["channels:history", "groups:history"],
  // Exports and charts (files.getUploadURLExternal + files.completeUploadExternal).
  "files.uploadV2": ["files:write"],
  // `doctor` and subscribing: does the channel exist, and is the bot in it?
  "conversations.info": ["channels:read", "groups:read"],
};

/** Scopes for features that are not Web API calls. */
export const FEATURE_SCOPES: readonly string[] = [
  // The /claude-usage slash command.
  "commands",
];

export function requiredBotScopes(): string[] {
  return [...new Set([...FEATURE_SCOPES, ...Object.values(METHOD_SCOPES).flat()])].sort();
}

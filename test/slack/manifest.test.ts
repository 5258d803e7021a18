import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMAND } from "../../src/slack/report-messages.js";
import { METHOD_SCOPES, requiredBotScopes } from "../../src/slack/scopes.js";

const root = new URL("../../", import.meta.url).pathname;
const manifest = parse(readFileSync(join(root, "manifest.yml"), "utf8"));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Web API methods called in src/: `client.users.lookupByEmail(`, `.chat.postMessage(`, … */
function calledMethods(): Set<string> {
  const methods = new Set<string>();
  // Any receiver (client, slack, web…): the method families of the Slack Web API.
  const call =
    /\.((?:apps|auth|bots|chat|conversations|dnd|emoji|files|pins|reactions|reminders|team|usergroups|users|views)(?:\.[a-zA-Z]+)+)\(/g;
  for (const file of sourceFiles(join(root, "src"))) {
    for (const match of readFileSync(file, "utf8").matchAll(call))
      if (match[1]) methods.add(match[1]);
  }
  return methods;
}

describe("manifest.yml", () => {
  it("every Web API method the code calls is in the scope table", () => {
    const called = calledMethods();
    expect(called.size).toBeGreaterThan(2);
    for (const method of called)
      expect(
        Object.keys(METHOD_SCOPES),
        `${method} needs an entry in src/slack/scopes.ts`,
      ).toContain(method);
  });

  it("asks for exactly the bot scopes the code needs", () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(requiredBotScopes());
  });

  it("declares the slash command with a usage hint, the App Home, the event and Socket Mode", () => {
    const command = manifest.features.slash_commands[0];
    expect(command.command).toBe(COMMAND);
    expect(command.usage_hint).toContain("last 7 days");
    expect(manifest.features.app_home).toMatchObject({
      home_tab_enabled: true,
      messages_tab_enabled: true,
    });
    expect(manifest.features.bot_user.display_name).toBeTruthy();
    expect(manifest.settings.event_subscriptions.bot_events).toContain("app_home_opened");
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});

import type { App } from "@slack/bolt";
import { registerDigestButtons } from "./actions/digest-buttons.js";
import { registerDmButtons } from "./actions/dm-buttons.js";
import { registerHomeControls } from "./actions/home-controls.js";
import { registerHomeFiles } from "./actions/home-files.js";
import { registerHomeSettings } from "./actions/home-settings.js";
import { registerShareReportAction } from "./actions/share-report.js";
import { registerClaudeUsageCommand } from "./commands/claude-usage.js";
import type { SlackContext } from "./context.js";
import { registerAppHomeOpened } from "./events/app-home-opened.js";
import { registerSettingsView } from "./views/settings.js";

/** Every listener, grouped by Slack surface. */
export function registerListeners(app: App, ctx: SlackContext): void {
  registerClaudeUsageCommand(app, ctx);
  registerShareReportAction(app, ctx);
  registerDigestButtons(app, ctx);
  registerDmButtons(app, ctx);
  registerAppHomeOpened(app, ctx);
  registerHomeControls(app, ctx);
  registerHomeFiles(app, ctx);
  registerHomeSettings(app, ctx);
  registerSettingsView(app, ctx);
}

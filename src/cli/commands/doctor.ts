import { loadConfig } from "../../app/config.js";
import { renderChecks, runDoctor } from "../../app/doctor.js";
import { scrub, secretsFromEnv } from "../../log.js";
import { defineCommand } from "../command.js";
import { EXIT_FAILURE, EXIT_OK } from "../exit-codes.js";
import { clockOf } from "../io.js";

/*
 * No runtime here: a missing admin key or a store that cannot open is a failed check to report,
 * where opening the runtime would stop at the first.
 */
export const doctorCommand = defineCommand({
  name: "doctor",
  takesPeriod: false,
  about:
    "checks the configuration end to end — the admin key is accepted (one API call), the Slack token is valid and has every scope the app uses, the digest channels exist and the bot can post there, the store is writable — and prints a checklist with fixes.",
  options: {},
  settings: [
    "ANTHROPIC_ADMIN_KEY",
    "ANTHROPIC_BASE_URL",
    "SLACK_BOT_TOKEN",
    "SLACK_API_URL",
    "DIGEST_CHANNELS",
    "DATA_DIR",
    "DATABASE_URL",
  ],
  async run(_input, io) {
    const config = loadConfig(io.env);
    const checks = await runDoctor(config, clockOf(io)());
    // Details may hold upstream text: never a secret in them.
    io.stdout(scrub(renderChecks(checks), secretsFromEnv(io.env)));
    return checks.every((c) => c.ok) ? EXIT_OK : EXIT_FAILURE;
  },
});

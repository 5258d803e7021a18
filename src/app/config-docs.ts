import { z } from "zod";
import { configSchema } from "./config.js";

/*
 * Documentation generated from the config schema, so that .env.example and the README's table
 * cannot drift from what the code reads (a test compares them).
 */

export interface ConfigVariable {
  name: string;
  description: string;
  /** The default as the environment would spell it; undefined when there is none. */
  defaultValue: string | undefined;
}

export function configVariables(): ConfigVariable[] {
  return Object.entries(configSchema.shape).map(([name, schema]) => {
    const parsed = z.object({ value: schema }).safeParse({});
    const value = parsed.success ? (parsed.data as { value: unknown }).value : undefined;
    return {
      name,
      description: schema.description ?? "",
      defaultValue:
        value === undefined ||
        (Array.isArray(value) && value.length === 0) ||
        (value instanceof Map && value.size === 0)
          ? undefined
          : String(value),
    };
  });
}

/** The text of .env.example. */
export function renderEnvExample(): string {
  const lines = [
    "# claude-usage configuration. Copy to .env (never commit it) or set in your environment.",
    "# Generated from src/app/config.ts: `npm run --silent env:example > .env.example`.",
    "",
  ];
  for (const v of configVariables()) {
    lines.push(`# ${v.description}`);
    lines.push(v.defaultValue === undefined ? `# ${v.name}=` : `# ${v.name}=${v.defaultValue}`);
    lines.push("");
  }
  return lines.join("\n");
}

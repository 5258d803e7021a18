import { parseArgs } from "node:util";
import { UsageError } from "./errors.js";

/*
 * A command's options as data: from one declaration come node:util's parseArgs configuration,
 * the checks of the values, the usage line and the help text, so none of them can drift.
 */

interface CommonOption {
  short?: string;
  /** What it does, for the help text (the default is added from the declaration). */
  help: string;
}

/** A flag: false unless given. */
export interface BooleanOption extends CommonOption {
  type: "boolean";
}

export interface StringOption extends CommonOption {
  type: "string";
  /** Its value's placeholder in the help text: `--top N`. */
  value: string;
  /** The only values accepted; the usage line shows them instead of the placeholder. */
  choices?: readonly string[];
  default?: string;
  /** The default in words, when there is none to parse or the value says little ("."). */
  defaultText?: string;
}

export type OptionSpec = BooleanOption | StringOption;
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type StringValue<O> = O extends { choices: readonly (infer C extends string)[] } ? C : string;
type OptionValue<O> = O extends { type: "boolean" }
  ? boolean
  : O extends { default: string }
    ? StringValue<O>
    : StringValue<O> | undefined;
export type OptionValues<S extends OptionSpecs> = { [K in keyof S]: OptionValue<S[K]> };

/** Options more than one command takes, declared once. */
export const SHARED_OPTIONS = {
  demo: {
    type: "boolean",
    help: "use a built-in synthetic organisation instead of the API (no key needed)",
  },
  help: { type: "boolean", short: "h", help: "a command's own help: its options and settings" },
  "no-cache": {
    type: "boolean",
    help: "keep days in memory only, not in the store (DATA_DIR or DATABASE_URL): fetch everything again",
  },
} as const satisfies OptionSpecs;

export interface ParsedOptions<S extends OptionSpecs> {
  values: OptionValues<S>;
  positionals: string[];
  /** --help was given: nothing else was checked. */
  help: boolean;
}

/** Throws UsageError with parseArgs's own words ("Unknown option '--bogus'") or the check's. */
export function parseOptions<S extends OptionSpecs>(
  specs: S,
  args: readonly string[],
  allowPositionals: boolean,
): ParsedOptions<S> {
  const all: OptionSpecs = { ...specs, help: SHARED_OPTIONS.help };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals,
      options: Object.fromEntries(
        Object.entries(all).map(([name, spec]) => [name, parseArgsOption(spec)]),
      ),
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const help = values.help === true;
  if (!help) {
    for (const [name, spec] of Object.entries(specs)) {
      const value = values[name];
      if (spec.type === "string" && spec.choices && typeof value === "string") {
        if (!spec.choices.includes(value)) {
          throw new UsageError(
            `--${name} must be one of ${spec.choices.join(", ")}, not "${value}"`,
          );
        }
      }
    }
  }
  // The declaration decided each value's type, and the choices were checked above.
  return { values: values as OptionValues<S>, positionals, help };
}

function parseArgsOption(spec: OptionSpec) {
  const short = spec.short === undefined ? {} : { short: spec.short };
  if (spec.type === "boolean") return { type: "boolean" as const, default: false, ...short };
  const fallback = spec.default === undefined ? {} : { default: spec.default };
  return { type: "string" as const, ...fallback, ...short };
}

/** As in a usage line: `[--top N]`, `[--format text|json|csv|blocks]`, `[--demo]`. */
export function optionUsage(name: string, spec: OptionSpec): string {
  if (spec.type === "boolean") return `[--${name}]`;
  return `[--${name} ${spec.choices ? spec.choices.join("|") : spec.value}]`;
}

/** As in a help text's list: `-f, --format F`. */
export function optionLabel(name: string, spec: OptionSpec): string {
  const short = spec.short === undefined ? "" : `-${spec.short}, `;
  return `${short}--${name}${spec.type === "string" ? ` ${spec.value}` : ""}`;
}

/** Its help, with its default. */
export function optionHelp(spec: OptionSpec): string {
  const fallback = spec.type === "string" ? (spec.defaultText ?? spec.default) : undefined;
  return fallback === undefined ? spec.help : `${spec.help} (default: ${fallback})`;
}

import type { Config } from "../app/config.js";
import { PERIOD_FORMS } from "../usage/periods.js";
import { APP_NAME } from "../version.js";
import {
  type OptionSpec,
  type OptionSpecs,
  optionHelp,
  optionLabel,
  optionUsage,
  SHARED_OPTIONS,
} from "./options.js";

/*
 * The usage and help texts, made from the commands' declarations (command.ts, options.ts).
 */

/** A setting a command reads, as its help names it: `REPORT_TIMEZONE`, or with a note. */
export type SettingMention = keyof Config | `${keyof Config} (${string})`;

/** What the usage and help texts are made of. */
export interface CommandInfo {
  /** As typed after the program's name: "report", "digest run". */
  name: string;
  /** Takes a period ("last 7 days", quoted or not) after its name. */
  takesPeriod: boolean;
  /** What it does: one paragraph, starting in lower case after "name: ". */
  about: string;
  options: OptionSpecs;
  settings: readonly SettingMention[];
}

const WIDTH = 100;

export const ABOUT =
  "Reports Claude Code usage of your Anthropic organisation (Claude Code Analytics Admin API).";

export function periodHelp(): string {
  return PERIOD_FORMS.map((f) => `  ${f.form.padEnd(52)} e.g. ${f.example}`).join("\n");
}

/** `claude-usage report [period] [--format text|json|csv|blocks] …` (the README lists these). */
export function usageLine(command: CommandInfo): string {
  return [
    APP_NAME,
    command.name,
    ...(command.takesPeriod ? ["[period]"] : []),
    ...Object.entries(command.options).map(([name, spec]) => optionUsage(name, spec)),
  ].join(" ");
}

/** `claude-usage help`: every command, its own options, the shared ones, periods and settings. */
export function usageText(commands: readonly CommandInfo[]): string {
  const shared = new Set<OptionSpec>(Object.values(SHARED_OPTIONS));
  const own = (command: CommandInfo) =>
    Object.entries(command.options).filter(([, spec]) => !shared.has(spec));
  const sharedOptions = Object.entries(SHARED_OPTIONS).map(([name, spec]): Entry => {
    const users = commands.filter((c) => Object.values(c.options).includes(spec));
    // --help is every command's; the others say whose they are.
    const whose = users.length > 0 ? ` (${users.map((c) => c.name).join(", ")})` : "";
    return [name, { ...spec, help: `${spec.help}${whose}` }];
  });
  const column = labelColumn([...commands.flatMap(own), ...sharedOptions]);
  const sections = [
    [
      "Usage:",
      ...commands.map((c) => `  ${usageLine(c)}`),
      `  ${APP_NAME} help [command]`,
      `  ${APP_NAME} --version`,
    ].join("\n"),
    ABOUT,
    ...commands.map((c) =>
      [wrap(`${c.name}: ${c.about}`), ...optionLines(own(c), column)].join("\n"),
    ),
    ["Shared options:", ...optionLines(sharedOptions, column)].join("\n"),
    `Periods:\n${periodHelp()}`,
    settingsLine(commands.flatMap((c) => c.settings)),
  ];
  return `${sections.join("\n\n")}\n`;
}

/** `claude-usage <command> --help`: its usage line, what it does, every option it takes. */
export function commandHelp(command: CommandInfo): string {
  const options: Entry[] = [...Object.entries(command.options), ["help", SHARED_OPTIONS.help]];
  const sections = [
    `Usage: ${usageLine(command)}`,
    wrap(`${command.name}: ${command.about}`),
    ["Options:", ...optionLines(options, labelColumn(options))].join("\n"),
    ...(command.takesPeriod ? [`Periods:\n${periodHelp()}`] : []),
    settingsLine(command.settings),
  ];
  return `${sections.join("\n\n")}\n`;
}

type Entry = [name: string, spec: OptionSpec];

/** Where the options' help starts: two spaces after the longest label. */
function labelColumn(entries: readonly Entry[]): number {
  return Math.max(0, ...entries.map(([name, spec]) => optionLabel(name, spec).length)) + 2;
}

function optionLines(entries: readonly Entry[], column: number): string[] {
  return entries.map(([name, spec]) =>
    wrap(optionHelp(spec), `  ${optionLabel(name, spec).padEnd(column)}`),
  );
}

/** Each setting named once (its first mention, note included), in order. */
function settingsLine(mentions: readonly SettingMention[]): string {
  const byName = new Map<string, SettingMention>();
  for (const mention of mentions) {
    const name = mention.split(" ")[0] ?? mention;
    if (!byName.has(name)) byName.set(name, mention);
  }
  return wrap(`Environment: ${[...byName.values()].join(", ")} (see README).`);
}

/** `text` in lines of at most WIDTH, after `prefix`; later lines indented as far. */
function wrap(text: string, prefix = ""): string {
  const indent = " ".repeat(prefix.length);
  const lines: string[] = [];
  let line = prefix;
  for (const word of text.split(" ")) {
    const atStart = line.length === (lines.length === 0 ? prefix : indent).length;
    if (!atStart && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent + word;
    } else {
      line += atStart ? word : ` ${word}`;
    }
  }
  lines.push(line);
  return lines.join("\n");
}

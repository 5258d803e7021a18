import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/app/config.js";
import type { CommandInfo } from "../../src/cli/command.js";
import { commandHelp, usageLine, usageText } from "../../src/cli/help.js";
import { optionHelp, optionLabel, SHARED_OPTIONS } from "../../src/cli/options.js";
import { COMMANDS, USAGE } from "../../src/cli/run.js";
import { PERIOD_FORMS } from "../../src/usage/periods.js";

/** The text with its line breaks and alignment as single spaces: wrapping does not matter. */
const flat = (text: string) => text.replace(/\s+/g, " ");
const entries = (command: CommandInfo) => Object.entries(command.options);

describe("the usage text (claude-usage help)", () => {
  it("has every command's usage line, with every option it takes", () => {
    expect(USAGE).toBe(usageText(COMMANDS));
    expect(USAGE).toMatch(/^Usage:\n/);
    for (const command of COMMANDS) {
      expect(USAGE).toContain(`\n  ${usageLine(command)}\n`);
      for (const [name] of entries(command)) expect(usageLine(command)).toContain(`[--${name}`);
    }
    expect(usageLine(COMMANDS[0] as CommandInfo)).toBe(
      "claude-usage report [period] [--format text|json|csv|blocks] [--top N] [--team NAME] [--no-compare] [--demo] [--no-cache]",
    );
  });

  it("describes every option with its help and default, shared ones once", () => {
    for (const command of COMMANDS) {
      expect(flat(USAGE)).toContain(flat(`${command.name}: ${command.about}`));
      for (const [name, spec] of entries(command)) {
        expect(flat(USAGE)).toContain(flat(`${optionLabel(name, spec)} ${optionHelp(spec)}`));
      }
    }
    expect(flat(USAGE)).toContain(
      "--top N people in the text leaderboard, 1 to 1000 (default: 10)",
    );
    expect(flat(USAGE)).toContain("(default: the current directory)");
    for (const [name, spec] of Object.entries(SHARED_OPTIONS)) {
      expect(flat(USAGE).split(flat(`${optionLabel(name, spec)} ${spec.help}`))).toHaveLength(2);
    }
    expect(flat(USAGE)).toContain("(report, teams, seats, export, digest run)");
  });

  it("lists the periods and the settings, none of them unknown", () => {
    for (const form of PERIOD_FORMS) expect(USAGE).toContain(form.form);
    const settings = COMMANDS.flatMap((c) => c.settings.map((s) => s.split(" ")[0] ?? s));
    for (const name of settings) {
      expect(Object.keys(configSchema.shape)).toContain(name);
      expect(USAGE).toContain(name);
    }
  });

  it("fits 100 columns", () => {
    const help = [USAGE, ...COMMANDS.map(commandHelp)].join("\n");
    // The usage lines are one line each (README, CLI).
    const long = help.split("\n").filter((l) => l.length > 100 && !l.includes("claude-usage "));
    expect(long).toEqual([]);
  });
});

describe("a command's help (claude-usage <command> --help)", () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))("%s: every option with its help", (_, c) => {
    const help = commandHelp(c);
    expect(help.startsWith(`Usage: ${usageLine(c)}\n`)).toBe(true);
    for (const [name, spec] of [...entries(c), ["help", SHARED_OPTIONS.help] as const]) {
      expect(flat(help)).toContain(flat(`${optionLabel(name, spec)} ${optionHelp(spec)}`));
    }
    expect(help.includes("Periods:")).toBe(c.takesPeriod);
    for (const setting of c.settings) expect(flat(help)).toContain(setting);
  });
});

describe("README", () => {
  it("its CLI section lists every command's usage line as generated", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const cli = readme.slice(readme.indexOf("## CLI"));
    const block = cli.slice(
      cli.indexOf("```\n") + 4,
      cli.indexOf("\n```", cli.indexOf("```\n") + 4),
    );
    expect(block.split("\n")).toEqual(COMMANDS.map(usageLine));
  });
});

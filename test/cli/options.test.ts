import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/cli/errors.js";
import {
  optionHelp,
  optionLabel,
  optionUsage,
  parseOptions,
  SHARED_OPTIONS,
} from "../../src/cli/options.js";

const specs = {
  format: {
    type: "string",
    short: "f",
    value: "F",
    choices: ["text", "json"],
    default: "text",
    help: "the output",
  },
  date: { type: "string", value: "YYYY-MM-DD", defaultText: "today", help: "the date" },
  quiet: { type: "boolean", help: "say less" },
  demo: SHARED_OPTIONS.demo,
} as const;

describe("parseOptions", () => {
  it("gives every option its declared default: booleans false, strings theirs or undefined", () => {
    expect(parseOptions(specs, [], false)).toEqual({
      values: { format: "text", quiet: false, demo: false, help: false },
      positionals: [],
      help: false,
    });
  });

  it("reads long and short forms, and positionals when allowed", () => {
    const parsed = parseOptions(specs, ["last", "-f", "json", "7", "--quiet", "days"], true);
    expect(parsed.values).toMatchObject({ format: "json", quiet: true });
    expect(parsed.positionals).toEqual(["last", "7", "days"]);
  });

  it.each([
    [["--format", "xml"], '--format must be one of text, json, not "xml"'],
    [["--bogus"], "Unknown option '--bogus'"],
    [["--date"], "Option '--date <value>' argument missing"],
    [["--quiet=yes"], "Option '--quiet' does not take an argument"],
    [["extra"], "Unexpected argument 'extra'"],
  ])("refuses %j with a UsageError", (args, message) => {
    const parse = () => parseOptions(specs, args, false);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });

  it("--help (or -h) is every command's, and nothing else is checked then", () => {
    expect(parseOptions(specs, ["--format", "xml", "-h"], false).help).toBe(true);
    expect(parseOptions({}, ["--help"], false).help).toBe(true);
  });
});

describe("an option's texts", () => {
  it("usage, label and help come from its declaration", () => {
    expect(optionUsage("format", specs.format)).toBe("[--format text|json]");
    expect(optionUsage("date", specs.date)).toBe("[--date YYYY-MM-DD]");
    expect(optionUsage("quiet", specs.quiet)).toBe("[--quiet]");
    expect(optionLabel("format", specs.format)).toBe("-f, --format F");
    expect(optionLabel("quiet", specs.quiet)).toBe("--quiet");
    expect(optionHelp(specs.format)).toBe("the output (default: text)");
    expect(optionHelp(specs.date)).toBe("the date (default: today)");
    expect(optionHelp(specs.quiet)).toBe("say less");
  });
});

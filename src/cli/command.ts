import { EXIT_OK } from "./exit-codes.js";
import { type CommandInfo, commandHelp } from "./help.js";
import type { CliIo } from "./io.js";
import { type OptionSpecs, type OptionValues, parseOptions } from "./options.js";

export type { CommandInfo, SettingMention } from "./help.js";

export interface Command extends CommandInfo {
  /**
   * Runs it on the words after its name. Bad usage throws UsageError before anything is opened;
   * other failures throw their own errors (see errors.ts for their words and exit codes).
   */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** A command from its declaration; `run` gets its options parsed, checked and typed. */
export function defineCommand<const S extends OptionSpecs>(
  definition: Omit<CommandInfo, "options"> & {
    options: S;
    run(input: { values: OptionValues<S>; period: string }, io: CliIo): Promise<number>;
  },
): Command {
  const { name, takesPeriod, about, options, settings } = definition;
  const command: Command = {
    name,
    takesPeriod,
    about,
    options,
    settings,
    async run(args, io) {
      const { values, positionals, help } = parseOptions(options, args, takesPeriod);
      if (help) {
        io.stdout(commandHelp(command));
        return EXIT_OK;
      }
      // "last 7 days" arrives as three words when not quoted.
      return definition.run({ values, period: positionals.join(" ") }, io);
    },
  };
  return command;
}

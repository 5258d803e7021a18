import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadExport } from "../../reports/export.js";
import { defineCommand } from "../command.js";
import { EXIT_OK } from "../exit-codes.js";
import { SHARED_OPTIONS } from "../options.js";
import { configAndPeriod, withRuntime } from "../runtime.js";
import { REPORT_SETTINGS } from "./report.js";

export const exportCommand = defineCommand({
  name: "export",
  takesPeriod: true,
  about:
    "writes two CSV files into the --out directory — one row per person and day, and a summary per person — the same files /claude-usage export sends in Slack.",
  options: {
    out: {
      type: "string",
      value: "DIR",
      default: ".",
      defaultText: "the current directory",
      help: "the directory to write the files into, made if missing",
    },
    demo: SHARED_OPTIONS.demo,
    "no-cache": SHARED_OPTIONS["no-cache"],
  },
  settings: REPORT_SETTINGS,
  async run({ values, period: periodText }, io) {
    const { config, now, period } = configAndPeriod(io, periodText);
    const { files, comment } = await withRuntime(
      config,
      io,
      { demo: values.demo, now, cache: !values["no-cache"] },
      (r) => loadExport(r.loader, period, { now: now(), teams: r.teams }),
    );
    await mkdir(values.out, { recursive: true });
    const lines = [comment];
    for (const file of files) {
      const path = join(values.out, file.filename);
      await writeFile(path, file.content, "utf8");
      lines.push(`  wrote ${path}`);
    }
    io.stdout(`${lines.join("\n")}\n`);
    return EXIT_OK;
  },
});

import { runCli } from "../../src/cli/run.js";

/** Run the CLI in-process, capturing what it writes. */
export async function runCliCaptured(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
  now?: Date,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    env,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    now: now ? () => now : undefined,
  });
  return { code, stdout, stderr };
}

/** What a CLI command reads and writes: the process's own in src/cli.ts, captured in tests. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now?: () => Date;
  /** Whether stderr is a terminal: then long reports show their progress there. */
  progress?: boolean;
}

export function clockOf(io: CliIo): () => Date {
  return io.now ?? (() => new Date());
}

import { execFile, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/*
 * A PostgreSQL of a test's own, for tests that stop and start the server (which the shared
 * TEST_DATABASE_URL instance must not be): initdb into a temp dir, listening on a free port on
 * 127.0.0.1, unix sockets in that dir. initdb and postgres refuse to run as root, so as root they
 * run as the `postgres` OS user. `postgresSkipReason()` says why it cannot run here, if it cannot.
 */

const exec = promisify(execFile);

export interface ThrowawayPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication: no password). */
  url: string;
  port: number;
  /** `pg_ctl stop -m fast`: connections are terminated, as in a restart or a failover. */
  stop(): Promise<void>;
  /** Start it again on the same port and data. */
  start(): Promise<void>;
  /** Stop it (if running) and delete its files. */
  remove(): Promise<void>;
}

interface Setup {
  bin: string;
  /** Run as this OS user (when we are root), else as ourselves. */
  user?: { name: string; uid: number; gid: number } | undefined;
}

let setup: Setup | string | undefined;

/** Why a throwaway PostgreSQL cannot be started here, or undefined when it can. */
export function postgresSkipReason(): string | undefined {
  const found = findSetup();
  return typeof found === "string" ? found : undefined;
}

function findSetup(): Setup | string {
  setup ??= detect();
  return setup;
}

function detect(): Setup | string {
  const bin = findBinDir();
  if (!bin) {
    return "no PostgreSQL server binaries (initdb, pg_ctl) found in PG_BIN, /usr/lib/postgresql/*/bin or PATH";
  }
  if (process.getuid?.() !== 0) return { bin };
  // As root: initdb refuses, so run everything as the postgres user.
  const uid = idOf("-u");
  const gid = idOf("-g");
  if (uid === undefined || gid === undefined) {
    return "running as root and there is no `postgres` OS user to run initdb as";
  }
  if (spawnSync("runuser", ["--help"]).error) return "running as root and runuser is missing";
  return { bin, user: { name: "postgres", uid, gid } };
}

function idOf(flag: "-u" | "-g"): number | undefined {
  const result = spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  const id = Number(result.stdout.trim());
  return result.status === 0 && Number.isInteger(id) ? id : undefined;
}

function findBinDir(): string | undefined {
  const has = (dir: string) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl"));
  const candidates: string[] = [];
  if (process.env.PG_BIN) candidates.push(process.env.PG_BIN);
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => join(root, v, "bin")));
  }
  for (const dir of (process.env.PATH ?? "").split(":")) if (dir) candidates.push(dir);
  return candidates.find(has);
}

/** initdb, then start. Throws (with the server log) if it does not come up. */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const found = findSetup();
  if (typeof found === "string") throw new Error(`cannot start a throwaway PostgreSQL: ${found}`);
  const { bin, user } = found;
  const dir = mkdtempSync(join(tmpdir(), "claude-usage-pg-"));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  const port = await freePort();

  const run = async (tool: string, args: string[]) => {
    const [file, argv] = user
      ? ["runuser", ["-u", user.name, "--", join(bin, tool), ...args]]
      : [join(bin, tool), args];
    try {
      await exec(file, argv, { cwd: dir, timeout: 60_000 });
    } catch (error) {
      const serverLog = existsSync(log) ? readFileSync(log, "utf8").slice(-2000) : "";
      throw new Error(`${tool} ${args[0] ?? ""} failed: ${(error as Error).message}\n${serverLog}`);
    }
  };
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`;
  let running = false;
  const start = async () => {
    await run("pg_ctl", ["start", "-D", data, "-l", log, "-w", "-t", "30", "-o", options]);
    running = true;
  };
  const stop = async () => {
    await run("pg_ctl", ["stop", "-D", data, "-m", "fast", "-w", "-t", "30"]);
    running = false;
  };

  await run("initdb", ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8"]);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    async remove() {
      if (running) await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A port nothing listens on right now (and, once closed, a port that refuses connections). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

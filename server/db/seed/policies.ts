import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { isPolicyFile, type PolicyFile } from "@/server/core/policy";

/** The demo organization's policies: the YAML files in the repository's policies/ folder. */
export const demoPolicyDirectory = path.resolve(import.meta.dirname, "../../../policies");

export function readPolicyDirectory(dir: string): PolicyFile[] {
  return readdirSync(dir)
    .filter(isPolicyFile)
    .sort()
    .map((f) => ({ path: f, source: readFileSync(path.join(dir, f), "utf8") }));
}

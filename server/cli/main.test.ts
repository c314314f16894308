import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import type { Io } from "./command";
import { main } from "./main";

async function clearance(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), now: () => new Date(0) };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Every `clearance <group> <command>` the top-level help lists, read from the help itself. */
async function listedCommands() {
  const { stdout } = await clearance("--help");
  const commands = [...stdout.matchAll(/^ {2}clearance (\w+) ([\w-]+)/gm)].map((m) => [m[1]!, m[2]!] as const);
  const groups = [...stdout.matchAll(/^ {2}(\w+) {2,}\S/gm)].map((m) => m[1]!);
  return { commands, groups };
}

describe("clearance --help after every command", () => {
  it("lists every group and its commands", async () => {
    const { commands, groups } = await listedCommands();
    expect(groups).toEqual(["policy", "audit", "admin", "config"]);
    expect(commands).toEqual(
      expect.arrayContaining([
        ["policy", "eval"],
        ["policy", "explain-db"],
        ["audit", "verify"],
        ["audit", "checkpoint"],
        ["admin", "grant"],
        ["admin", "revoke"],
        ["config", "export"],
        ["config", "import"],
      ]),
    );
    expect(commands.length).toBeGreaterThanOrEqual(11);
  });

  it("prints a group's usage after the group, with --help, -h and help", async () => {
    const { groups } = await listedCommands();
    for (const group of groups)
      for (const flag of ["--help", "-h", "help"]) {
        const r = await clearance(group, flag);
        expect(r, `clearance ${group} ${flag}`).toMatchObject({ code: 0, stderr: "" });
        expect(r.stdout).toMatch(new RegExp(`^Usage: clearance ${group} `));
      }
  });

  it("prints each command's usage after the command, alone or after its arguments", async () => {
    const { commands } = await listedCommands();
    for (const [group, name] of commands)
      for (const argv of [
        [group, name, "--help"],
        [group, name, "-h"],
        [group, name, "some-dir", "--json", "--help"],
      ]) {
        const r = await clearance(...argv);
        expect(r, `clearance ${argv.join(" ")}`).toMatchObject({ code: 0, stderr: "" });
        // The usage paragraph names the command; more text (flags, output, exit codes) follows.
        const [usage, ...more] = r.stdout.split("\n\n");
        expect(usage!.startsWith("Usage: ")).toBe(true);
        expect(usage).toMatch(new RegExp(`clearance ${group} ${name}( |\\n|$)`));
        expect(more.join("").trim()).not.toBe("");
      }
  });

  it("exits 0 with usage for `audit verify --help` as a real process", { timeout: 120_000 }, async () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const { stdout } = await promisify(execFile)(process.execPath, ["bin/clearance.mjs", "audit", "verify", "--help"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" },
    });
    expect(stdout).toMatch(/^Usage: clearance audit verify/);
  });
});

describe("bad flags exit 2 naming the flag", () => {
  it.each([
    [["policy", "eval", "policies", "--verbose"], "unknown flag --verbose (see clearance policy eval --help)"],
    [["policy", "lint", "policies", "-x"], "unknown flag -x (see clearance policy lint --help)"],
    [["policy", "lint", "policies", "--constructor"], "unknown flag --constructor"],
    [["audit", "verify", "--verbose"], "unknown flag --verbose (see clearance audit verify --help)"],
    [["audit", "checkpoint", "now"], "audit checkpoint takes no arguments, but got now"],
    [["policy", "eval", "policies", "--identities"], "--identities needs a value (FILE)"],
    [["policy", "eval", "policies", "--identities", "--json"], "--identities needs a value (FILE)"],
    [["policy", "eval", "policies", "--identities="], "--identities needs a value (FILE)"],
    [["policy", "lint", "policies", "--json=yes"], "--json takes no value"],
    [["policy", "lint", "policies", "--json", "--json"], "--json is given twice"],
    [["policy", "eval", "policies"], "policy eval needs --identities FILE"],
    [["policy", "graph"], "policy graph needs DIR"],
    [["policy", "graph", "a", "b"], "policy graph takes DIR, but got 2 arguments (a b)"],
    [["policy"], "policy needs a command (lint, test, eval"],
    [["audit"], "audit needs a command (verify, checkpoint)"],
    [["audit", "rewrite"], 'unknown command "audit rewrite" (commands: verify, checkpoint)'],
    [["--verbose"], "unknown flag --verbose"],
  ])("clearance %j", async (argv, message) => {
    const r = await clearance(...argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr.startsWith("clearance: ")).toBe(true);
    expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it("reads values after -- as arguments, not flags", async () => {
    const r = await clearance("policy", "graph", "--", "--no-such-dir");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("cannot read directory --no-such-dir");
  });
});

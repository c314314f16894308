import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { namedPeople } from "@/server/db/seed/people";
import { seedAliases, seedResources, seedSystems } from "@/server/db/seed/catalog";

/**
 * The `clearance` command, run for real: a child process through bin/clearance.mjs, against
 * the demo policies in policies/ and the fixtures in test/fixtures/cli/.
 */
const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "bin/clearance.mjs");
const fixtures = "test/fixtures/cli";
const people = "policies/examples/identities.json";
const peopleCsv = "policies/examples/identities.csv";
const config = "policies/examples/config.yaml";
const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function clearance(...args: string[]): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (typeof e.code !== "number") throw err;
    return { code: e.code, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

const json = <T = unknown>(r: Result): T => {
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
};

type Grants = Record<string, { resource: string; level: string | null; via: string[] }[]>;

const temps: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "clearance-cli-"));
  temps.push(dir);
  return dir;
};
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

const demoPolicyNames = () =>
  readdirSync(path.join(root, "policies"))
    .filter((f) => f.endsWith(".yaml") && !f.endsWith(".test.yaml"))
    .map((f) => /^name:\s*(\S+)/m.exec(readFileSync(path.join(root, "policies", f), "utf8"))![1]!);

describe.concurrent("clearance CLI", { timeout: 120_000 }, () => {
  it("prints help for the command and the policy group, naming every command", async () => {
    const top = await clearance("--help");
    const policy = await clearance("policy", "--help");
    const evalHelp = await clearance("policy", "eval", "--help");
    for (const r of [top, policy, evalHelp]) expect(r.code).toBe(0);
    for (const name of ["lint", "test", "eval", "explain", "preview", "graph"]) {
      expect(top.stdout).toContain(`clearance policy ${name} `);
      expect(policy.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    }
    expect(evalHelp.stdout).toContain(
      "Usage: clearance policy eval DIR --identities FILE [--at ISO-TIME] [--config FILE]",
    );
  });

  it("runs as `npx clearance` from the repository root", { timeout: 120_000 }, async () => {
    const { stdout } = await run("npx", ["--offline", "clearance", "policy", "--help"], { cwd: root });
    expect(stdout).toContain("Usage: clearance policy <command>");
  });

  describe.concurrent("eval", () => {
    it("prints every identity as a key, with Sarah Chen's grants and their policy paths", async () => {
      const out = json<Grants>(
        await clearance("policy", "eval", "policies", "--identities", people, "--at", "2026-11-22T12:00:00Z"),
      );
      expect(Object.keys(out)).toEqual(namedPeople.map((p) => p.externalId));
      const sarah = out["sarah.chen"]!;
      for (const g of sarah) expect(Object.keys(g)).toEqual(["resource", "level", "via"]);
      expect(sarah.map((g) => (g.level ? `${g.resource} (${g.level})` : g.resource))).toEqual([
        "gitlab:group:customer-solutions (reporter)",
        "google:account:workspace",
        "google:drive:sales-shared-drive",
        "google:group:sales@company.com",
        "notion:space:company-handbook (read)",
        "notion:space:sales-playbooks (read)",
        "notion:space:technical-docs (read)",
        "okta:group:base-employee-group",
        "okta:group:sales-team",
        "salesforce:license:user",
        "salesforce:profile:sales-engineer (standard)",
        "slack:channel:#customer-success (member)",
        "slack:channel:#engineering-general (guest)",
        "slack:channel:#sales-team (member)",
        "slack:workspace:company (member)",
      ]);
      const via = Object.fromEntries(sarah.map((g) => [g.resource, g.via]));
      expect(via["salesforce:profile:sales-engineer"]).toEqual(["sales-engineer-access"]);
      expect(via["salesforce:license:user"]).toEqual(["sales-team-access"]);
      expect(via["google:account:workspace"]).toEqual(["base-employee-access"]);
      expect(sarah.find((g) => g.resource === "google:account:workspace")!.level).toBeNull();
      // Not Active: a key with nothing.
      expect(out["emp_tom_345"]).toEqual([]);
    });

    it("evaluates tenure_days at --at: a new DBA gets the production database on day 90, not before", async () => {
      const at = (t: string) =>
        clearance("policy", "eval", "policies", "--identities", `${fixtures}/new-dba.json`, "--at", t);
      const before = json<Grants>(await at("2026-12-29T23:59:59Z"))["new.dba"]!;
      const after = json<Grants>(await at("2026-12-30"))["new.dba"]!;
      expect(before.map((g) => g.resource)).not.toContain("postgres:role:prod_rw");
      expect(before.map((g) => g.resource)).toContain("github:org:engineering");
      expect(after.find((g) => g.resource === "postgres:role:prod_rw")).toEqual({
        resource: "postgres:role:prod_rw",
        level: null,
        via: ["production-database-access"],
      });
    });

    it("gives the same result for the CSV and the JSON file of the same people, and detects CSV by content (either training separator)", async () => {
      const args = ["policy", "eval", "policies", "--at", "2026-11-22", "--config", config, "--identities"];
      const dir = tempDir();
      const noExtension = path.join(dir, "people.txt");
      // No extension, and trainings separated by | instead of ;
      writeFileSync(noExtension, readFileSync(path.join(root, peopleCsv), "utf8").replaceAll(";", "|"));
      const [fromJson, fromCsv, sniffed] = await Promise.all([
        clearance(...args, people),
        clearance(...args, peopleCsv),
        clearance(...args, noExtension),
      ]);
      const expected = json<Grants>(fromJson);
      expect(Object.keys(expected)).toHaveLength(namedPeople.length);
      expect(expected["kenji.tanaka"]!.map((g) => g.resource)).toContain("postgres:role:prod_rw");
      expect(json(fromCsv)).toEqual(expected);
      expect(json(sniffed)).toEqual(expected);
    });
  });

  it("reads groups from the identities file like trainings (CSV with ; or |, JSON lists) for groups: { includes } policies", async () => {
    const dir = tempDir();
    cpSync(path.join(root, "policies"), path.join(dir, "policies"), { recursive: true });
    writeFileSync(
      path.join(dir, "policies", "platform-oncall-access.yaml"),
      "name: platform-oncall-access\nwhen:\n  - groups: { includes: [platform-oncall] }\ngrants:\n  - okta:group:sales-team\n",
    );
    const header = "id,name,department,employment_status,groups";
    writeFileSync(
      path.join(dir, "people.csv"),
      `${header}\nana.oncall,Ana,Engineering,Active,engineering-all;Platform-OnCall\nben.dev,Ben,Engineering,Active,engineering-all|qa\n`,
    );
    const r = await clearance(
      "policy",
      "eval",
      path.join(dir, "policies"),
      "--identities",
      path.join(dir, "people.csv"),
      "--at",
      "2026-11-22",
    );
    const grants = json<Grants>(r);
    expect(grants["ana.oncall"]!.find((g) => g.resource === "okta:group:sales-team")?.via).toEqual([
      "platform-oncall-access",
    ]);
    expect(grants["ben.dev"]!.map((g) => g.resource)).not.toContain("okta:group:sales-team");
  });

  describe.concurrent("explain", () => {
    const explain = (identity: string, resource: string, ...more: string[]) =>
      clearance(
        "policy",
        "explain",
        "policies",
        "--identities",
        people,
        "--identity",
        identity,
        "--resource",
        resource,
        "--at",
        "2026-11-22",
        ...more,
      );

    it("says why: the grant, its level and the chain of policies", async () => {
      const r = await explain("sarah.chen", "salesforce:license:user");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("sarah.chen HAS salesforce:license:user");
      expect(r.stdout).toContain("via sales-team-access (matches and grants it)");

      // A Solutions Architect still in Sales: engineering-team-access does not match her, but
      // solutions-architect-access inherits it, so the chain names both.
      const file = path.join(tempDir(), "architect.json");
      writeFileSync(
        file,
        JSON.stringify([
          { id: "sa", department: "Sales", job_title: "Solutions Architect", employment_status: "Active" },
        ]),
      );
      const chain = await clearance(
        "policy",
        "explain",
        "policies",
        "--identities",
        file,
        "--identity",
        "sa",
        "--resource",
        "github:org:engineering",
      );
      expect(chain.code).toBe(0);
      expect(chain.stdout).toContain("sa HAS github:org:engineering (read)");
      expect(chain.stdout).toContain(
        "via solutions-architect-access → engineering-team-access (solutions-architect-access matches; it inherits engineering-team-access, which grants it)",
      );
      expect(chain.stdout).toContain("at policies/engineering-team-access.yaml:1");
    });

    it("says why not: each granting policy's first failing condition, with the actual and required value", async () => {
      const r = await explain("alice.moreno", "postgres:role:prod_rw");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("alice.moreno does NOT have postgres:role:prod_rw");
      expect(r.stdout).toContain("✗ production-database-access gives postgres:role:prod_rw: does not match");
      expect(r.stdout).toContain("policies/production-database-access.yaml:9");
      expect(r.stdout).toContain("required: trainings includes [prod-db-access, data-handling]");
      expect(r.stdout).toContain("actual:   trainings = [security-101, prod-access-2024]");

      const sarah = await explain("sarah.chen", "postgres:role:prod_rw");
      expect(sarah.stdout).toContain("required: department in [Engineering, Platform, SRE]");
      expect(sarah.stdout).toContain("actual:   department = Sales");
    });

    it("names the deny policy that takes a grant away, and prints the raw explanation with --json", async () => {
      const r = await explain("victor.hale", "aws:role:prod-readonly");
      expect(r.stdout).toContain("victor.hale does NOT have aws:role:prod-readonly");
      expect(r.stdout).toContain("denied by no-production-for-contractors");
      const e = json<{
        granted: unknown;
        deniedBy: string[];
        sources: { via: string[]; failed: { attribute: string; actual: unknown } | null }[];
      }>(await explain("sarah.chen", "postgres:role:prod_rw", "--json"));
      expect(e.granted).toBeNull();
      expect(e.sources[0]!.via).toEqual(["production-database-access"]);
      expect(e.sources[0]!.failed).toMatchObject({ attribute: "department", actual: "Sales" });
    });
  });

  it("previews the impact of a changed copy of the policies: counts, then who gains, loses and changes what", async () => {
    const dir = tempDir();
    cpSync(path.join(root, "policies"), dir, {
      recursive: true,
      filter: (src) => !src.includes("examples") && !src.endsWith(".test.yaml"),
    });
    rmSync(path.join(dir, "vpn-for-remote-locations.yaml"));
    const se = path.join(dir, "sales-engineer-access.yaml");
    writeFileSync(se, readFileSync(se, "utf8").replace("level: reporter", "level: developer"));
    writeFileSync(
      path.join(dir, "finance-auditors.yaml"),
      "name: finance-auditors\nwhen:\n  - job_title: Internal Auditor\ngrants:\n  - aws:role:security-audit-readonly\n",
    );

    const args = [
      "policy",
      "preview",
      "policies",
      dir,
      "--identities",
      people,
      "--at",
      "2026-11-22",
      "--config",
      config,
    ];
    const impact = json<{
      gains: number;
      losses: number;
      levelChanges: number;
      evaluated: number;
      people: { identity: string }[];
    }>(await clearance(...args, "--json"));
    // vpn-users: amara (London), bob (Berlin), jane (Austin), victor (Remote) lose it; priya and omar keep it through it-administration.
    expect({
      gains: impact.gains,
      losses: impact.losses,
      levelChanges: impact.levelChanges,
      evaluated: impact.evaluated,
    }).toEqual({
      gains: 1,
      losses: 4,
      levelChanges: 1,
      evaluated: namedPeople.length,
    });
    expect(impact.people.map((p) => p.identity).sort()).toEqual([
      "amara.nwosu",
      "bob.lindqvist",
      "grace.liu",
      "jane.smith",
      "sarah.chen",
      "victor.hale",
    ]);

    const text = await clearance(...args);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(
      "6 people affected: 1 grant gained (1 person), 4 grants lost (4 people), 1 level change (1 person)",
    );
    expect(text.stdout).toContain("+ grace.liu gains aws:role:security-audit-readonly via finance-auditors");
    expect(text.stdout).toContain("- jane.smith loses ldap:group:vpn-users (was via vpn-for-remote-locations)");
    expect(text.stdout).toContain("~ sarah.chen: gitlab:group:customer-solutions level reporter → developer");
    expect(text.stdout).toContain("vpn-for-remote-locations.yaml (removed)");
  });

  it("prints the inheritance graph as Mermaid with every policy", async () => {
    const r = await clearance("policy", "graph", "policies");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("flowchart BT");
    const names = demoPolicyNames();
    expect(names.length).toBeGreaterThan(10);
    const labels = [...r.stdout.matchAll(/^ {2}(p\d+)\["([a-z0-9-]+)( \(deny\))?"\]$/gm)];
    expect(labels.map((m) => m[2]).sort()).toEqual([...names].sort());
    const id = (name: string) => labels.find((m) => m[2] === name)![1];
    expect(r.stdout).toContain(`${id("senior-sales-engineer-access")} -->|inherits| ${id("sales-engineer-access")}`);
    expect(r.stdout).toContain(`${id("no-production-for-contractors")}["no-production-for-contractors (deny)"]`);
  });

  describe.concurrent("lint", () => {
    it("exits 1 on errors and prints each as FILE:LINE: severity: message [code]", async () => {
      const r = await clearance("policy", "lint", `${fixtures}/lint-errors`);
      expect(r.code).toBe(1);
      const lines = r.stdout.trim().split("\n");
      expect(lines).toContain(
        `${fixtures}/lint-errors/broken.yaml:2: error: effect must be allow or deny, not "maybe" [syntax]`,
      );
      expect(lines).toContain(
        `${fixtures}/lint-errors/contractor-access.yaml:3: error: inherits no-such-policy, but no policy has that name [unknown-inherits]`,
      );
      expect(
        lines.some((l) =>
          l.startsWith(`${fixtures}/lint-errors/contractor-access.yaml:7: error: favourite_colour is not an attribute`),
        ),
      ).toBe(true);
      expect(
        lines.some(
          (l) =>
            l.startsWith(`${fixtures}/lint-errors/contractor-access.yaml:6: error:`) && l.endsWith("[contradiction]"),
        ),
      ).toBe(true);
      expect(lines.at(-1)).toBe(`✗ ${fixtures}/lint-errors: 2 policies in 3 files: 5 errors, 0 warnings`);
    });

    it("exits 0 on the demo policies, with the demo config and unknown-value warnings from the identities", async () => {
      const plain = await clearance("policy", "lint", "policies");
      expect(plain.code).toBe(0);
      expect(plain.stdout).toContain("0 errors");
      const full = await clearance("policy", "lint", "policies", "--config", config, "--identities", people);
      expect(full.code).toBe(0);
      expect(full.stdout).not.toMatch(/: error: /);
      expect(full.stdout).toMatch(
        /^policies\/examples\/identities\.json:\d+: warning: location "Remote" \(1 person\) is named by no policy and no alias.* \[unknown-value\]$/m,
      );
      expect(full.stdout).toMatch(
        /^policies\/production-database-access\.yaml:8: warning: no identity has location "Bangalore" \[value-nobody-has\]$/m,
      );
    });

    it("checks systems and levels against --config", async () => {
      const dir = tempDir();
      writeFileSync(
        path.join(dir, "x.yaml"),
        "name: x\nwhen:\n  - department: Sales\ngrants:\n  - resource: gitlab:group:customer-solutions\n    level: superuser\n  - jira:project:sales\n",
      );
      const r = await clearance("policy", "lint", dir, "--config", config);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`${dir}/x.yaml:5: error: gitlab has no level "superuser"`);
      expect(r.stdout).toContain(`${dir}/x.yaml:7: error: no system is called jira`);
    });
  });

  describe.concurrent("test", () => {
    it("passes on the demo policies and their test files", async () => {
      const r = await clearance("policy", "test", "policies");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("ok   policies/sales.test.yaml:7 sales access › sarah.chen");
      expect(r.stdout).toContain("policies/engineering.test.yaml");
      expect(r.stdout).not.toContain("FAIL");
      expect(r.stdout.trim().split("\n").at(-1)).toMatch(/^✓ \d+ people in 2 test files: (\d+) passed, 0 failed$/);
    });

    it("exits 1 with a failing test, naming file, line, person and why", async () => {
      const r = await clearance("policy", "test", `${fixtures}/failing-tests`);
      expect(r.code).toBe(1);
      expect(r.stdout).toContain(`ok   ${fixtures}/failing-tests/sales.test.yaml:5 failing fixture › sales.person`);
      expect(r.stdout).toContain(`FAIL ${fixtures}/failing-tests/sales.test.yaml:15 failing fixture › support.person`);
      expect(r.stdout).toContain("should have salesforce:license:user, but does not get it from policy");
      expect(r.stdout).toContain(
        "why not salesforce:license:user: sales-team-access: department is Sales (actual: Support)",
      );
      expect(r.stdout).toContain("must_not_have google:group:finance-reports@company.com: no policy");
      expect(r.stdout.trim().split("\n").at(-1)).toBe("✗ 2 people in 1 test file: 1 passed, 1 failed");
    });
  });

  describe.concurrent("bad usage and bad input exit 2 with one line on stderr", () => {
    const dir = tempDir();
    it.each([
      [["policy", "lint", "no-such-dir"], "clearance: cannot read directory no-such-dir: no such file or directory"],
      [
        ["policy", "eval", "policies", "--identities", "missing.json"],
        "clearance: cannot read identities file missing.json: no such file or directory",
      ],
      [
        ["policy", "eval", "policies", "--identities", "policies"],
        "clearance: cannot read identities file policies: is a directory, not a file",
      ],
      [
        ["policy", "eval", "policies", "--identities", `${fixtures}/malformed.json`],
        `clearance: identities file ${fixtures}/malformed.json is not valid JSON: `,
      ],
      [
        ["policy", "eval", "policies", "--identities", people, "--verbose"],
        "clearance: unknown flag --verbose (see clearance policy eval --help)",
      ],
      [["policy", "eval", "policies"], "clearance: policy eval needs --identities FILE"],
      [
        ["policy", "eval", "policies", "--identities", people, "--at", "2026-02-30"],
        'clearance: --at must be an ISO date or time such as 2026-11-22 or 2026-11-22T12:00:00Z, not "2026-02-30"',
      ],
      [["policy", "frobnicate", "policies"], 'clearance: unknown command "policy frobnicate"'],
      [["deploy"], 'clearance: unknown command "deploy"'],
      [[], "clearance: no command given (see clearance --help)"],
      [
        ["policy", "graph", `${fixtures}/lint-errors`],
        `clearance: ${fixtures}/lint-errors/broken.yaml:2: effect must be allow or deny`,
      ],
      [["policy", "test", dir], `clearance: no policy files (*.yaml) in ${dir}`],
    ])("clearance %j", async (args, message) => {
      const r = await clearance(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.startsWith(message)).toBe(true);
      expect(r.stderr.endsWith("\n")).toBe(true);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
    });

    it("names the line and column of malformed JSON", async () => {
      const r = await clearance("policy", "eval", "policies", "--identities", `${fixtures}/malformed.json`);
      expect(r.stderr).toMatch(/at line 3, column \d+\n$/);
    });
  });

  it("ships example inputs that match the demo organization", () => {
    const identities = JSON.parse(readFileSync(path.join(root, people), "utf8")) as {
      id: string;
      attributes: Record<string, unknown>;
    }[];
    expect(identities.map((i) => i.id)).toEqual(namedPeople.map((p) => p.externalId));
    expect(identities.find((i) => i.id === "sarah.chen")!.attributes).toMatchObject({
      job_title: "Sales Engineer",
      hire_date: "2024-11-24",
      trainings: ["security-101"],
    });
    const csvIds = readFileSync(path.join(root, peopleCsv), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",")[0]);
    expect(csvIds).toEqual(namedPeople.map((p) => p.externalId));
    const cfg = parseYaml(readFileSync(path.join(root, config), "utf8")) as {
      aliases: unknown;
      systems: unknown;
      resources: unknown;
    };
    expect(cfg.aliases).toEqual(seedAliases);
    expect(cfg.systems).toEqual(Object.fromEntries(seedSystems.map((s) => [s.key, s.accessLevels])));
    expect(cfg.resources).toEqual(seedResources.map((r) => r.key));
  });
});

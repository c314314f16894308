import { describe, expect, it } from "vitest";
import { desiredConfig, parseConfigFiles, planConfigChanges, planText, serializeConfig, type ConfigSet } from ".";

const empty: ConfigSet = {
  systems: [],
  resources: [],
  templates: [],
  approverGroups: [],
  fallbacks: [],
  exceptionTypes: [],
};

describe("configuration files", () => {
  it("names the file and line of each problem", () => {
    const { problems } = parseConfigFiles([
      {
        path: "systems.yaml",
        source:
          "- key: crm\n  name: CRM\n  accessLevels: [viewer]\n  colour: blue\n- key: Bad Key\n  name: x\n  accessLevels: [a]\n",
      },
      { path: "approver-groups.yaml", source: "- key: ops\n  name: Ops\n  members: [not-an-email]\n" },
      { path: "system.yaml", source: "[]\n" },
      { path: "resources.yaml", source: "key: [unclosed\n" },
    ]);
    const at = problems.map((p) => `${p.file}:${p.line}`);
    expect(at).toEqual(
      expect.arrayContaining([
        "systems.yaml:4",
        "systems.yaml:5",
        "approver-groups.yaml:3",
        "system.yaml:1",
        "resources.yaml:2",
      ]),
    );
    expect(problems.find((p) => p.line === 4)!.message).toMatch(/colour/);
  });

  it("holds the app's own bounds: durations, reminders, keys, names and descriptions, resource names", () => {
    const long = (n: number) => "x".repeat(n);
    const { problems } = parseConfigFiles([
      {
        path: "exception-types.yaml",
        source: [
          "- type: vendor\n  maxDuration: 999999w\n  extensible: false",
          "- type: project\n  maxDuration: 30d\n  reminders: [1h, 2h, 3h, 4h, 5h, 6h]\n  extensible: true",
          "- type: training\n  maxDuration: 30d\n  reminders: [91d]\n  extensible: true\n",
        ].join("\n"),
      },
      { path: "templates.yaml", source: `- key: ${"k".repeat(61)}\n  name: T\n  description: ${long(1001)}\n` },
      {
        path: "systems.yaml",
        source: `- key: crm\n  name: ${long(101)}\n  description: ${long(501)}\n  accessLevels: [a]\n`,
      },
      { path: "approver-groups.yaml", source: `- key: ops\n  name: Ops\n  description: ${long(501)}\n` },
      { path: "resources.yaml", source: "- key: crm:group:sales team\n- key: crm:Group:sales\n" },
    ]);
    const at = (file: string) => problems.filter((p) => p.file === file).map((p) => `${p.line} ${p.message}`);
    expect(at("exception-types.yaml")).toEqual([
      expect.stringMatching(/^2 maxDuration: "999999w" is not between 5 minutes and 366 days/),
      expect.stringMatching(/^6 reminders: .*<=5 items/),
      expect.stringMatching(/^10 reminders\.0: "91d" is not between 1 minute and 90 days/),
    ]);
    expect(at("templates.yaml")).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^1 key: .*<=60/),
        expect.stringMatching(/^3 description: .*<=1000/),
      ]),
    );
    expect(at("systems.yaml")).toEqual([expect.stringMatching(/^2 name: /), expect.stringMatching(/^3 description: /)]);
    expect(at("approver-groups.yaml")).toEqual([expect.stringMatching(/^3 description: /)]);
    expect(at("resources.yaml")).toEqual([
      expect.stringMatching(/^1 key: the name: no spaces/),
      expect.stringMatching(/^2 key: the type: lower-case letters/),
    ]);
  });

  it("reads back what it writes, byte for byte, and plans nothing for it", () => {
    const files = [
      {
        path: "systems.yaml",
        source: "- key: crm\n  name: CRM\n  accessLevels: [viewer, editor]\n",
      },
      {
        path: "fallbacks.yaml",
        source:
          "name: deny-all\nscope: global\npriority: 1\naction: deny\nmessage: No\n---\n\nname: crm-deny\nscope: namespace\nnamespace: crm\npriority: 5\naction: deny\nmessage: No\n",
      },
      {
        path: "exception-types.yaml",
        source: "- type: vendor\n  maxDuration: 30d\n  reminders: [1d]\n  extensible: false\n",
      },
    ];
    const parsed = parseConfigFiles(files);
    expect(parsed.problems).toEqual([]);
    expect(parsed.lineOf("fallbacks", "crm-deny")).toBe(8);
    const desired = desiredConfig(parsed.set, empty);
    const written = serializeConfig(desired);
    const again = parseConfigFiles(written);
    expect(again.problems).toEqual([]);
    expect(serializeConfig(desiredConfig(again.set, empty))).toEqual(written);
    expect(planConfigChanges(desiredConfig(again.set, desired), desired, again)).toEqual([]);
  });

  it("plans creates, changes and removals", () => {
    const current = desiredConfig(
      parseConfigFiles([
        {
          path: "systems.yaml",
          source: "- key: crm\n  name: CRM\n  accessLevels: [viewer]\n- key: old\n  name: Old\n  accessLevels: [x]\n",
        },
      ]).set,
      empty,
    );
    const parsed = parseConfigFiles([
      {
        path: "systems.yaml",
        source:
          "- key: crm\n  name: CRM 2\n  accessLevels: [viewer]\n- key: new-one\n  name: New\n  accessLevels: [x]\n",
      },
    ]);
    expect(planText(planConfigChanges(desiredConfig(parsed.set, current), current, parsed))).toEqual([
      "~ systems crm (name)",
      "+ systems new-one",
      "- systems old (retired)",
    ]);
  });
});

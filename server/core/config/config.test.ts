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

import { policyGraph, toMermaid } from "../core/policy";
import type { Command } from "./command";
import { readPolicyDir, requireParsed } from "./inputs";

/** `clearance policy graph DIR`: the inheritance graph as a Mermaid flowchart. */
export const graphCommand: Command = {
  name: "graph",
  summary: "print the inheritance graph as a Mermaid flowchart",
  positionals: ["DIR"],
  flags: {},
  details: `
Prints Mermaid text (flowchart BT): one node per policy, an "inherits" edge from each policy to
each policy it inherits; deny policies and inherited names that no policy defines are marked.
Paste it into a Markdown file between \`\`\`mermaid fences, or into mermaid.live.`,
  run(args, io) {
    const dir = args.positionals[0]!;
    const set = requireParsed(readPolicyDir(dir), dir);
    io.out(toMermaid(policyGraph(set.policies)));
    return 0;
  },
};

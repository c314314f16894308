import type { Policy } from "./types";

export interface PolicyGraph {
  nodes: { name: string; effect: Policy["effect"]; depth: number; missing: boolean }[];
  /** from inherits to */
  edges: { from: string; to: string }[];
}

/**
 * The inheritance graph: an edge from each policy to each policy it inherits. Depth is the
 * longest inheritance chain below a policy (0 for policies that inherit nothing); names that
 * no policy defines appear as missing nodes. Cycles are cut where they close.
 */
export function policyGraph(policies: readonly Policy[]): PolicyGraph {
  const byName = new Map(policies.map((p) => [p.name, p]));
  const edges = policies.flatMap((p) => p.inherits.map((to) => ({ from: p.name, to })));
  const missing = [...new Set(edges.map((e) => e.to).filter((n) => !byName.has(n)))];
  const depth = new Map<string, number>();
  const depthOf = (name: string, path: Set<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const p = byName.get(name);
    if (!p || path.has(name)) return 0;
    path.add(name);
    const d = p.inherits.reduce(
      (max, parent) => (path.has(parent) ? max : Math.max(max, 1 + depthOf(parent, path))),
      0,
    );
    path.delete(name);
    depth.set(name, d);
    return d;
  };
  const nodes = [
    ...policies.map((p) => ({ name: p.name, effect: p.effect, depth: depthOf(p.name, new Set()), missing: false })),
    ...missing.map((name) => ({ name, effect: "allow" as const, depth: 0, missing: true })),
  ];
  return { nodes, edges };
}

/** Mermaid flowchart text; node ids are generated, names only appear as quoted labels. */
export function toMermaid(graph: PolicyGraph): string {
  const id = new Map(graph.nodes.map((n, i) => [n.name, `p${i}`]));
  const label = (s: string) => s.replace(/["<>]/g, "");
  const lines = ["flowchart BT"];
  for (const n of graph.nodes) {
    const text = `${label(n.name)}${n.effect === "deny" ? " (deny)" : ""}${n.missing ? " (missing)" : ""}`;
    lines.push(`  ${id.get(n.name)}["${text}"]`);
  }
  for (const e of graph.edges) lines.push(`  ${id.get(e.from)} -->|inherits| ${id.get(e.to)}`);
  const deny = graph.nodes.filter((n) => n.effect === "deny").map((n) => id.get(n.name));
  const missing = graph.nodes.filter((n) => n.missing).map((n) => id.get(n.name));
  if (deny.length) lines.push(`  classDef deny fill:#fee2e2,stroke:#b91c1c`, `  class ${deny.join(",")} deny`);
  if (missing.length) lines.push(`  classDef missing stroke-dasharray: 4 4`, `  class ${missing.join(",")} missing`);
  return `${lines.join("\n")}\n`;
}

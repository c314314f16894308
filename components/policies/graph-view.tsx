import Link from "next/link";
import type React from "react";
import { labelLines, textWidth } from "./graph-labels";

interface Node {
  name: string;
  effect: "allow" | "deny";
  depth: number;
  missing: boolean;
}

const MIN_W = 120;
const PAD_X = 16;
const LINE_H = 15;
const PAD_Y = 10;
const GAP_X = 24;
const GAP_Y = 70;

const labelOf = (n: Node) => labelLines(n.missing ? `${n.name} (missing)` : n.name);
/** Each node as wide as its longest line (long names wrap to two lines, then end in "…"). */
const widthOf = (n: Node) => Math.max(MIN_W, ...labelOf(n).map(textWidth)) + 2 * PAD_X;

/**
 * The inheritance graph drawn in layers: policies that inherit nothing at the bottom, each
 * policy above what it inherits, an arrow to each inherited policy.
 */
export function GraphView({
  nodes,
  edges,
  files,
}: {
  nodes: Node[];
  edges: { from: string; to: string }[];
  files: Record<string, string>;
}) {
  // Policies with no inheritance either way are listed beside the drawing, not in it.
  const linked = new Set(edges.flatMap((e) => [e.from, e.to]));
  const standalone = nodes.filter((n) => !linked.has(n.name)).sort((a, b) => a.name.localeCompare(b.name));
  const drawn = nodes.filter((n) => linked.has(n.name));
  const maxDepth = Math.max(0, ...drawn.map((n) => n.depth));
  const layers = Array.from({ length: maxDepth + 1 }, (_, d) =>
    drawn.filter((n) => n.depth === d).sort((a, b) => a.name.localeCompare(b.name)),
  );
  // Order each layer by where its neighbours sit (one barycentre pass upwards), to uncross edges.
  const order = new Map<string, number>();
  layers[0]?.forEach((n, i) => order.set(n.name, i));
  for (let d = 1; d < layers.length; d++) {
    const centre = (n: Node) => {
      const below = edges.filter((e) => e.from === n.name).map((e) => order.get(e.to) ?? 0);
      return below.length ? below.reduce((a, b) => a + b, 0) / below.length : 0;
    };
    layers[d]!.sort((a, b) => centre(a) - centre(b) || a.name.localeCompare(b.name));
    layers[d]!.forEach((n, i) => order.set(n.name, i));
  }
  // Every node is as tall as the tallest label, so edges meet the boxes on one line per layer.
  const H = Math.max(1, ...drawn.map((n) => labelOf(n).length)) * LINE_H + 2 * PAD_Y;
  const layerWidth = (layer: Node[]) => layer.reduce((sum, n) => sum + widthOf(n) + GAP_X, 0);
  const width = Math.max(GAP_X, ...layers.map(layerWidth)) + GAP_X;
  const height = (maxDepth + 1) * (H + GAP_Y) + GAP_Y / 2;
  const pos = new Map<string, { x: number; y: number; w: number }>();
  layers.forEach((layer, d) => {
    let x = (width - layerWidth(layer) + GAP_X) / 2;
    for (const n of layer) {
      const w = widthOf(n);
      pos.set(n.name, { x, y: height - (d + 1) * (H + GAP_Y) + GAP_Y / 2, w });
      x += w + GAP_X;
    }
  });
  const link = (n: Node, children: React.ReactNode) =>
    files[n.name] ? (
      <Link
        key={n.name}
        href={`/policies/edit?file=${encodeURIComponent(files[n.name]!)}`}
        aria-label={`Edit ${n.name}`}
      >
        {children}
      </Link>
    ) : (
      <g key={n.name}>{children}</g>
    );
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white p-2 shadow-sm">
      <svg width={width} height={height} role="group" aria-label="Policy inheritance graph" className="font-sans">
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" className="fill-slate-400" />
          </marker>
        </defs>
        {edges.map((e) => {
          const a = pos.get(e.from);
          const b = pos.get(e.to);
          if (!a || !b) return null;
          return (
            <line
              key={`${e.from}->${e.to}`}
              x1={a.x + a.w / 2}
              y1={a.y + H}
              x2={b.x + b.w / 2}
              y2={b.y}
              className="stroke-slate-300"
              strokeWidth={1.5}
              markerEnd="url(#arrow)"
            />
          );
        })}
        {drawn.map((n) => {
          const p = pos.get(n.name)!;
          const lines = labelOf(n);
          return link(
            n,
            <g>
              <title>{n.missing ? `${n.name} (missing)` : n.name}</title>
              <rect
                x={p.x}
                y={p.y}
                width={p.w}
                height={H}
                rx={6}
                className={
                  n.missing
                    ? "fill-white stroke-slate-400"
                    : n.effect === "deny"
                      ? "fill-red-50 stroke-red-400"
                      : "fill-brand-50 stroke-brand-500"
                }
                strokeDasharray={n.missing ? "4 3" : undefined}
              />
              <text textAnchor="middle" className="fill-slate-800 text-[12px]">
                {lines.map((line, i) => (
                  <tspan key={i} x={p.x + p.w / 2} y={p.y + H / 2 + 4 + (i - (lines.length - 1) / 2) * LINE_H}>
                    {line}
                  </tspan>
                ))}
              </text>
            </g>,
          );
        })}
      </svg>
      {standalone.length > 0 && (
        <p className="px-2 pb-2 text-sm text-slate-600">
          Standing alone (inheriting nothing, inherited by nothing):{" "}
          {standalone.map((n, i) => (
            <span key={n.name}>
              {i > 0 && ", "}
              {files[n.name] ? (
                <Link
                  href={`/policies/edit?file=${encodeURIComponent(files[n.name]!)}`}
                  className={n.effect === "deny" ? "text-red-700 underline" : "text-brand-700 underline"}
                >
                  {n.name}
                </Link>
              ) : (
                n.name
              )}
            </span>
          ))}
        </p>
      )}
    </div>
  );
}

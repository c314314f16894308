import { createHash } from "node:crypto";
import { adapterFor } from "@/server/adapters/registry";
import type { Adapter } from "@/server/adapters/types";

// One adapter per system and configuration, so connection pools are reused between calls.
const cache = new Map<string, Adapter>();

/** The adapter for a system as it is configured now; a changed configuration gets a fresh one. */
export function adapterOf(system: { key: string; adapterKind: string; adapterConfig: unknown }): Adapter {
  const key = `${system.key}:${createHash("sha256")
    .update(JSON.stringify([system.adapterKind, system.adapterConfig]))
    .digest("hex")}`;
  const hit = cache.get(key);
  if (hit) return hit;
  for (const [k, a] of cache) {
    if (k.startsWith(`${system.key}:`)) {
      cache.delete(k);
      void a.close().catch(() => undefined);
    }
  }
  const adapter = adapterFor(system);
  cache.set(key, adapter);
  return adapter;
}

/** Closes every adapter's connections (shutdown, tests). */
export async function closeAdapters() {
  const all = [...cache.values()];
  cache.clear();
  await Promise.all(all.map((a) => a.close().catch(() => undefined)));
}

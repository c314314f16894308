import type { api } from "@/server/api/server";
import type { ExceptionType } from "@/server/core/exceptions/types";

/** What the template editor offers to pick from: resources, their systems' levels, approver groups, and each exception type's limit. */
export async function editorCatalog(caller: Awaited<ReturnType<typeof api>>) {
  const [catalog, groups, typeSettings] = await Promise.all([
    caller.policies.catalog(),
    caller.templates.groups(),
    caller.exceptions.typeSettings(),
  ]);
  return {
    resources: catalog.resources.map((r) => ({ key: r.key, systemKey: r.systemKey })),
    levels: Object.fromEntries(catalog.systems.map((s) => [s.key, s.accessLevels])),
    groups: groups.map((g) => ({ key: g.key, name: g.name })),
    typeLimits: Object.fromEntries(
      Object.entries(typeSettings).map(([type, s]) => [type, s.maxDurationMinutes]),
    ) as Record<ExceptionType, number>,
  };
}

import type { Adapter } from "./types";

/**
 * For systems with no API: every change is a task for IT. The service layer creates and tracks
 * the task from the `waiting` result; nothing can be read back, so listActual reports nothing.
 */
export function manualAdapter(): Adapter {
  return {
    kind: "manual",
    canList: false,
    grant: async (target) => ({ status: "waiting", detail: `A task for IT: grant ${target.resource} to ${target.email}` }),
    revoke: async (target) => ({ status: "waiting", detail: `A task for IT: revoke ${target.resource} from ${target.email}` }),
    listActual: async () => [],
    health: async () => ({ ok: true, detail: "manual: IT does it by hand" }),
    close: async () => undefined,
  };
}

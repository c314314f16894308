import type { PortalRole } from "./roles";

/** Who is acting: a signed-in person, or the system itself (jobs, seed, HR sync). */
export type Actor =
  | {
      type: "identity";
      identityId: string;
      email: string;
      displayName: string;
      roles: PortalRole[];
    }
  | { type: "system"; name: string };

export type Clock = () => Date;

export const systemActor = (name: string): Actor => ({ type: "system", name });

export function actorLabel(actor: Actor): string {
  return actor.type === "identity" ? actor.email : `system:${actor.name}`;
}

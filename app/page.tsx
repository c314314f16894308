import { redirect } from "next/navigation";
import { api } from "@/server/api/server";
import { requireActor } from "@/server/auth/guard";
import { landingPage } from "@/server/core/landing";

export const dynamic = "force-dynamic";

/** Home, and where sign-in goes when no page was asked for: the inbox when work waits, IT's work queue, else My access. */
export default async function Home() {
  const actor = await requireActor();
  redirect(landingPage(await (await api()).inbox.count(), actor.roles));
}

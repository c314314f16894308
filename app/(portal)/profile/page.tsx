import { MyTimeZonePicker } from "@/components/time/time-zone-picker";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireActor } from "@/server/auth/guard";
import { viewerTimeZone } from "@/server/auth/time-zone";
import { api } from "@/server/api/server";
import { formatWhen, timeZoneNames, zoneLabel } from "@/server/core/time";

export const metadata = { title: "Profile" };

const sourceText = {
  profile: "you chose it here",
  browser: "your browser's zone",
  organization: "the organization's zone (your browser has not told us its zone yet)",
} as const;

export default async function ProfilePage() {
  const actor = await requireActor();
  const caller = await api();
  const [{ preferred, organization }, time] = await Promise.all([caller.me.timeZone(), viewerTimeZone()]);
  const now = new Date();
  return (
    <>
      <PageHeader title="Profile" description={`${actor.displayName} · ${actor.email}`} />
      <Card
        title="Time zone"
        description="Times everywhere in Clearance, and in the emails it sends you, are shown in this zone."
      >
        <p className="mb-4 text-sm text-slate-700" data-testid="current-time-zone">
          Times are shown in <strong>{zoneLabel(time.zone, now)}</strong>: {sourceText[time.source]}. It is now{" "}
          {formatWhen(now, time.zone)}. The organization&apos;s zone is {organization}.
        </p>
        <MyTimeZonePicker preferred={preferred} current={time.zone} zones={timeZoneNames()} />
      </Card>
    </>
  );
}

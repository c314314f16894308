import { TypeSettingsTable } from "@/components/exceptions/type-settings-form";
import { OrganizationTimeZonePicker } from "@/components/time/time-zone-picker";
import { Card } from "@/components/ui/card";
import { timeZoneNames } from "@/server/core/time";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Exception types" };

export default async function ExceptionSettingsPage() {
  await requireSection("exceptions");
  const caller = await api();
  const [settings, groups, organization] = await Promise.all([
    caller.exceptions.typeSettings(),
    caller.templates.groups(),
    caller.organization.settings(),
  ]);
  return (
    <>
      <PageHeader
        title="Exception types"
        description={
          "How long each kind of exception may last, when holders are reminded, and who approves " +
          "extensions past the second, for each of the five kinds of exception."
        }
      />
      <Card
        title="Organization time zone"
        description={
          "A day given for an expiry (“expires on 2025-01-06”) and day-long access end at " +
          "midnight in this zone. It is also the zone for anyone who has not chosen one and whose " +
          "browser has not said."
        }
        className="mb-6"
      >
        <OrganizationTimeZonePicker
          key={organization.timeZone}
          current={organization.timeZone}
          zones={timeZoneNames()}
        />
      </Card>
      <TypeSettingsTable settings={settings} groups={groups.map((g) => ({ key: g.key, name: g.name }))} />
    </>
  );
}

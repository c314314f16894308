import { TypeSettingsTable } from "@/components/exceptions/type-settings-form";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Exception types" };

export default async function ExceptionSettingsPage() {
  await requireSection("exceptions");
  const caller = await api();
  const [settings, groups] = await Promise.all([caller.exceptions.typeSettings(), caller.templates.groups()]);
  return (
    <>
      <PageHeader
        title="Exception types"
        description="How long each kind of exception may last, when holders are reminded, and who approves extensions past the second, for each of the five kinds of exception."
      />
      <TypeSettingsTable settings={settings} groups={groups.map((g) => ({ key: g.key, name: g.name }))} />
    </>
  );
}

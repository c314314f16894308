import { ProgressBar, SetupChecklist } from "@/components/setup/checklist";
import { SetupDismissButton } from "@/components/setup/dismiss-button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Setup checklist" };

/** What a new organization sets up before Clearance is of use (issue 15, point 3), read from the real state. */
export default async function SetupPage() {
  await requireSection("setup");
  const c = await (await api()).setup.checklist();
  const allDone = c.done === c.total;
  return (
    <>
      <PageHeader
        title="Setup checklist"
        description={
          allDone
            ? "Everything a new organization needs is set up."
            : "What your organization sets up before people can ask for access. Each item turns done by itself when what it asks for is there."
        }
        actions={allDone ? undefined : <SetupDismissButton dismissed={c.dismissed} />}
      />
      <Card
        title={
          <span>
            {c.done} of {c.total} done
          </span>
        }
        description={
          c.dismissed && !allDone
            ? "Dismissed from the work queue: this page stays under Setup checklist in the menu."
            : undefined
        }
        actions={
          <div className="w-40 pt-2">
            <ProgressBar done={c.done} total={c.total} />
          </div>
        }
      >
        <SetupChecklist items={c.items} />
      </Card>
    </>
  );
}

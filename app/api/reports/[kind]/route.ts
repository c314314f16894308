import { exportsArePosted, handleReportExport } from "@/server/api/exports";
import { observed } from "@/server/http/observe";

export const dynamic = "force-dynamic";

export const POST = observed("reports.export", async (request, { params }: { params: Promise<{ kind: string }> }) =>
  handleReportExport(request, (await params).kind),
);

export const GET = exportsArePosted;

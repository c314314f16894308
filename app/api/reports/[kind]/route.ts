import { handleReportExport } from "@/server/api/exports";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ kind: string }> }) {
  return handleReportExport(request, (await params).kind);
}

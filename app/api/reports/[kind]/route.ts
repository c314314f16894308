import { exportsArePosted, handleReportExport } from "@/server/api/exports";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ kind: string }> }) {
  return handleReportExport(request, (await params).kind);
}

export const GET = exportsArePosted;

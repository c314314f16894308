import { handleExportDownload } from "@/server/api/exports";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return handleExportDownload(request, (await params).id);
}

import { exportsArePosted, handleExportDownload } from "@/server/api/exports";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return handleExportDownload(request, (await params).id);
}

export const GET = exportsArePosted;

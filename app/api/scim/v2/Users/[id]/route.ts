import { deleteUser, getUser, patchUser, replaceUser } from "@/server/api/scim";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function GET(request: Request, { params }: Params) {
  return getUser(request, (await params).id);
}

export async function PUT(request: Request, { params }: Params) {
  return replaceUser(request, (await params).id);
}

export async function PATCH(request: Request, { params }: Params) {
  return patchUser(request, (await params).id);
}

export async function DELETE(request: Request, { params }: Params) {
  return deleteUser(request, (await params).id);
}

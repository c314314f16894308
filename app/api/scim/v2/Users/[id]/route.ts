import { deleteUser, getUser, patchUser, replaceUser } from "@/server/api/scim";
import { observed } from "@/server/http/observe";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export const GET = observed("scim.users.get", async (request, { params }: Params) =>
  getUser(request, (await params).id),
);

export const PUT = observed("scim.users.replace", async (request, { params }: Params) =>
  replaceUser(request, (await params).id),
);

export const PATCH = observed("scim.users.patch", async (request, { params }: Params) =>
  patchUser(request, (await params).id),
);

export const DELETE = observed("scim.users.delete", async (request, { params }: Params) =>
  deleteUser(request, (await params).id),
);

import { methodNotAllowed, serviceProviderConfigDocument } from "@/server/api/scim";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return serviceProviderConfigDocument(request);
}

export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;

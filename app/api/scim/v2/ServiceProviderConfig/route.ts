import { serviceProviderConfigDocument } from "@/server/api/scim";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return serviceProviderConfigDocument(request);
}

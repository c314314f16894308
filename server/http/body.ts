import { DomainError } from "@/server/core/errors";

const describeBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;

/** 413, naming the body. */
export const bodyTooLarge = (limit: number) =>
  new DomainError("TOO_LARGE", `The request body is larger than ${describeBytes(limit)}`, { field: "body" });

/** Whether the request says (Content-Length) that its body is over the limit, so it can be refused unread. */
export function declaresMoreThan(request: Request, limit: number): boolean {
  const declared = Number(request.headers.get("content-length"));
  return Number.isFinite(declared) && declared > limit;
}

/**
 * The body as a stream that errors (with `tooLarge(limit)`) as soon as more than `limit` bytes
 * have arrived, and stops reading the client's upload then. `limit` may be a function: the tRPC
 * route knows its limit only once it knows who is calling, which is before the body is read.
 */
export function limitedBodyStream(
  body: ReadableStream<Uint8Array>,
  limit: number | (() => number),
  tooLarge: (limit: number) => unknown = bodyTooLarge,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const limitNow = typeof limit === "function" ? limit : () => limit;
  let received = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        received += value.byteLength;
        const max = limitNow();
        if (received > max) {
          await reader.cancel().catch(() => undefined);
          controller.error(tooLarge(max));
          return;
        }
        controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
      // Nothing is pulled before someone reads: the limit may still be decided (tRPC's context).
    },
    { highWaterMark: 0 },
  );
}

/** The same request with its body limited (see limitedBodyStream); requests without a body pass as they are. */
export function withBodyLimit(
  request: Request,
  limit: number | (() => number),
  tooLarge?: (limit: number) => unknown,
): Request {
  if (!request.body) return request;
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: limitedBodyStream(request.body, limit, tooLarge),
    signal: request.signal,
    // Node's fetch needs this for a streamed request body.
    duplex: "half",
  } as RequestInit & { duplex: "half" });
}

/** Reads the whole body, refusing (TOO_LARGE, field "body") one over `limit` bytes without reading the rest. */
export async function readBodyText(request: Request, limit: number): Promise<string> {
  if (declaresMoreThan(request, limit)) throw bodyTooLarge(limit);
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  const reader = limitedBodyStream(request.body, limit).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** The body as JSON, within `limit` bytes; INVALID_INPUT naming "body" when it is not JSON. */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const text = await readBodyText(request, limit);
  try {
    return JSON.parse(text);
  } catch {
    throw new DomainError("INVALID_INPUT", "The body is not JSON", { field: "body" });
  }
}

import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small local stand-in for the part of the Amazon S3 REST API that audit checkpoints use,
 * path-style (`http://127.0.0.1:PORT/BUCKET/KEY`), so the real @aws-sdk/client-s3 can be pointed at
 * it through its `endpoint` option. Behaviour follows AWS's reference:
 * - PutObject  https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
 *   (x-amz-object-lock-mode / x-amz-object-lock-retain-until-date; Content-MD5 or an x-amz-checksum-*
 *   header required with them; If-None-Match: * answered 412 PreconditionFailed when the key exists,
 *   https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html)
 * - GetObject  https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
 * - ListObjectsV2  https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
 * - DeleteObject  https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html: with a
 *   versionId, a version under COMPLIANCE retention is refused (403 AccessDenied); without one, a
 *   versioned bucket gets a delete marker and keeps every version
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html)
 * - errors as XML bodies with Code and Message
 *   (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html)
 * Buckets with Object Lock are versioned, as on S3. Requests must carry a SigV4 Authorization header
 * naming the access key; the signature itself is not checked.
 */
export interface FakeObjectVersion {
  versionId: string;
  body: Buffer;
  etag: string;
  lastModified: Date;
  deleteMarker: boolean;
  lockMode: string | null;
  retainUntil: Date | null;
  /** request headers as received, for assertions */
  headers: Record<string, string | string[] | undefined>;
}

export interface FakeS3 {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  createBucket(name: string, options?: { objectLock?: boolean }): void;
  /** every version of every key in a bucket, oldest first per key */
  versions(bucket: string): Map<string, FakeObjectVersion[]>;
  /** requests seen, "METHOD /path?query" */
  requests: string[];
  close(): Promise<void>;
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
) {
  const fields = Object.entries(extra)
    .map(([k, v]) => `<${k}>${xmlEscape(v)}</${k}>`)
    .join("");
  res.writeHead(status, {
    "content-type": "application/xml",
    "x-amz-request-id": randomBytes(8).toString("hex").toUpperCase(),
  });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>${fields}<RequestId>FAKE</RequestId></Error>`,
  );
}

/** aws-chunked bodies (streaming uploads with trailing checksums): the chunks' data only. */
function decodeAwsChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = parseInt(raw.subarray(at, lineEnd).toString().split(";")[0]!, 16);
    if (!size) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  return String(req.headers["content-encoding"] ?? "").includes("aws-chunked") ? decodeAwsChunked(raw) : raw;
}

export async function startFakeS3(): Promise<FakeS3> {
  const accessKeyId = "AKIAFAKECHECKPOINTS";
  const secretAccessKey = randomBytes(20).toString("base64");
  const buckets = new Map<string, { objectLock: boolean; keys: Map<string, FakeObjectVersion[]> }>();
  const requests: string[] = [];

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: Error) => sendError(res, 500, "InternalError", err.message));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://fake");
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    const body = await readBody(req);
    const auth = String(req.headers.authorization ?? "");
    if (!auth.startsWith(`AWS4-HMAC-SHA256 Credential=${accessKeyId}/`)) {
      return sendError(
        res,
        403,
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
      );
    }
    const [, bucketName = "", ...keyParts] = url.pathname.split("/");
    const key = decodeURIComponent(keyParts.join("/"));
    const bucket = buckets.get(bucketName);
    if (!bucket)
      return sendError(res, 404, "NoSuchBucket", "The specified bucket does not exist", { BucketName: bucketName });
    const current = (k: string) => bucket.keys.get(k)?.at(-1);

    if (req.method === "PUT" && key) {
      const mode = req.headers["x-amz-object-lock-mode"] as string | undefined;
      const until = req.headers["x-amz-object-lock-retain-until-date"] as string | undefined;
      if (mode || until) {
        if (!bucket.objectLock)
          return sendError(res, 400, "InvalidRequest", "Bucket is missing Object Lock Configuration");
        const checksummed =
          req.headers["content-md5"] ||
          Object.keys(req.headers).some((h) => h.startsWith("x-amz-checksum-") || h === "x-amz-sdk-checksum-algorithm");
        if (!checksummed)
          return sendError(
            res,
            400,
            "InvalidRequest",
            "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters",
          );
        if (!mode || !until || !["GOVERNANCE", "COMPLIANCE"].includes(mode) || Number.isNaN(Date.parse(until))) {
          return sendError(
            res,
            400,
            "InvalidArgument",
            "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
          );
        }
        if (Date.parse(until) <= Date.now())
          return sendError(res, 400, "InvalidArgument", "The retain until date must be in the future!");
      }
      const existing = current(key);
      if (req.headers["if-none-match"] === "*" && existing && !existing.deleteMarker) {
        return sendError(
          res,
          412,
          "PreconditionFailed",
          "At least one of the pre-conditions you specified did not hold",
          { Condition: "If-None-Match" },
        );
      }
      const version: FakeObjectVersion = {
        versionId: randomBytes(12).toString("hex"),
        body,
        etag: `"${createHash("md5").update(body).digest("hex")}"`,
        lastModified: new Date(),
        deleteMarker: false,
        lockMode: mode ?? null,
        retainUntil: until ? new Date(until) : null,
        headers: { ...req.headers },
      };
      // Buckets with Object Lock are versioned: an unconditional PUT adds a version, the old one stays.
      if (bucket.objectLock) bucket.keys.set(key, [...(bucket.keys.get(key) ?? []), version]);
      else bucket.keys.set(key, [version]);
      res.writeHead(200, {
        etag: version.etag,
        ...(bucket.objectLock ? { "x-amz-version-id": version.versionId } : {}),
      });
      return res.end();
    }

    if (req.method === "GET" && key) {
      const versionId = url.searchParams.get("versionId");
      const version = versionId ? bucket.keys.get(key)?.find((v) => v.versionId === versionId) : current(key);
      if (!version || version.deleteMarker)
        return sendError(res, 404, "NoSuchKey", "The specified key does not exist.", { Key: key });
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": String(version.body.length),
        etag: version.etag,
        "last-modified": version.lastModified.toUTCString(),
        ...(version.lockMode
          ? {
              "x-amz-object-lock-mode": version.lockMode,
              "x-amz-object-lock-retain-until-date": version.retainUntil!.toISOString(),
            }
          : {}),
      });
      return res.end(version.body);
    }

    if (req.method === "GET" && !key && url.searchParams.get("list-type") === "2") {
      const prefix = url.searchParams.get("prefix") ?? "";
      const maxKeys = Math.min(Number(url.searchParams.get("max-keys") ?? 1000), 1000);
      const token = url.searchParams.get("continuation-token");
      const after = token ? Buffer.from(token, "base64").toString() : (url.searchParams.get("start-after") ?? "");
      const keys = [...bucket.keys.keys()]
        .filter((k) => k.startsWith(prefix) && k > after && !current(k)!.deleteMarker)
        .sort();
      const page = keys.slice(0, maxKeys);
      const truncated = keys.length > page.length;
      const contents = page
        .map((k) => {
          const v = current(k)!;
          return (
            `<Contents><Key>${xmlEscape(k)}</Key><LastModified>${v.lastModified.toISOString()}</LastModified>` +
            `<ETag>${xmlEscape(v.etag)}</ETag><Size>${v.body.length}</Size><StorageClass>STANDARD</StorageClass>` +
            `</Contents>`
          );
        })
        .join("");
      const next = truncated
        ? `<NextContinuationToken>${Buffer.from(page.at(-1)!).toString("base64")}</NextContinuationToken>`
        : "";
      res.writeHead(200, { "content-type": "application/xml" });
      return res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${xmlEscape(bucketName)}</Name>` +
          `<Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${page.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys>` +
          `<IsTruncated>${truncated}</IsTruncated>${contents}${next}</ListBucketResult>`,
      );
    }

    if (req.method === "DELETE" && key) {
      const versionId = url.searchParams.get("versionId");
      const versions = bucket.keys.get(key) ?? [];
      if (versionId) {
        const version = versions.find((v) => v.versionId === versionId);
        if (!version)
          return sendError(res, 404, "NoSuchVersion", "The specified version does not exist.", {
            Key: key,
            VersionId: versionId,
          });
        if (version.lockMode === "COMPLIANCE" && version.retainUntil! > new Date()) {
          return sendError(res, 403, "AccessDenied", "Access Denied because object protected by object lock.");
        }
        bucket.keys.set(
          key,
          versions.filter((v) => v !== version),
        );
        res.writeHead(204, { "x-amz-version-id": versionId });
        return res.end();
      }
      if (bucket.objectLock) {
        const marker: FakeObjectVersion = {
          versionId: randomBytes(12).toString("hex"),
          body: Buffer.alloc(0),
          etag: "",
          lastModified: new Date(),
          deleteMarker: true,
          lockMode: null,
          retainUntil: null,
          headers: {},
        };
        bucket.keys.set(key, [...versions, marker]);
        res.writeHead(204, { "x-amz-delete-marker": "true", "x-amz-version-id": marker.versionId });
        return res.end();
      }
      bucket.keys.delete(key);
      res.writeHead(204);
      return res.end();
    }

    return sendError(
      res,
      501,
      "NotImplemented",
      `A header or operation you provided implies functionality that is not implemented (${req.method} ${url.pathname})`,
    );
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    accessKeyId,
    secretAccessKey,
    createBucket: (name, options = {}) =>
      void buckets.set(name, { objectLock: options.objectLock ?? false, keys: new Map() }),
    versions: (name) => buckets.get(name)?.keys ?? new Map(),
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

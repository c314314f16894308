/**
 * The token of an `Authorization: Bearer <token>` header, or null. The scheme is matched without
 * regard to case (RFC 9110 §11.1, RFC 6750 §2.1), on every endpoint that takes a token.
 */
export function bearerToken(header: string | null | undefined): string | null {
  const match = header ? /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header) : null;
  return match ? match[1]! : null;
}

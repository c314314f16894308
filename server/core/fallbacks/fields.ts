/** A fallback's top-level fields (docs/fallbacks.md): what the parser accepts and the editor completes. */
export const FALLBACK_FIELDS = [
  "name",
  "description",
  "scope",
  "resource",
  "namespace",
  "priority",
  "subjects",
  "action",
  "message",
  "constraints",
  "request",
  "tags",
] as const;

// Fallback policies (pure): what happens when no policy gives someone a resource (docs/fallbacks.md).
export * from "./types";
export { parseFallbackFile, NAMESPACE_PATTERN, type ParsedFallbackFile } from "./parse";
export { serializeFallback } from "./serialize";
export { lintFallbacks, type FallbackLintContext } from "./lint";
export {
  resolveFallback,
  compareFallbacks,
  targetCovers,
  isBusinessHours,
  failureText,
  type ResolveFallbackInput,
} from "./resolve";
export { parseDuration, shortDuration } from "./duration";

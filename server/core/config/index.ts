// Configuration as code (pure): systems, resources, templates, approver groups, fallbacks and exception-type settings as YAML (docs/config-as-code.md).
export * from "./types";
export { parseConfigFiles, fallbackDocuments, type ParsedConfig } from "./parse";
export { serializeConfig } from "./serialize";
export { lintConfig, problemText, resourceSystem, type ConfigLintContext } from "./lint";
export { desiredConfig, planConfigChanges, planText, planCounts, canonicalJson, itemKey } from "./diff";

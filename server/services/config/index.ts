export {
  exportConfigFiles,
  previewConfigImport,
  importConfig,
  pendingConfigChanges,
  decideConfigChange,
  type ImportOutcome,
} from "./import";

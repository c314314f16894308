export { policyEngine, loadPolicyIdentities, activeVersion } from "./engine";
export { type FileChangeInput } from "./drafts";
export {
  savePolicyChange,
  restorePolicyVersion,
  decidePolicyChange,
  listPolicyVersions,
  getPolicyVersion,
  pendingPolicyChanges,
  setPolicySettings,
  requiresSecondApproval,
  importPolicyFiles,
} from "./versions";
export {
  listPolicies,
  getPolicyFile,
  lintPolicyDraft,
  previewPolicyDraft,
  expectedAccessOf,
  explainPersonAccess,
  whatIfAttributes,
  policyOverview,
  exportPolicyFiles,
} from "./analysis";
export { loadPolicyVocabulary } from "./vocabulary";

// The policy engine (pure): parse → lint → compile → evaluate / explain / preview.
export * from "./types";
export { parsePolicyFile } from "./parse";
export { loadPolicySet, isPolicyFile, isPolicyTestFile, type PolicyFile, type LoadedPolicySet } from "./policy-set";
export { AliasTable, matchKey } from "./normalize";
export { compilePolicySet, type CompiledPolicySet, type CompileOptions } from "./compile";
export { evaluateIdentity, evaluateAll, evaluatePrepared, matchedPolicies, clearEvaluationMemo } from "./evaluate";
export { EvaluatedGrants } from "./results";
export { prepareIdentity } from "./prepare";
export { explainAccess, requirementText, type Explanation, type FailedCondition, type GrantSource } from "./explain";
export {
  explainWithTemporaryAccess,
  temporaryAccessCounts,
  type AccessExplanation,
  type HeldAccess,
  type HeldAccessAnswer,
} from "./explain-temporary";
export { lintPolicies, complexity, DEFAULT_COMPLEXITY_THRESHOLD, type LintContext } from "./lint";
export { unknownValues, type UnknownValue } from "./unknown-values";
export { policyVocabulary, type PolicyVocabulary } from "./vocabulary";
export {
  diffGrants,
  previewImpact,
  affectedPolicyNames,
  matchedPolicyNames,
  isEmptyDelta,
  type GrantDelta,
  type ImpactPreview,
} from "./impact";
export { diffLines, diffPolicySets, type LineOp, type FileChange } from "./diff";
export { policyGraph, toMermaid, type PolicyGraph } from "./graph";
export { policyCoverage, type Coverage } from "./coverage";
export { parsePolicyTests, runPolicyTests, type PolicyTestCase, type PolicyTestFailure } from "./policy-tests";

/** A policy file's top-level fields (docs/policy-language.md): what the parser accepts and the editor completes. */
export const POLICY_FIELDS = ["name", "description", "priority", "effect", "inherits", "when", "grants"] as const;

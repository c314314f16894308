-- Sources become scoped to the people they manage (docs/security/source-scoping.md). People a
-- source hired before this release stay that source's, so its HR events and SCIM sync keep
-- working: the audit trail names who hired each one (system:hr:<key> for HR events,
-- system:scim:<key> for SCIM). Everyone else (seed, CSV import, IT) is managed by no source
-- until IT hands them over.
UPDATE "identities" AS i
SET "managed_by" = s."key"
FROM "audit_events" AS e
JOIN "hr_sources" AS s ON e."actor_label" IN ('system:hr:' || s."key", 'system:scim:' || s."key")
WHERE e."action" = 'identity.hired'
  AND e."subject_type" = 'identity'
  AND e."subject_id" = i."id"::text
  AND i."managed_by" IS NULL;

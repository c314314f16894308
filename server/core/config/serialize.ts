import { Document, isScalar, visit } from "yaml";
import { exceptionTypes } from "../exceptions/types";
import { shortDuration } from "../fallbacks/duration";
import { configFileOf, configKinds, type ConfigFile, type ConfigKind, type ConfigSet } from "./types";

/**
 * A configuration as its files, the same bytes for the same configuration: items sorted by key
 * (exception types in their usual order), fields in a fixed order, adapter settings by name.
 * parseConfigFiles reads them back to the same items.
 */
export function serializeConfig(set: ConfigSet): ConfigFile[] {
  return configKinds.map((kind) => ({ path: configFileOf[kind], source: serializeKind(kind, set) }));
}

const byKey =
  <T>(keyOf: (t: T) => string) =>
  (a: T, b: T) =>
    keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0;

/** YAML of a list of items; lists of plain values (levels, members, durations) on one line. */
function yaml(items: unknown[]): string {
  if (items.length === 0) return "[]\n";
  const doc = new Document(items);
  visit(doc, {
    Seq(_, node) {
      if (node !== doc.contents && node.items.every((i) => isScalar(i))) node.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}

/** Object keys sorted, at every depth (adapter settings are written in one order, whatever order they were saved in). */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
    );
  return value;
}

function serializeKind(kind: ConfigKind, set: ConfigSet): string {
  switch (kind) {
    case "systems":
      return yaml(
        [...set.systems].sort(byKey((s) => s.key)).map((s) => ({
          key: s.key,
          name: s.name,
          description: s.description,
          accessLevels: s.accessLevels,
          adapter: { kind: s.adapter.kind, settings: sortedKeys(s.adapter.settings) },
          reviewPlans: s.reviewPlans,
          graceDays: s.graceDays,
          driftAutoRemediate: s.driftAutoRemediate,
        })),
      );
    case "resources":
      return yaml(
        [...set.resources].sort(byKey((r) => r.key)).map((r) => ({
          key: r.key,
          displayName: r.displayName,
          description: r.description,
          sensitivity: r.sensitivity,
          requestable: r.requestable,
          defaultTemplate: r.defaultTemplate,
          owners: [...r.owners].sort(),
        })),
      );
    case "templates":
      return yaml(
        [...set.templates].sort(byKey((t) => t.key)).map((t) => ({
          key: t.key,
          name: t.name,
          description: t.description,
          active: t.active,
          definition: t.definition,
        })),
      );
    case "approverGroups":
      return yaml(
        [...set.approverGroups].sort(byKey((g) => g.key)).map((g) => ({
          key: g.key,
          name: g.name,
          description: g.description,
          members: g.members,
        })),
      );
    case "exceptionTypes":
      return yaml(
        [...set.exceptionTypes]
          .sort((a, b) => exceptionTypes.indexOf(a.type) - exceptionTypes.indexOf(b.type))
          .map((t) => ({
            type: t.type,
            maxDuration: shortDuration(t.maxDurationMinutes),
            reminders: t.reminderOffsetsMinutes.map(shortDuration),
            extensible: t.extensible,
            escalatedApproverGroup: t.escalatedApproverGroup,
          })),
      );
    case "fallbacks":
      return [...set.fallbacks]
        .sort(byKey((f) => f.name))
        .map((f) => f.source)
        .join("---\n");
  }
}

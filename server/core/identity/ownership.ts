import { hasValue, hrAttributes, sameValue, type AttributeValue, type HrAttribute } from "./attributes";

/**
 * Attribute ownership (issue 16, point 3). Every channel that writes people's HR attributes (an
 * HR event source, a SCIM source, a directory pull, a CSV import, adding by hand) declares the
 * attributes it is authoritative for; null means all of them. A source that manages a person is
 * authoritative for its attributes over IT's own channels too: a CSV import cannot set a title
 * that the next push from the source would take back.
 */
export type OwnedAttributes = readonly string[] | null;

export const owns = (owned: OwnedAttributes, attribute: string) => owned === null || owned.includes(attribute);

/** Who else decides an attribute: the managing source, when the writer is not that source. */
export interface Authority {
  /** the source that manages the person, when it is not the writer itself */
  sourceKey: string;
  owned: OwnedAttributes;
}

export type IgnoredReason = "not_owned" | "owned_by_source";

export interface IgnoredWrite {
  attribute: HrAttribute;
  /** the value the writer sent, which was not applied */
  sent: AttributeValue;
  reason: IgnoredReason;
}

/**
 * Splits a write into what applies and what is ignored. Only ignored writes that would have
 * changed something, to a value, are worth recording: a PUT that leaves out an attribute the
 * client does not own, or sends the value already stored, tells nobody anything.
 */
export function splitByOwnership(
  values: Partial<Record<HrAttribute, AttributeValue>>,
  current: Partial<Record<HrAttribute, AttributeValue>> | null,
  writer: OwnedAttributes,
  authority: Authority | null,
): { applied: Partial<Record<HrAttribute, AttributeValue>>; ignored: IgnoredWrite[] } {
  const applied: Partial<Record<HrAttribute, AttributeValue>> = {};
  const ignored: IgnoredWrite[] = [];
  for (const attribute of hrAttributes) {
    if (!(attribute in values)) continue;
    const sent = values[attribute] ?? null;
    const reason: IgnoredReason | null = !owns(writer, attribute)
      ? "not_owned"
      : authority && owns(authority.owned, attribute)
        ? "owned_by_source"
        : null;
    if (!reason) applied[attribute] = sent;
    else if (hasValue(sent) && !sameValue(sent, current?.[attribute] ?? null))
      ignored.push({ attribute, sent, reason });
  }
  return { applied, ignored };
}

/** Checks a list of attribute names someone wants a channel to own. */
export function ownedAttributesProblem(attributes: readonly string[]): string | null {
  const unknown = attributes.filter((a) => !(hrAttributes as readonly string[]).includes(a));
  if (unknown.length) return `Not HR attributes: ${unknown.join(", ")} (known: ${hrAttributes.join(", ")})`;
  return null;
}

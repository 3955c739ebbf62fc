import type { ManifestSet } from '../manifest/types.js';
import { environmentState } from '../model/normalize.js';
import type { PolicyInstance } from '../model/types.js';

/** Policy types whose verdict depends on what records do not carry; a refusal of theirs is taken from the recording. */
export const UNRECORDED_INPUTS: Readonly<Record<string, string>> = {
  'json-threat-protection': 'request bodies',
  'xml-threat-protection': 'request bodies',
  custom: 'whatever a custom policy reads',
};

/** Headers a record carries (everything else a policy reads is absent in replay). */
const RECORDED_HEADERS = new Set(['origin', 'x-forwarded-for']);

/** What a policy reads that records do not carry, or undefined. */
export function unrecordedInput(policy: PolicyInstance): string | undefined {
  const known = UNRECORDED_INPUTS[policy.type];
  if (known) return known;
  const selector = policy.config.keySelector as { source?: string; header?: string } | undefined;
  if (selector?.source === 'header' && selector.header && !RECORDED_HEADERS.has(selector.header.toLowerCase())) return `the ${selector.header} header it counts by`;
  return undefined;
}

/**
 * What replay cannot measure in this comparison: policies of the head (and of
 * the base, when it is replayed) that read inputs records do not carry.
 */
export function replayNotes(base: ManifestSet | undefined, head: ManifestSet, environment: string): string[] {
  const notes = new Set<string>();
  for (const set of base ? [base, head] : [head]) {
    if (!set.environments.some((e) => e.name === environment)) continue;
    for (const api of environmentState(set, environment).apis) {
      for (const policy of api.chain) {
        const input = policy.enabled ? unrecordedInput(policy) : undefined;
        if (input) notes.add(`${api.name}/${policy.name} (${policy.type}) reads ${input}, which access records do not carry: its refusals are taken from the recording, and a change to it is not measured`);
      }
    }
  }
  return [...notes].sort();
}

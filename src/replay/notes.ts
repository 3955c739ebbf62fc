import type { ManifestSet } from '../manifest/types.js';
import { environmentState } from '../model/normalize.js';
import type { PolicyInstance } from '../model/types.js';
import { compileStringExpression } from '../policies/expressions/index.js';

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
  const selector = policy.config.keySelector as
    | string
    | { source?: string; header?: string; clientIpHeader?: string }
    | undefined;
  if (typeof selector === 'string') return unrecordedInExpression(selector);
  const header = selector?.source === 'header' ? selector.header : selector?.clientIpHeader;
  if (header && !RECORDED_HEADERS.has(header.toLowerCase())) return `the ${header} header it counts by`;
  return undefined;
}

/** What a key expression reads beyond the recorded headers (query strings are not recorded at all). */
function unrecordedInExpression(text: string): string | undefined {
  const { headers, queryParams } = compileStringExpression(text, { basePath: '/' });
  const unrecorded = [
    ...headers.filter((h) => !RECORDED_HEADERS.has(h)).map((h) => `the ${h} header`),
    ...queryParams.map((q) => `the ${q} query parameter`),
  ];
  return unrecorded.length ? `${unrecorded.join(' and ')} its key expression reads` : undefined;
}

/**
 * What replay cannot measure in this comparison: policies of the head (and of
 * the base, when it is replayed) that read inputs records do not carry.
 */
export function replayNotes(base: ManifestSet | undefined, head: ManifestSet, environment: string): string[] {
  const notes = new Set<string>();
  for (const set of base ? [base, head] : [head]) {
    if (!set.environments.some((e) => e.name === environment)) continue;
    const state = environmentState(set, environment);
    for (const api of state.apis) {
      const sampling = api.accessRecords?.sampling;
      if (sampling !== undefined && sampling < 1)
        notes.add(
          `${api.name} records ${Math.round(sampling * 1000) / 10}% of its requests: limits see fewer requests in replay than the gateway counted, so refusals by rate limiting and spike control are under-predicted`,
        );
    }
    for (const api of state.apis) {
      for (const policy of api.chain) {
        const input = policy.enabled ? unrecordedInput(policy) : undefined;
        if (input)
          notes.add(
            `${api.name}/${policy.name} (${policy.type}) reads ${input}, which access records do not carry: its refusals are taken from the recording, and a change to it is not measured`,
          );
      }
    }
  }
  return [...notes].sort();
}

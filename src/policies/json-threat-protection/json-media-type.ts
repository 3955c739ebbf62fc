import { isSuffixed, subtypeOf } from '../shared/media-type.js';

/** Older names for JSON that frameworks still parse as JSON (Rails: text/x-json, application/jsonrequest; Symfony: application/x-json). */
const JSON_ALIASES: ReadonlySet<string> = new Set(['application/x-json', 'text/x-json', 'application/jsonrequest']);

/**
 * Every media type whose body an upstream may parse as JSON: any `<type>/json`
 * (application/json, text/json), any `<type>/<name>+json` (application/merge-patch+json,
 * application/vnd.api+json), and the aliases above. A body the policy skips is
 * a body it does not protect, so this errs on the side of inspecting.
 * (JSON sequences, application/json-seq and NDJSON, are not one JSON text.)
 */
export function isJsonMediaType(mediaType: string): boolean {
  return isSuffixed(subtypeOf(mediaType), 'json') || JSON_ALIASES.has(mediaType);
}

import { hasStructuredSuffix } from '../shared/media-type.js';

/** application/json and application/*+json (e.g. application/merge-patch+json). */
export function isJsonMediaType(mediaType: string): boolean {
  return hasStructuredSuffix(mediaType, 'application', 'json');
}

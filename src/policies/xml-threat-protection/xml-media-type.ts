import { hasStructuredSuffix } from '../shared/media-type.js';

/** application/xml, text/xml and application/*+xml (e.g. application/soap+xml). */
export function isXmlMediaType(mediaType: string): boolean {
  return mediaType === 'text/xml' || hasStructuredSuffix(mediaType, 'application', 'xml');
}

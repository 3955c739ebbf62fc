const BASIC_SCHEME = /^basic +/i;

/** Username and password from an `Authorization: Basic ...` header, or undefined when absent or malformed. */
export function parseBasicAuthorization(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined) return undefined;
  // The scheme is case-insensitive (RFC 7617).
  const scheme = BASIC_SCHEME.exec(header);
  if (scheme === null) return undefined;
  const decoded = Buffer.from(header.slice(scheme[0].length).trim(), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

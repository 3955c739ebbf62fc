import { createHmac, timingSafeEqual } from 'node:crypto';

/** The whole header: "sha256=" and exactly 64 hex digits, nothing before or after. */
const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

/** GitHub's X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body with the shared secret. */
export function verifyGithubSignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  // Buffer.from(hex) stops at the first non-hex character: parse the whole header, or trailing garbage passes.
  const hex = header === undefined ? undefined : SIGNATURE.exec(header)?.[1];
  if (hex === undefined) return false;
  const presented = Buffer.from(hex, 'hex');
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export function signGithubPayload(secret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

import type { Exchange, PolicyFactory, Reply } from '../sdk/index.js';
import { safeEqual } from '../../secrets/hash.js';
import { isSealed, isStored } from '../../secrets/sealed.js';
import { BUSY, VerifiedCredentials, presentedKey, verifyPresented } from '../../secrets/verification.js';
import { parseBasicAuthorization } from '../shared/basic-authorization.js';
import { REPEATED_AUTHORIZATION } from '../shared/credentials.js';
import { firstHeader } from '../shared/headers.js';
import { LOCAL_PRINCIPAL } from '../shared/locals.js';
import { isRepeatedHeader } from '../shared/repeated-headers.js';
import { jsonError } from '../shared/replies.js';
import type { BasicAuthConfig } from './index.js';

/**
 * One username and password; 401 with a Basic challenge otherwise. Each distinct
 * credential is checked against the stored scrypt digest once, off the event
 * loop; its verdict is remembered under a keyed hash of its header (never the value)
 * for as long as the stored secret is unchanged, reloads included.
 */
export const create: PolicyFactory<BasicAuthConfig> = (config, ctx) => {
  const password = config.password;
  if (!isStored(password)) {
    // The gateway seals secrets before compiling; a string here is an unresolved reference or plain text.
    throw new Error(
      `basic-auth ${ctx.policyName}: the password reached the gateway unsealed; it must be a stored digest`,
    );
  }
  const { username } = config;
  const challenge = `Basic realm="${config.realm}"`;
  const verified = ctx.keep(
    `verified:${username}:${isSealed(password) ? password.hash : password.sha256}`,
    () => new VerifiedCredentials<true>(),
  );
  const refuse = (): Reply => jsonError(401, 'authentication required', { 'www-authenticate': challenge });
  // The verified user: what later expressions read as authentication.principal, and the access record's principal.
  const admit = (exchange: Exchange): undefined => {
    exchange.locals[LOCAL_PRINCIPAL] = username;
    return undefined;
  };

  return {
    request(exchange) {
      // Replayed traffic: the user the recorded request proved, if any (records hold no passwords).
      if (exchange.proven) return exchange.proven.principal === username ? admit(exchange) : refuse();
      // node:http keeps only the first of two Authorization headers; the client meant something else.
      if (isRepeatedHeader(exchange, 'authorization')) return jsonError(400, REPEATED_AUTHORIZATION);
      const header = firstHeader(exchange.requestHeaders, 'authorization');
      if (header === undefined) return refuse();
      // Remembered under the header as sent: a hit needs no decoding. Only well-formed headers are remembered.
      const key = presentedKey(header);
      const known = verified.lookup(key);
      if (known !== undefined) return known ? admit(exchange) : refuse();
      const presented = parseBasicAuthorization(header);
      if (presented === undefined) return refuse();
      // Both checks always run, so the time taken does not tell which one failed.
      const userOk = safeEqual(presented.user, username);
      return verifyPresented(presented.password, password).then((ok) => {
        if (ok === BUSY)
          return jsonError(503, 'too many credentials are being verified; retry', { 'retry-after': '1' });
        const accepted = ok && userOk;
        verified.remember(key, accepted || false);
        return accepted ? admit(exchange) : refuse();
      });
    },
  };
};

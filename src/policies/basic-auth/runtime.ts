import type { PolicyFactory } from '../../gateway/chain/types.js';
import { parseBasicAuthorization } from '../shared/basic-authorization.js';
import { sameDigest, sha256Hex, verifySecret } from '../../secrets/hash.js';
import { REPEATED_AUTHORIZATION } from '../shared/credentials.js';
import { firstHeader } from '../shared/headers.js';
import { isRepeatedHeader } from '../shared/repeated-headers.js';
import { jsonError } from '../shared/replies.js';
import type { BasicAuthConfig } from './index.js';

/** One username and password; 401 with a Basic challenge otherwise. Credentials are never logged, echoed or cached. */
export const create: PolicyFactory<BasicAuthConfig> = (config, ctx) => {
  const password = config.password;
  if (typeof password === 'string') {
    // The gateway hashes secrets before compiling; a string here is an unresolved reference or plain text.
    throw new Error(`basic-auth ${ctx.policyName}: the password reached the gateway unhashed; it must be a {salt, sha256} value`);
  }
  // The configured username is hashed once here; each request hashes only what it presents.
  const username = sha256Hex(config.username);
  const challenge = `Basic realm="${config.realm}"`;

  return {
    request(exchange) {
      // node:http keeps only the first of two Authorization headers; the client meant something else.
      if (isRepeatedHeader(exchange.requestHeaders, 'authorization')) return jsonError(400, REPEATED_AUTHORIZATION);
      const presented = parseBasicAuthorization(firstHeader(exchange.requestHeaders, 'authorization'));
      if (presented !== undefined) {
        // Both checks always run, so the time taken does not tell which one failed.
        const userOk = sameDigest(sha256Hex(presented.user), username);
        const passwordOk = verifySecret(presented.password, password);
        if (userOk && passwordOk) return undefined;
      }
      return jsonError(401, 'authentication required', { 'www-authenticate': challenge });
    },
  };
};

import type { Exchange } from '../../gateway/chain/types.js';
import type { CredentialsConfig } from '../client-id-enforcement/index.js';
import { parseBasicAuthorization } from './basic-authorization.js';
import { firstHeader } from './headers.js';
import { queryParam } from './query.js';

export interface PresentedCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
}

export type CredentialsReader = (exchange: Exchange) => PresentedCredentials;

/** Compiles where client credentials are read from (headers, query parameters or a Basic header). */
export function compileCredentialsReader(config: CredentialsConfig): CredentialsReader {
  switch (config.credentialsOrigin) {
    case 'headers': {
      const idHeader = config.clientIdName.toLowerCase();
      const secretHeader = config.clientSecretName.toLowerCase();
      return (exchange) => ({
        clientId: nonEmpty(firstHeader(exchange.requestHeaders, idHeader)),
        clientSecret: nonEmpty(firstHeader(exchange.requestHeaders, secretHeader)),
      });
    }
    case 'query': {
      const idParam = config.clientIdName;
      const secretParam = config.clientSecretName;
      return (exchange) => ({
        clientId: nonEmpty(queryParam(exchange.search, idParam)),
        clientSecret: nonEmpty(queryParam(exchange.search, secretParam)),
      });
    }
    case 'basic':
      return (exchange) => {
        const basic = parseBasicAuthorization(firstHeader(exchange.requestHeaders, 'authorization'));
        return { clientId: nonEmpty(basic?.user), clientSecret: nonEmpty(basic?.password) };
      };
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

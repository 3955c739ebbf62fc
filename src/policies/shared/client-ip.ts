import { compileStringExpression } from '../expressions/index.js';
import type { Exchange } from '../sdk/index.js';
import { compileAddressMatcher, familyOf } from './cidr.js';
import { joinedHeader } from './headers.js';

export interface ClientIpConfig {
  clientIpHeader?: string;
  /** Where the client address is read (an expression); the first address of its value counts unless trustedProxies are set. */
  ipExpression?: string;
  trustedProxies?: readonly string[];
}

/** The client's IP address, or undefined when a trusted proxy sent one that cannot be parsed. */
export type ClientIpResolver = (exchange: Exchange) => string | undefined;

/**
 * Compiles how the client IP is found. The TCP peer is the client unless:
 * - an ipExpression is configured without trustedProxies: then the first
 *   address of its value (the reference's default reads X-Forwarded-For so);
 * - the peer is a trusted proxy and a client IP header or ipExpression is
 *   configured: then the right-most address of that value (an X-Forwarded-For
 *   chain) that is not itself a trusted proxy.
 * An untrusted peer's header is ignored when trustedProxies are set: anyone can send one.
 * A value that is missing leaves the peer as the client.
 */
export function compileClientIpResolver(config: ClientIpConfig, basePath = '/'): ClientIpResolver {
  const trusted = config.trustedProxies ?? [];
  const read = compileForwarded(config, basePath);
  if (read === undefined) return (exchange) => exchange.remoteAddress;
  if (trusted.length === 0) {
    return (exchange) => {
      const chain = read(exchange);
      if (chain === undefined || chain.trim() === '') return exchange.remoteAddress;
      const comma = chain.indexOf(',');
      return addressOfHop(comma === -1 ? chain : chain.slice(0, comma));
    };
  }
  const isTrusted = compileAddressMatcher(trusted);
  return (exchange) => {
    const peer = exchange.remoteAddress;
    if (!isTrusted(peer)) return peer;
    const chain = read(exchange);
    // A trusted proxy that forwarded nothing is itself the client.
    if (chain === undefined || chain.trim() === '') return peer;
    const hops = chain.split(',');
    for (let i = hops.length - 1; i >= 0; i--) {
      const address = addressOfHop(hops[i] as string);
      if (address === undefined) return undefined;
      if (!isTrusted(address) || i === 0) return address;
    }
    return undefined;
  };
}

function compileForwarded(
  config: ClientIpConfig,
  basePath: string,
): ((exchange: Exchange) => string | undefined) | undefined {
  if (config.ipExpression !== undefined) {
    const { evaluate } = compileStringExpression(config.ipExpression, { basePath });
    return (exchange) => evaluate(exchange) ?? undefined;
  }
  if (config.clientIpHeader !== undefined && (config.trustedProxies ?? []).length > 0) {
    const header = config.clientIpHeader.toLowerCase();
    return (exchange) => joinedHeader(exchange.requestHeaders, header);
  }
  return undefined;
}

/** The address of one X-Forwarded-For hop: trims, and drops a port ("1.2.3.4:80", "[::1]:80") and an IPv6 zone. */
export function addressOfHop(hop: string): string | undefined {
  let text = hop.trim();
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close === -1) return undefined;
    text = text.slice(1, close);
  } else if (text.indexOf(':') !== -1 && text.indexOf(':') === text.lastIndexOf(':')) {
    // Exactly one colon: IPv4 with a port. IPv6 has at least two.
    text = text.slice(0, text.indexOf(':'));
  }
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  return familyOf(text) === undefined ? undefined : text;
}

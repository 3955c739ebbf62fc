import type { Exchange } from '../sdk/index.js';
import { compileAddressMatcher, familyOf } from './cidr.js';
import { joinedHeader } from './headers.js';

export interface ClientIpConfig {
  clientIpHeader?: string;
  trustedProxies?: readonly string[];
}

/** The client's IP address, or undefined when a trusted proxy sent one that cannot be parsed. */
export type ClientIpResolver = (exchange: Exchange) => string | undefined;

/**
 * Compiles how the client IP is found. The TCP peer is the client unless it is
 * a trusted proxy and a client IP header is configured: then the right-most
 * address of that header (an X-Forwarded-For chain) that is not itself a
 * trusted proxy is. An untrusted peer's header is ignored: anyone can send one.
 */
export function compileClientIpResolver(config: ClientIpConfig): ClientIpResolver {
  const trusted = config.trustedProxies ?? [];
  if (config.clientIpHeader === undefined || trusted.length === 0) {
    return (exchange) => exchange.remoteAddress;
  }
  const header = config.clientIpHeader.toLowerCase();
  const isTrusted = compileAddressMatcher(trusted);

  return (exchange) => {
    const peer = exchange.remoteAddress;
    if (!isTrusted(peer)) return peer;
    const chain = joinedHeader(exchange.requestHeaders, header);
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

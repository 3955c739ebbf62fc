import { describe, expect, it } from 'vitest';
import type { IpBlocklistConfig } from '../../src/policies/ip-blocklist/index.js';
import { compileChain } from '../helpers/chain.js';
import type { ExchangeInit } from '../helpers/exchange.js';

const policy = (config: Partial<IpBlocklistConfig> & Pick<IpBlocklistConfig, 'ips'>) =>
  compileChain({ type: 'ip-blocklist', config: { trustedProxies: [], ...config } });
const from = (remoteAddress: string, xff?: string): ExchangeInit => ({
  remoteAddress,
  headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
});

describe('ip-blocklist', () => {
  it('rejects listed IPv4 and IPv6 addresses with 403 and admits the rest', async () => {
    const chain = await policy({ ips: ['198.51.100.0/24', '2001:db8:bad::/48'] });
    const blocked = await chain.send(from('198.51.100.20'));
    expect(blocked.status).toBe(403);
    expect(blocked.body).toEqual({ error: expect.any(String) });
    expect((await chain.send(from('2001:db8:bad::1'))).status).toBe(403);
    expect((await chain.send(from('2001:db8:900d::1'))).status).toBe(200);
    expect((await chain.send(from('203.0.113.1'))).status).toBe(200);
  });

  it('blocks IPv4-mapped IPv6 peers in a listed IPv4 range', async () => {
    const chain = await policy({ ips: ['198.51.100.0/24'] });
    expect((await chain.send(from('::ffff:198.51.100.1'))).status).toBe(403);
  });

  it('blocks the forwarded client behind a trusted proxy, but not on an untrusted peer’s say-so', async () => {
    const chain = await policy({
      ips: ['198.51.100.0/24'],
      clientIpHeader: 'x-forwarded-for',
      trustedProxies: ['10.0.0.0/8'],
    });
    expect((await chain.send(from('10.0.0.2', '198.51.100.1'))).status).toBe(403);
    // An untrusted peer cannot get someone else blocked (nor itself unblocked).
    expect((await chain.send(from('203.0.113.1', '198.51.100.1'))).status).toBe(200);
    expect((await chain.send(from('198.51.100.2', '203.0.113.1'))).status).toBe(403);
  });

  it('falls back to the peer when the forwarded address cannot be parsed', async () => {
    const chain = await policy({
      ips: ['10.0.0.66'],
      clientIpHeader: 'x-forwarded-for',
      trustedProxies: ['10.0.0.0/8'],
    });
    expect((await chain.send(from('10.0.0.2', 'garbage'))).status).toBe(200);
    expect((await chain.send(from('10.0.0.66', 'garbage'))).status).toBe(403);
  });
});

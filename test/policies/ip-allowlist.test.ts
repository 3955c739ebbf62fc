import { describe, expect, it } from 'vitest';
import type { IpFilterConfig } from '../../src/policies/ip-allowlist/index.js';
import { checkPolicyConfig } from '../../src/policies/config-check.js';
import { compileChain } from '../helpers/chain.js';
import type { ExchangeInit } from '../helpers/exchange.js';

const policy = (config: Partial<IpFilterConfig> & Pick<IpFilterConfig, 'ips'>) =>
  compileChain({ type: 'ip-allowlist', config: { trustedProxies: [], ...config } });
const from = (remoteAddress: string, xff?: string): ExchangeInit => ({
  remoteAddress,
  headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
});

describe('ip-allowlist', () => {
  it('admits addresses inside the IPv4 ranges and answers 403 otherwise', async () => {
    const chain = await policy({ ips: ['10.0.0.0/8', '192.0.2.7'] });
    expect((await chain.send(from('10.20.30.40'))).status).toBe(200);
    expect((await chain.send(from('192.0.2.7'))).status).toBe(200);
    const denied = await chain.send(from('192.0.2.8'));
    expect(denied.status).toBe(403);
    expect(denied.upstreamCalled).toBe(false);
    expect(denied.body).toEqual({ error: expect.any(String) });
  });

  it('matches IPv6 ranges', async () => {
    const chain = await policy({ ips: ['2001:db8::/32'] });
    expect((await chain.send(from('2001:db8:1::42'))).status).toBe(200);
    expect((await chain.send(from('2001:db9::1'))).status).toBe(403);
  });

  it('matches IPv4-mapped IPv6 addresses against IPv4 ranges', async () => {
    const chain = await policy({ ips: ['10.0.0.0/8'] });
    expect((await chain.send(from('::ffff:10.1.2.3'))).status).toBe(200);
    expect((await chain.send(from('::ffff:11.1.2.3'))).status).toBe(403);
  });

  it('takes the client from X-Forwarded-For when the peer is a trusted proxy', async () => {
    const chain = await policy({
      ips: ['203.0.113.0/24'],
      clientIpHeader: 'X-Forwarded-For',
      trustedProxies: ['192.168.0.0/16'],
    });
    // The right-most hop that is not a trusted proxy is the client.
    expect((await chain.send(from('192.168.0.10', '203.0.113.5, 192.168.0.11'))).status).toBe(200);
    expect((await chain.send(from('192.168.0.10', '[2001:db8::5]:443, 203.0.113.9:5555'))).status).toBe(200);
    // A forged left-most entry does not help: the proxy appended the real peer.
    expect((await chain.send(from('192.168.0.10', '203.0.113.5, 198.51.100.9'))).status).toBe(403);
  });

  it("ignores an untrusted peer's X-Forwarded-For", async () => {
    const chain = await policy({
      ips: ['203.0.113.0/24'],
      clientIpHeader: 'X-Forwarded-For',
      trustedProxies: ['192.168.0.0/16'],
    });
    expect((await chain.send(from('198.51.100.7', '203.0.113.5'))).status).toBe(403);
  });

  it('treats a trusted proxy that forwards nothing as the client, and an unparseable header as not allowed', async () => {
    const chain = await policy({
      ips: ['192.168.0.0/16'],
      clientIpHeader: 'X-Forwarded-For',
      trustedProxies: ['192.168.0.1'],
    });
    expect((await chain.send(from('192.168.0.1'))).status).toBe(200);
    expect((await chain.send(from('192.168.0.1', 'not-an-ip'))).status).toBe(403);
  });

  it('uses the left-most hop when every hop is a trusted proxy', async () => {
    const chain = await policy({
      ips: ['10.0.0.5'],
      clientIpHeader: 'X-Forwarded-For',
      trustedProxies: ['10.0.0.0/8'],
    });
    expect((await chain.send(from('10.0.0.1', '10.0.0.5, 10.0.0.2'))).status).toBe(200);
  });

  // Reference: "ips (required): single addresses, CIDR ranges, or leading octets (`192.168` = 192.168.0.0/16)".
  it('accepts leading octets as ranges: 192.168 is 192.168.0.0/16, 10.1.2 is 10.1.2.0/24, 10 is 10.0.0.0/8', async () => {
    const chain = await policy({ ips: ['192.168', '10.1.2', '172'] });
    for (const inside of ['192.168.200.1', '10.1.2.254', '172.31.0.1'])
      expect((await chain.send(from(inside))).status, inside).toBe(200);
    for (const outside of ['192.169.0.1', '10.1.3.1', '173.0.0.1'])
      expect((await chain.send(from(outside))).status, outside).toBe(403);
    expect(checkPolicyConfig('ip-allowlist', { ips: ['10.256'] }).schemaErrors).not.toEqual([]);
    expect(checkPolicyConfig('ip-allowlist', { ips: ['10.1.2.3.4'] }).schemaErrors).not.toEqual([]);
  });

  // Reference: "ipExpression (default: the first X-Forwarded-For address)".
  it("an ipExpression reading X-Forwarded-For without trusted proxies takes its first address, from any peer (the reference's behaviour), and validate warns", async () => {
    const config = { ips: ['203.0.113.0/24'], ipExpression: "#[attributes.headers['x-forwarded-for']]" };
    const chain = await policy(config);
    expect((await chain.send(from('198.51.100.7', '203.0.113.5, 198.51.100.1'))).status).toBe(200);
    expect((await chain.send(from('198.51.100.7', '198.51.100.1, 203.0.113.5'))).status).toBe(403);
    // No header: the peer is the client.
    expect((await chain.send(from('203.0.113.77'))).status).toBe(200);
    expect(checkPolicyConfig('ip-allowlist', config).problems).toEqual([
      expect.objectContaining({ path: ['ipExpression'], code: 'TG_CLIENT_ADDRESS_SPOOFABLE' }),
    ]);
  });

  it('an ipExpression with trusted proxies is believed only from them, right-most untrusted address first; no warning', async () => {
    const config = {
      ips: ['203.0.113.0/24'],
      ipExpression: "#[attributes.headers['x-real-chain']]",
      trustedProxies: ['10.0.0.0/8'],
    };
    const chain = await policy(config);
    const via = (peer: string, chain_: string): ExchangeInit => ({
      remoteAddress: peer,
      headers: { 'x-real-chain': chain_ },
    });
    expect((await chain.send(via('10.0.0.1', '198.51.100.1, 203.0.113.5, 10.0.0.2'))).status).toBe(200);
    expect((await chain.send(via('198.51.100.9', '203.0.113.5'))).status).toBe(403);
    expect(checkPolicyConfig('ip-allowlist', config).problems).toEqual([]);
    expect(checkPolicyConfig('ip-allowlist', { ...config, clientIpHeader: 'X-Forwarded-For' }).problems).toEqual([
      expect.objectContaining({ path: ['clientIpHeader'] }),
    ]);
    expect(checkPolicyConfig('ip-allowlist', { ips: ['10'], ipExpression: '#[payload]' }).problems).toEqual([
      expect.objectContaining({ code: 'TG_EXPRESSION', offset: 2 }),
    ]);
  });
});

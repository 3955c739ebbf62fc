import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { rawRequest } from './raw-http.js';

/**
 * IP filters compare addresses as 128 bits: on a real gateway, a blocked
 * address written another way (IPv4-mapped, hex, leading zeros, capitals,
 * uncompressed) is still blocked, and an allowlist admits nothing that is not
 * an address inside its ranges, however the client-supplied header is spelled.
 */

const FORWARDED = "#[attributes.headers['x-forwarded-for']]";

describe('IP filters and the spellings of an address', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  const status = async (path: string, forwardedFor: string) =>
    (await rawRequest(gw.url, `GET ${path} HTTP/1.1`, [`X-Forwarded-For: ${forwardedFor}`])).status;

  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startGatewayProcess();
    const applied = await gw.applyState(
      environmentState([
        api('blocked', upstream.url, [
          policy('deny', 'ip-blocklist', { ips: ['203.0.113.0/24', '2001:db8::/32'], ipExpression: FORWARDED }),
        ]),
        api('office', upstream.url, [
          policy('office', 'ip-allowlist', { ips: ['10.0.0.0/8'], ipExpression: FORWARDED }),
        ]),
      ]),
    );
    expect(applied.status).toBe(200);
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('a blocked address is blocked in every spelling, and its neighbours pass', async () => {
    for (const spelling of [
      '203.0.113.9',
      '::ffff:203.0.113.9',
      '::FFFF:203.0.113.9',
      '::ffff:cb00:7109',
      '0:0:0:0:0:ffff:cb00:7109',
      '2001:db8::1',
      '2001:DB8::1',
      '2001:0db8:0000:0000:0000:0000:0000:0001',
      '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
    ])
      expect({ spelling, status: await status('/blocked/x', spelling) }).toEqual({ spelling, status: 403 });
    for (const neighbour of ['203.0.112.255', '203.0.114.0', '::ffff:203.0.114.0', '2001:db9::1', '2001:db7::1'])
      expect({ neighbour, status: await status('/blocked/x', neighbour) }).toEqual({ neighbour, status: 200 });
  });

  it('an allowlist admits its range, IPv4-mapped too, and refuses what only looks like it', async () => {
    for (const inside of ['10.1.2.3', '::ffff:10.1.2.3', '::ffff:a01:203'])
      expect({ inside, status: await status('/office/x', inside) }).toEqual({ inside, status: 200 });
    for (const odd of [
      '10.0.0.1.evil.example',
      '010.0.0.1',
      '0x0a000001',
      '167772161',
      '10.0.0.1/8',
      '10.0.0',
      '10.0.0.256',
      '::ffff:10.0.0',
      'fe80::1%eth0',
      `10.${'0'.repeat(4000)}.0.1`,
      'unknown',
      '',
    ])
      expect({ odd, status: await status('/office/x', odd) }).toEqual({ odd, status: 403 });
  });

  it('the gateway keeps answering after all of it', async () => {
    expect(await status('/office/x', '10.9.9.9')).toBe(200);
    expect(await status('/blocked/x', '203.0.113.1')).toBe(403);
  });
});

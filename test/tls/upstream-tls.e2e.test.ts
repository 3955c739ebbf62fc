import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState } from '../helpers/state.js';
import { createCa, issue, type IssuedCertificate, type TestCa } from '../helpers/tls.js';

const file = (p: string) => `\${file:${p}}`;

/** A real HTTPS upstream that demands a client certificate signed by `clientCa` and says whose it got. */
async function startMtlsUpstream(
  server: IssuedCertificate,
  clientCa: TestCa,
): Promise<{ url: string; close(): Promise<void>; server: Server }> {
  const https = createServer(
    { cert: server.chainPem, key: server.keyPem, ca: clientCa.certPem, requestCert: true, rejectUnauthorized: true },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          client: peer.subject?.CN,
          url: req.url,
          servername: (req.socket as TLSSocket & { servername?: string }).servername,
        }),
      );
    },
  );
  await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(https.address() as AddressInfo).port}`,
    server: https,
    close: () =>
      new Promise((resolve) => {
        https.closeAllConnections();
        https.close(() => resolve());
      }),
  };
}

describe('upstream TLS: an https:// upstream verified against a CA, with a client certificate (mTLS)', () => {
  let serverCa: TestCa;
  let clientCa: TestCa;
  let otherCa: TestCa;
  let gatewayClient: IssuedCertificate;
  let upstream: Awaited<ReturnType<typeof startMtlsUpstream>>;
  let gw: GatewayProcess;

  beforeAll(async () => {
    serverCa = createCa('upstream server CA');
    clientCa = createCa('gateway client CA');
    otherCa = createCa('someone else');
    const backend = issue(serverCa, { name: 'backend', dns: ['backend.internal'], ips: ['127.0.0.1'] });
    gatewayClient = issue(clientCa, {
      name: 'gateway-client',
      dns: ['gateway.internal'],
      commonName: 'tollgate-gateway',
    });
    upstream = await startMtlsUpstream(backend, clientCa);
    gw = await startGatewayProcess({
      args: ['--gatekeeper', 'disabled'],
      env: { GW_CLIENT_KEY: gatewayClient.keyPem },
    });
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  const apply = (upstreamTls: Record<string, unknown> | undefined, name = 'orders') =>
    gw.applyState(environmentState([api(name, upstream.url, [], (upstreamTls ? { upstreamTls } : {}) as never)]));

  it('presents the client certificate (key from the gateway environment), verifies the server against its CA and name', async () => {
    const applied = await apply({
      ca: file(serverCa.certFile),
      serverName: 'backend.internal',
      clientCertificate: file(gatewayClient.certFile),
      clientKey: '${env:GW_CLIENT_KEY}',
      verify: true,
      minVersion: 'TLSv1.2',
    });
    expect(applied.status).toBe(200);
    const res = await fetch(`${gw.url}/orders/42`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ client: 'tollgate-gateway', url: '/42', servername: 'backend.internal' });
  });

  it('without a client certificate the upstream refuses the connection: 502', async () => {
    expect(
      (
        await apply({
          ca: file(serverCa.certFile),
          serverName: 'backend.internal',
          verify: true,
          minVersion: 'TLSv1.2',
        })
      ).status,
    ).toBe(200);
    expect((await fetch(`${gw.url}/orders/42`)).status).toBe(502);
  });

  it('verification is on by default: a server certificate from an unknown CA, or for another name, is refused (502)', async () => {
    expect(
      (
        await apply({
          ca: file(otherCa.certFile),
          clientCertificate: file(gatewayClient.certFile),
          clientKey: '${env:GW_CLIENT_KEY}',
          verify: true,
          minVersion: 'TLSv1.2',
        })
      ).status,
    ).toBe(200);
    expect((await fetch(`${gw.url}/orders/42`)).status).toBe(502);
    expect(
      (
        await apply({
          ca: file(serverCa.certFile),
          serverName: 'not-the-backend.internal',
          clientCertificate: file(gatewayClient.certFile),
          clientKey: '${env:GW_CLIENT_KEY}',
          verify: true,
          minVersion: 'TLSv1.2',
        })
      ).status,
    ).toBe(200);
    expect((await fetch(`${gw.url}/orders/42`)).status).toBe(502);
    // Turned off explicitly, the unknown CA is accepted (what `tollgate check` flags).
    expect(
      (
        await apply({
          clientCertificate: file(gatewayClient.certFile),
          clientKey: '${env:GW_CLIENT_KEY}',
          verify: false,
          minVersion: 'TLSv1.2',
        })
      ).status,
    ).toBe(200);
    expect((await fetch(`${gw.url}/orders/42`)).status).toBe(200);
  });

  it('refuses what it cannot resolve or use, with its position, and keeps serving the previous pool', async () => {
    expect(
      (
        await apply({
          ca: file(serverCa.certFile),
          serverName: 'backend.internal',
          clientCertificate: file(gatewayClient.certFile),
          clientKey: '${env:GW_CLIENT_KEY}',
          verify: true,
          minVersion: 'TLSv1.2',
        })
      ).status,
    ).toBe(200);
    const unset = await apply({
      ca: file(serverCa.certFile),
      clientCertificate: file(gatewayClient.certFile),
      clientKey: '${env:NOT_SET_ON_THE_GATEWAY}',
      verify: true,
      minVersion: 'TLSv1.2',
    });
    expect(unset.status).toBe(422);
    expect(unset.body.problems).toContainEqual(
      expect.objectContaining({
        path: '/apis/0/upstreamTls/clientKey',
        message: expect.stringMatching(/NOT_SET_ON_THE_GATEWAY is not set/),
      }),
    );
    const inline = await apply({
      ca: file(serverCa.certFile),
      clientCertificate: file(gatewayClient.certFile),
      clientKey: gatewayClient.keyPem,
      verify: true,
      minVersion: 'TLSv1.2',
    });
    expect(inline.status).toBe(422);
    expect(JSON.stringify(inline.body)).not.toContain(gatewayClient.keyPem.split('\n')[1]);
    expect((await fetch(`${gw.url}/orders/42`)).status).toBe(200);
    expect(gw.output()).not.toContain(gatewayClient.keyPem.split('\n')[1]);
  });
});

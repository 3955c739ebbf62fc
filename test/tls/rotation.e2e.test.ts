import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { h2Request, h2Session, tlsUrlOf } from '../helpers/https-client.js';
import { api, environmentState } from '../helpers/state.js';
import { createCa, issue, type IssuedCertificate, type TestCa } from '../helpers/tls.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { eventually } from '../helpers/wait.js';

const file = (p: string) => `\${file:${p}}`;

/** The fingerprint of the certificate a fresh handshake gets for `servername`. */
function servedFingerprint(tlsUrl: string, ca: string, servername: string): Promise<string> {
  const { hostname, port } = new URL(tlsUrl);
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: hostname, port: Number(port), servername, ca, ALPNProtocols: ['http/1.1'] },
      () => {
        resolve(socket.getPeerX509Certificate()!.fingerprint256);
        socket.end();
      },
    );
    socket.on('error', reject);
  });
}

describe('certificate rotation under load', () => {
  let ca: TestCa;
  const generations: IssuedCertificate[] = [];
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  let tlsUrl: string;
  const mounted = mkdtempSync(path.join(tmpdir(), 'tollgate-mounted-'));
  const state = (cert: IssuedCertificate) => ({
    ...environmentState([api('items', upstream.url)], [], {
      tls: { minVersion: 'TLSv1.2', redirectHttp: false },
    } as never),
    certificates: [{ name: 'shop', hosts: ['shop.test'], certificate: file(cert.certFile), key: file(cert.keyFile) }],
  });

  beforeAll(async () => {
    ca = createCa();
    for (let i = 0; i < 4; i++) generations.push(issue(ca, { name: `shop-${i}`, dns: ['shop.test'] }));
    upstream = await startUpstream();
    gw = await startGatewayProcess({
      args: ['--listen-tls', '127.0.0.1:0', '--gatekeeper', 'disabled', '--tls-poll-interval', '200ms'],
    });
    tlsUrl = tlsUrlOf(gw);
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('new handshakes get the new certificate, connections in flight finish, and no request fails', async () => {
    expect((await gw.applyState(state(generations[0]!))).status).toBe(200);
    const fingerprints = generations.map((g) => new X509Certificate(g.certPem).fingerprint256);
    expect(await servedFingerprint(tlsUrl, ca.certPem, 'shop.test')).toBe(fingerprints[0]);

    // Load: h2 streams on one long-lived session, and HTTP/1.1 requests each on a new connection (a new handshake).
    const session = h2Session(tlsUrl, ca.certPem, 'shop.test');
    let stop = false;
    // Steady load rather than a busy loop: the suite runs beside latency-sensitive tests on two cores.
    const pause = () => new Promise((r) => setTimeout(r, 3));
    const outcomes = { ok: 0, failed: [] as string[] };
    const h2Loop = async () => {
      while (!stop) {
        try {
          const res = await h2Request(session, { ':path': '/items/h2', ':method': 'GET' });
          if (res.status === 200) outcomes.ok++;
          else outcomes.failed.push(`h2 ${res.status}`);
        } catch (err) {
          outcomes.failed.push(`h2 ${(err as Error).message}`);
        }
        await pause();
      }
    };
    const { port } = new URL(tlsUrl);
    const h1Loop = async () => {
      while (!stop) {
        await new Promise<void>((resolve) => {
          const req = https.request(
            {
              host: '127.0.0.1',
              port: Number(port),
              path: '/items/h1',
              servername: 'shop.test',
              ca: ca.certPem,
              agent: false,
              headers: { host: 'shop.test' },
            },
            (res) => {
              res.resume();
              res.on('end', () => {
                if (res.statusCode === 200) outcomes.ok++;
                else outcomes.failed.push(`h1 ${res.statusCode}`);
                resolve();
              });
            },
          );
          req.on('error', (err) => {
            outcomes.failed.push(`h1 ${err.message}`);
            resolve();
          });
          req.end();
        });
        await pause();
      }
    };
    const loops = [h2Loop(), h2Loop(), h1Loop(), h1Loop()];
    for (let g = 1; g < 3; g++) {
      await new Promise((r) => setTimeout(r, 300));
      expect((await gw.applyState(state(generations[g]!))).status).toBe(200);
      expect(await servedFingerprint(tlsUrl, ca.certPem, 'shop.test')).toBe(fingerprints[g]);
    }
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(loops);
    // The h2 session that started on the first certificate is still the same connection.
    expect(session.socket && (session.socket as tls.TLSSocket).getPeerX509Certificate()?.fingerprint256).toBe(
      fingerprints[0],
    );
    session.close();
    expect(outcomes.failed).toEqual([]);
    expect(outcomes.ok).toBeGreaterThan(100);
  });

  it('a mounted secret renewed in place is picked up by the poll, with no apply and no new revision', async () => {
    copyFileSync(generations[0]!.certFile, path.join(mounted, 'tls.crt'));
    copyFileSync(generations[0]!.keyFile, path.join(mounted, 'tls.key'));
    const mountedCert = {
      ...generations[0]!,
      certFile: path.join(mounted, 'tls.crt'),
      keyFile: path.join(mounted, 'tls.key'),
    };
    expect((await gw.applyState(state(mountedCert))).status).toBe(200);
    const revision = (await gw.admin('GET', '/state')).body.revision;
    const renewed = new X509Certificate(generations[3]!.certPem).fingerprint256;
    // Half a renewal (the certificate first, its key later) is not served: the previous pair keeps serving.
    copyFileSync(generations[3]!.certFile, path.join(mounted, 'tls.crt'));
    await gw.waitForLog(
      (l) => l.msg === 'TLS files changed but cannot be used yet; the previous material keeps serving',
    );
    expect(await servedFingerprint(tlsUrl, ca.certPem, 'shop.test')).toBe(
      new X509Certificate(generations[0]!.certPem).fingerprint256,
    );
    copyFileSync(generations[3]!.keyFile, path.join(mounted, 'tls.key'));
    await eventually(async () => (await servedFingerprint(tlsUrl, ca.certPem, 'shop.test')) === renewed, 5_000);
    expect((await gw.admin('GET', '/state')).body.revision).toBe(revision);
  });
});

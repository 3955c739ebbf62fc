import http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { tlsUrlOf } from '../helpers/https-client.js';
import { api, environmentState } from '../helpers/state.js';
import { createCa, issue, type TestCa } from '../helpers/tls.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

describe('the request timeout bounds h2 streams as it bounds HTTP/1.1 requests', () => {
  let ca: TestCa;
  let upstream: TestUpstream;
  let gw: GatewayProcess;

  beforeAll(async () => {
    ca = createCa();
    const localhost = issue(ca, { name: 'localhost', dns: ['localhost'] });
    upstream = await startUpstream();
    gw = await startGatewayProcess({
      args: ['--listen-tls', '127.0.0.1:0', '--gatekeeper', 'disabled', '--request-timeout', '1s'],
    });
    const state = {
      ...environmentState([api('upload', upstream.url)]),
      certificates: [
        {
          name: 'localhost',
          hosts: ['localhost'],
          certificate: `\${file:${localhost.certFile}}`,
          key: `\${file:${localhost.keyFile}}`,
        },
      ],
    };
    expect((await gw.applyState(state)).status).toBe(200);
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('a body dribbled past the timeout gets 408 and the stream is reset; the session serves other streams meanwhile', async () => {
    const session = http2.connect(tlsUrlOf(gw), { ca: ca.certPem, servername: 'localhost' });
    const slow = session.request({
      ':method': 'POST',
      ':path': '/upload/file',
      'content-type': 'application/octet-stream',
    });
    const dribble = setInterval(() => slow.write('x'), 200);
    const started = Date.now();
    const status = await new Promise<number>((resolve) => slow.on('response', (h) => resolve(Number(h[':status']))));
    clearInterval(dribble);
    expect(status).toBe(408);
    expect(Date.now() - started).toBeLessThan(3_500);
    const other = session.request({ ':path': '/upload/ok' });
    const otherStatus = await new Promise<number>((resolve) =>
      other.on('response', (h) => resolve(Number(h[':status']))),
    );
    other.resume();
    expect(otherStatus).toBe(200);
    session.close();
  });
});

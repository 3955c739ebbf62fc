import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

/** Sends a POST whose body never completes (a byte every 200 ms); resolves with the status line and when it came. */
function dribble(baseUrl: string, path: string): Promise<{ status: number; afterMs: number }> {
  const { hostname, port } = new URL(baseUrl);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[`,
      );
    });
    const timer = setInterval(() => socket.writable && socket.write('1,'), 200);
    let text = '';
    socket.on('data', (c: Buffer) => {
      text += c.toString();
      if (text.includes('\r\n')) {
        clearInterval(timer);
        socket.destroy();
        resolve({ status: Number(text.split(' ')[1]), afterMs: performance.now() - started });
      }
    });
    socket.on('error', (err) => (clearInterval(timer), reject(err)));
    socket.on('close', () => clearInterval(timer));
  });
}

describe('one request timeout for every API: a slowly dribbled body gets 408', () => {
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startGatewayProcess({ args: ['--request-timeout', '2s'] });
    const apis = [
      api('plain', upstream.url),
      api('inspected', upstream.url, [policy('json', 'json-threat-protection', { maxContainerDepth: 10 })]),
    ];
    expect((await gw.applyState(environmentState(apis))).status).toBe(200);
  });
  afterAll(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it.each(['/plain/x', '/inspected/x'])('%s', async (path) => {
    const { status, afterMs } = await dribble(gw.url, path);
    expect(status).toBe(408);
    expect(afterMs).toBeGreaterThan(1500);
    expect(afterMs).toBeLessThan(6000);
  });
});

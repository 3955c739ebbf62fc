import { execFile } from 'node:child_process';
import http2 from 'node:http2';
import type { GatewayProcess } from './gateway-process.js';

/** The https:// URL of a gateway process's TLS listener (from its start-up log line). */
export function tlsUrlOf(gw: GatewayProcess): string {
  const line = gw.logs.find((l) => l.msg === 'gateway listening');
  if (!line?.tlsUrl) throw new Error('the gateway has no TLS listener (--listen-tls)');
  return String(line.tlsUrl);
}

export interface CurlResult {
  /** curl's exit code: 0 ok, 35 a TLS handshake failure, 60 a certificate it does not trust. */
  exitCode: number;
  status: number;
  httpVersion: string;
  headers: Record<string, string>;
  body: string;
  /** The server certificate's subject as curl saw it (with -v). */
  stderr: string;
}

/** curl, as a user would run it: `--resolve` makes `host` reach 127.0.0.1 so that SNI and Host are `host`. */
export function curl(args: string[]): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile(
      'curl',
      ['-sS', '-v', '-D', '-', '--max-time', '10', '-w', '\n%{http_code} %{http_version}', ...args],
      { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const exitCode = err ? Number((err as { code?: number }).code ?? 1) : 0;
        const lines = stdout.split('\n');
        const [status, httpVersion] = (lines.pop() ?? '0 0').split(' ');
        const text = lines.join('\n');
        const split = text.indexOf('\r\n\r\n');
        const head = split === -1 ? '' : text.slice(0, split);
        const headers: Record<string, string> = {};
        for (const line of head.split('\r\n').slice(1)) {
          const colon = line.indexOf(':');
          if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
        }
        resolve({
          exitCode,
          status: Number(status),
          httpVersion: httpVersion ?? '',
          headers,
          body: split === -1 ? '' : text.slice(split + 4),
          stderr,
        });
      },
    );
  });
}

/** `--resolve host:port:127.0.0.1` plus the URL on that host name. */
export function onHost(tlsUrl: string, host: string, path = '/'): string[] {
  const port = new URL(tlsUrl).port;
  return ['--resolve', `${host}:${port}:127.0.0.1`, `https://${host}:${port}${path}`];
}

export interface H2Response {
  status: number;
  headers: http2.IncomingHttpHeaders;
  body: string;
}

/** One h2 session to the TLS listener, as a client validating against `ca` for `servername`. */
export function h2Session(tlsUrl: string, ca: string, servername: string): http2.ClientHttp2Session {
  return http2.connect(tlsUrl, { ca, servername });
}

export function h2Request(
  session: http2.ClientHttp2Session,
  headers: http2.OutgoingHttpHeaders,
  body?: string | Buffer,
): Promise<H2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    let responseHeaders: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h) => (responseHeaders = h));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () =>
      resolve({
        status: Number(responseHeaders[':status']),
        headers: responseHeaders,
        body: Buffer.concat(chunks).toString(),
      }),
    );
    stream.on('error', reject);
    if (body !== undefined) stream.end(body);
  });
}

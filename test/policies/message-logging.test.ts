import { describe, expect, it } from 'vitest';
import type { MessageLoggingConfig } from '../../src/policies/message-logging/index.js';
import { checkPolicyConfig } from '../../src/policies/config-check.js';
import { hashSecret } from '../../src/secrets/hash.js';
import { compileChain, type ChainOptions } from '../helpers/chain.js';

type ItemData = MessageLoggingConfig['loggingConfiguration'][number]['itemData'];
const item = (data: Partial<ItemData>, itemName?: string) => ({
  ...(itemName === undefined ? {} : { itemName }),
  itemData: {
    message: '#[attributes.method]',
    level: 'INFO' as const,
    firstSection: false,
    secondSection: true,
    ...data,
  },
});
const policy = (items: ReturnType<typeof item>[], options: ChainOptions = {}) =>
  compileChain({ type: 'message-logging', name: 'audit', config: { loggingConfiguration: items } }, options);

// Reference: "a list of logging items, each: message (expression), conditional (expression), category, level (required), before/after the call (both default false)".
describe('message-logging', () => {
  it('logs a structured record per item, after the call, with the message expression evaluated', async () => {
    const chain = await policy([
      item(
        {
          message:
            "#[attributes.method ++ ' ' ++ attributes.requestPath ++ ' from ' ++ attributes.remoteAddress ++ ' -> ' ++ attributes.statusCode ++ ' ua=' ++ attributes.headers['User-Agent']]",
          category: 'audit',
        },
        'access',
      ),
    ]);
    await chain.send(
      {
        method: 'POST',
        path: '/7',
        search: 'client_secret=x',
        remoteAddress: '2001:db8::9',
        headers: { 'user-agent': 'curl/8' },
      },
      { status: 201 },
    );
    const records = chain.records();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: 30,
      category: 'audit',
      item: 'access',
      api: 'orders',
      policy: 'audit',
      point: 'after',
      message: 'POST /orders/7 from 2001:db8::9 -> 201 ua=curl/8',
    });
  });

  it('logs before the call (firstSection: no status yet), after it (secondSection), or both; neither by default', async () => {
    const both = await policy([
      item({ message: "#[attributes.statusCode default 'none']", firstSection: true, secondSection: true }),
    ]);
    await both.send({}, { status: 204 });
    expect(both.records().map((r) => [r.point, r.message])).toEqual([
      ['before', 'none'],
      ['after', '204'],
    ]);
    const config: Record<string, unknown> = {
      loggingConfiguration: [{ itemData: { message: 'text', level: 'INFO' } }],
    };
    expect(checkPolicyConfig('message-logging', config).schemaErrors).toEqual([]);
    expect(config).toEqual({
      loggingConfiguration: [
        { itemData: { message: 'text', level: 'INFO', firstSection: false, secondSection: false } },
      ],
    });
    const silent = await policy([item({ firstSection: false, secondSection: false })]);
    await silent.send();
    expect(silent.lines).toEqual([]);
  });

  it('logs only when the conditional holds; literal text is a message too', async () => {
    const chain = await policy([
      item({
        message: 'a write',
        conditional: "#[attributes.method != 'GET' and attributes.headers['x-trace'] == null]",
      }),
    ]);
    await chain.send({ method: 'GET' });
    await chain.send({ method: 'PUT', headers: { 'x-trace': '1' } });
    await chain.send({ method: 'PUT' });
    expect(chain.records().map((r) => r.message)).toEqual(['a write']);
  });

  it('logs at the configured level and not below the logger level', async () => {
    const warn = await policy([item({ level: 'WARN' })]);
    await warn.send();
    expect(warn.records()[0]?.level).toBe(40);
    const quiet = await policy([item({ level: 'DEBUG' })], { logLevel: 'info' });
    await quiet.send();
    expect(quiet.lines).toEqual([]);
  });

  it('redacts credentials whatever the message reads', async () => {
    const chain = await policy([
      item({
        message:
          "#['a=' ++ attributes.headers['Authorization'] ++ ' p=' ++ attributes.headers['proxy-authorization'] ++ ' c=' ++ attributes.headers['cookie'] ++ ' k=' ++ attributes.headers['x-api-key'] ++ ' s=' ++ attributes.headers['client_secret'] ++ ' t=' ++ attributes.headers['X-Client-Secret'] ++ ' q=' ++ attributes.queryParams['access_token'] ++ ' ok=' ++ attributes.headers['x-request-id']]",
      }),
    ]);
    await chain.send({
      search: 'access_token=tok-1',
      headers: {
        authorization: 'Basic b3BzOnMzY3JldA==',
        'proxy-authorization': 'Basic eHh4',
        cookie: 'session=topsecret',
        'x-api-key': 'key-123',
        client_secret: 'cs-456',
        'x-client-secret': 'cs-789',
        'x-request-id': 'req-1',
      },
    });
    const line = chain.lines.join('');
    expect(chain.records()[0]?.message).toBe(
      'a=[REDACTED] p=[REDACTED] c=[REDACTED] k=[REDACTED] s=[REDACTED] t=[REDACTED] q=[REDACTED] ok=req-1',
    );
    for (const secret of ['b3BzOnMzY3JldA', 'eHh4', 'topsecret', 'key-123', 'cs-456', 'cs-789', 'tok-1'])
      expect(line).not.toContain(secret);
  });

  it('logs the status of a short-circuit reply, since the response handler runs on rejections', async () => {
    const chain = await compileChain([
      {
        type: 'message-logging',
        name: 'audit',
        config: {
          loggingConfiguration: [
            item({
              message: "#[attributes.method ++ ' ' ++ attributes.relativePath ++ ' -> ' ++ attributes.statusCode]",
            }),
          ],
        },
      },
      { type: 'basic-auth', name: 'auth', config: { username: 'u', password: hashSecret('p'), realm: 'r' } },
    ]);
    const result = await chain.send({ path: '/x' });
    expect(result.status).toBe(401);
    expect(chain.records().map((r) => r.message)).toEqual(['GET /x -> 401']);
  });

  it('reads authentication.principal as basic-auth verified it', async () => {
    const chain = await compileChain([
      { type: 'basic-auth', name: 'auth', config: { username: 'ops', password: hashSecret('pw'), realm: 'r' } },
      {
        type: 'message-logging',
        name: 'audit',
        config: {
          loggingConfiguration: [
            item({
              message: "#['user=' ++ (authentication.principal default 'anonymous')]",
              firstSection: true,
              secondSection: false,
            }),
          ],
        },
      },
    ]);
    await chain.send({ headers: { authorization: `Basic ${Buffer.from('ops:pw').toString('base64')}` } });
    expect(chain.records().map((r) => r.message)).toEqual(['user=ops']);
  });

  it('refuses bad expressions at their token', () => {
    const problems = checkPolicyConfig('message-logging', {
      loggingConfiguration: [
        { itemData: { message: '#[payload]', conditional: '#[attributes.method]', level: 'INFO' } },
      ],
    }).problems;
    expect(problems).toEqual([
      expect.objectContaining({
        path: ['loggingConfiguration', 0, 'itemData', 'message'],
        code: 'TG_EXPRESSION',
        offset: 2,
      }),
      expect.objectContaining({ path: ['loggingConfiguration', 0, 'itemData', 'conditional'], code: 'TG_EXPRESSION' }),
    ]);
  });
});

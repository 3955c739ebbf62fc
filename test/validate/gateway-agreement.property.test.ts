import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadManifestTexts } from '../../src/manifest/load.js';
import { environmentState } from '../../src/model/normalize.js';
import { resolveStateSecrets } from '../../src/secrets/resolve-state.js';
import { finish } from '../../src/validate/index.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';

/**
 * `validate` and the gateway's transaction check are one check: for random
 * repositories (valid and invalid policy configs, overrides, automated
 * policies, applications), whatever validate accepts — and resolves — a real
 * gateway process accepts as a transaction. (The converse need not hold: the
 * gateway does not know the manifests' positions or cross-file rules.)
 */

const SEED = 4_112_025;
const RUNS = 300;
const SECRET_ENV = { PROP_SECRET: 'resolved-secret-value' };

const hashed = (value: string) => ({
  salt: 'salt-0123456789',
  sha256: createHash('sha256').update(`salt-0123456789\0${value}`).digest('hex'),
});

/** Mostly valid values, sometimes invalid ones: every field can break a repository, but most repositories stay valid. */
function mostly(valid: readonly unknown[], invalid: readonly unknown[] = []): fc.Arbitrary<unknown> {
  const good = fc.constantFrom(...valid);
  return invalid.length
    ? fc.oneof({ weight: 60, arbitrary: good }, { weight: 1, arbitrary: fc.constantFrom(...invalid) })
    : good;
}

const secret = mostly(
  ['plain-secret', '${env:PROP_SECRET}', hashed('x')],
  ['${env:PROP_UNSET}', '', { salt: 'short', sha256: 'zz' }],
);
const bool = mostly([true, false], ['yes']);
const count = mostly([1, 5, 0], [-1, 2.5, 'ten']);
const atLeastOne = mostly([1, 5, 1000], [0, -1, 'ten']);
const limit = mostly([1, 10, 1000], [0, -2, 'big']);
const xmlLimit = mostly([-1, 1, 10], [-2, 'big']);
const cidrs = mostly(
  [['127.0.0.1'], ['10.0.0.0/8', '::1'], ['192.168.0.0/16']],
  [[], ['10.0.0.0/33'], '127.0.0.1', ['10.0.0.256']],
);
const ipRanges = mostly(
  [['127.0.0.1'], ['10.0.0.0/8', '::1'], ['192.168'], ['10.1.2']],
  [[], ['10.0.0.0/33'], '127.0.0.1', ['192.256'], ['1.2.3.4.5']],
);
const ipExpression = mostly(
  ["#[attributes.headers['x-forwarded-for']]", '#[attributes.remoteAddress]'],
  ['#[payload]', "attributes.headers['x']"],
);
const failMode = mostly(['open', 'closed'], ['sideways']);
const credentials = {
  credentialsOriginHasHttpBasicAuthenticationHeader: mostly(
    ['customExpression', 'httpBasicAuthenticationHeader'],
    ['cookie'],
  ),
  clientIdExpression: mostly(
    ["#[attributes.headers['client_id']]", "#[attributes.queryParams['id'] default attributes.headers['x-client']]"],
    ['', '#[payload.id]', "#[attributes.headers['a'] == 'b']", 'client_id'],
  ),
  clientSecretExpression: mostly(
    ["#[attributes.headers['client_secret']]", ''],
    ['#[vars.secret]', '#[attributes.headers['],
  ),
};
const windows = mostly(
  [
    [{ maximumRequests: 5, timePeriodInMilliseconds: 1000 }],
    [
      { maximumRequests: 5, timePeriodInMilliseconds: 1000 },
      { maximumRequests: 50, timePeriodInMilliseconds: 60000 },
    ],
  ],
  [
    [
      { maximumRequests: 5, timePeriodInMilliseconds: 1000 },
      { maximumRequests: 9, timePeriodInMilliseconds: 1000 },
    ],
    [],
    [{ maximumRequests: 0, timePeriodInMilliseconds: 1000 }],
    'many',
  ],
);

/** Per policy type, its fields: a config is any subset of them. */
const CONFIG_FIELDS: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  cors: {
    publicResource: bool,
    supportCredentials: bool,
    originGroups: mostly(
      [[], [{ origins: ['https://a.example'] }], [{ origins: ['*'], accessControlMaxAge: 60 }]],
      [
        [{ name: 'no-origins' }],
        [{ origins: [] }],
        [{ origins: ['https://a.example'], allowedMethods: ['GET', 'BREW'] }],
      ],
    ),
  },
  'spike-control': {
    maximumRequests: atLeastOne,
    timePeriodInMilliseconds: atLeastOne,
    delayTimeInMillis: count,
    delayAttempts: count,
    queuingLimit: count,
    exposeHeaders: bool,
    failMode,
  },
  'rate-limiting': {
    rateLimits: windows,
    keySelector: mostly(
      [
        { source: 'api' },
        { source: 'ip' },
        { source: 'header', header: 'x-key' },
        { source: 'client-id' },
        { source: 'ip', clientIpHeader: 'x-forwarded-for', trustedProxies: ['10.0.0.0/8'] },
        "#[attributes.headers['client_id']]",
        '#[attributes.method ++ attributes.remoteAddress]',
      ],
      [
        "#[attributes.method == 'GET']",
        '#[upper(attributes.method)]',
        'attributes.method',
        { source: 'header' },
        { source: 'ip', clientIpHeader: 'x-forwarded-for' },
        { source: 'header', header: 'x-key', clientIpHeader: 'x-forwarded-for', trustedProxies: ['10.0.0.0/8'] },
        { source: 'moon' },
      ],
    ),
    exposeHeaders: bool,
    clusterizable: bool,
    failMode,
  },
  'rate-limiting-sla': { ...credentials, exposeHeaders: bool, failMode },
  'client-id-enforcement': credentials,
  'basic-auth': {
    username: mostly(['ops', 'admin'], ['a:b', '']),
    password: secret,
    realm: mostly(['tollgate', 'ops area'], ['say "hi"']),
  },
  'ip-allowlist': {
    ips: ipRanges,
    ipExpression,
    clientIpHeader: mostly(['x-forwarded-for'], ['bad header']),
    trustedProxies: cidrs,
  },
  'ip-blocklist': {
    ips: ipRanges,
    ipExpression,
    clientIpHeader: mostly(['x-forwarded-for'], ['bad header']),
    trustedProxies: cidrs,
  },
  'header-injection': {
    inboundHeaders: mostly(
      [[], [{ key: 'x-injected', value: 'yes' }], [{ key: 'x-ip', value: '#[attributes.remoteAddress]' }]],
      [[{ key: 'bad key', value: 'v' }], [{ value: 'v' }], [{ key: 'x-bad', value: '#[vars.x]' }]],
    ),
    outboundHeaders: mostly([[], [{ key: 'x-out', value: '1' }]]),
  },
  'header-removal': {
    inboundHeaders: mostly([[], ['x-remove'], ['Access-Control.*']], [['(']]),
    outboundHeaders: mostly([[], ['server']]),
  },
  'json-threat-protection': {
    maxContainerDepth: limit,
    maxObjectEntryCount: limit,
    maxObjectEntryNameLength: limit,
    maxArrayElementCount: limit,
    maxStringValueLength: limit,
  },
  'xml-threat-protection': {
    maxNodeDepth: xmlLimit,
    maxAttributeCountPerElement: xmlLimit,
    maxChildCount: xmlLimit,
    maxTextLength: xmlLimit,
    maxAttributeLength: xmlLimit,
    maxCommentLength: xmlLimit,
  },
  'message-logging': {
    loggingConfiguration: mostly(
      [
        [{ itemData: { message: '#[attributes.method]', level: 'INFO' } }],
        [
          {
            itemName: 'a',
            itemData: {
              message: 'text',
              level: 'ERROR',
              firstSection: true,
              conditional: "#[attributes.method == 'POST']",
            },
          },
        ],
      ],
      [
        [],
        [{ itemData: { message: '#[payload]', level: 'INFO' } }],
        [{ itemData: { message: 'x', level: 'LOUD' } }],
        [{ itemData: { message: 'x', level: 'INFO', conditional: '#[attributes.method]' } }],
        [{ message: 'x' }],
      ],
    ),
  },
  custom: {
    module: mostly(['./policy.js'], ['./missing.js']),
    schema: mostly(['./schema.json'], ['./missing.json']),
    config: mostly([{}, { level: 3 }], [{ level: 'high' }]),
  },
};
const TYPES = Object.keys(CONFIG_FIELDS);

const rules = mostly(
  [undefined, undefined, [{ methods: ['POST'] }], [{ path: '^/admin' }], [{ headers: { 'x-env': '^prod$' } }]],
  [[{ path: '(' }], []],
);

function policy(name: string): fc.Arbitrary<Record<string, unknown>> {
  return fc.constantFrom(...TYPES).chain((type) =>
    fc
      .record({
        config: fc.oneof(
          { weight: 2, arbitrary: fc.constant(undefined) },
          { weight: 1, arbitrary: fc.constant({}) },
          { weight: 12, arbitrary: fc.record(CONFIG_FIELDS[type] ?? {}, { requiredKeys: [] }) },
        ),
        enabled: mostly([undefined, true, false], ['yes']),
        rules,
        order: type === 'custom' ? mostly([undefined, 'listed', 'last']) : fc.constant(undefined),
      })
      .map((p) => ({ name, type, ...withoutUndefined(p) })),
  );
}

/** Names are unique within a list; an environment's policy and an Api's may share one ("p0"). */
function chain(prefix: string, max: number): fc.Arbitrary<Record<string, unknown>[]> {
  return fc
    .tuple(fc.integer({ min: 0, max }), fc.boolean())
    .chain(([n, shared]) =>
      n === 0
        ? fc.constant([])
        : fc.tuple(...Array.from({ length: n }, (_, i) => policy(shared && i === 0 ? 'p0' : `${prefix}-${i}`))),
    );
}

const tiers = mostly(
  [[], [{ name: 'gold', limits: [{ maximumRequests: 10, timePeriodInMilliseconds: 1000 }] }]],
  [
    [
      {
        name: 'gold',
        limits: [
          { maximumRequests: 10, timePeriodInMilliseconds: 1000 },
          { maximumRequests: 20, timePeriodInMilliseconds: 1000 },
        ],
      },
    ],
  ],
);

const overrideConfig = mostly(
  [
    undefined,
    { rateLimits: [{ maximumRequests: 50, timePeriodInMilliseconds: 1000 }] },
    { ips: ['10.0.0.0/8'] },
    { username: 'other' },
    { exposeHeaders: true },
  ],
  [{ originGroups: [{ name: 'x' }] }, { publicResource: true, supportCredentials: true }, { rateLimits: [] }],
);

function apiDocument(name: string): fc.Arbitrary<Record<string, unknown>> {
  return fc
    .record({
      basePath: mostly([`/${name}`, `/${name}/v1`], ['/shared', '/']),
      timeout: mostly([undefined, '5s', 2000], ['0ms', 0]),
      policies: chain(name, 3),
      slaTiers: tiers,
      override: fc.option(
        fc.record({ policyIndex: fc.nat(2), config: overrideConfig, enabled: mostly([undefined, true, false]) }),
        { nil: undefined },
      ),
    })
    .map(({ basePath, timeout, policies, slaTiers, override }) => {
      const spec: Record<string, unknown> = {
        version: 'v1',
        basePath,
        upstream: 'http://127.0.0.1:9',
        environments: ['prop'],
        policies,
        slaTiers,
      };
      if (timeout !== undefined) spec.timeout = timeout;
      const target = override && policies[override.policyIndex];
      if (override && target) {
        const change = withoutUndefined({ config: override.config, enabled: override.enabled });
        if (Object.keys(change).length) spec.overrides = { prop: { policies: { [String(target.name)]: change } } };
      }
      return { apiVersion: 'tollgate.dev/v1', kind: 'Api', metadata: { name }, spec };
    });
}

const repository = fc
  .record({
    precedence: fc.constantFrom('strict', 'cors-first'),
    gatekeeper: fc.constantFrom('strict', 'flexible', 'disabled'),
    sharedStorage: mostly(
      [undefined],
      ['http://not-redis.example', 'redis://127.0.0.1:1?colour=blue', 'redis://', hashed('redis://127.0.0.1')],
    ),
    automated: chain('env', 2),
    apiCount: fc.integer({ min: 1, max: 3 }),
    applications: fc.array(
      fc.record({
        clientSecret: mostly([undefined, 'app-secret', '${env:PROP_SECRET}'], ['', '${env:PROP_UNSET}']),
        tier: mostly([undefined], ['gold', 'silver']),
      }),
      { maxLength: 2 },
    ),
  })
  .chain((repo) =>
    fc.tuple(...Array.from({ length: repo.apiCount }, (_, i) => apiDocument(`api${i}`))).map((apis) => {
      const environment: Record<string, unknown> = {
        precedence: repo.precedence,
        gatekeeper: repo.gatekeeper,
        policies: repo.automated,
      };
      if (repo.sharedStorage !== undefined) environment.sharedStorage = repo.sharedStorage;
      const applications = repo.applications.map((app, i) => ({
        apiVersion: 'tollgate.dev/v1',
        kind: 'Application',
        metadata: { name: `app${i}` },
        spec: withoutUndefined({
          clientId: `client-${i}`,
          clientSecret: app.clientSecret,
          contracts: [withoutUndefined({ api: 'api0', version: 'v1', tier: app.tier })],
        }),
      }));
      return [
        { apiVersion: 'tollgate.dev/v1', kind: 'Environment', metadata: { name: 'prop' }, spec: environment },
        ...apis,
        ...applications,
      ];
    }),
  );

function withoutUndefined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

describe('validate accepts only what the gateway accepts', () => {
  let gw: GatewayProcess;
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-agreement-'));
    await writeFile(path.join(dir, 'policy.js'), 'export function create() { return {}; }\n');
    await writeFile(
      path.join(dir, 'schema.json'),
      JSON.stringify({ type: 'object', properties: { level: { type: 'integer' } }, additionalProperties: false }),
    );
    gw = await startGatewayProcess();
  });
  afterAll(async () => {
    await gw.stop();
  });

  it(`${RUNS} random repositories: every state validate accepts, a real gateway accepts`, async () => {
    let accepted = 0;
    let refusedByValidate = 0;
    await fc.assert(
      fc.asyncProperty(repository, async (documents) => {
        const file = path.join(dir, 'manifests.yaml');
        const text = documents.map((d) => stringify(d)).join('---\n');
        const result = finish(loadManifestTexts([{ file, text }]));
        if (!result.valid) {
          refusedByValidate++;
          return;
        }
        const resolved = resolveStateSecrets(environmentState(result.manifests, 'prop'), SECRET_ENV);
        // An unset variable stops apply before anything is sent: nothing for the gateway to judge.
        if (!resolved.state) return;
        const answer = await gw.applyState(resolved.state);
        if (answer.status !== 200)
          throw new Error(
            `validate accepted, the gateway answered ${answer.status}: ${JSON.stringify(answer.body)}\n--- manifests ---\n${text}`,
          );
        accepted++;
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // Both outcomes must be common, or the property says little.
    expect(accepted).toBeGreaterThan(RUNS / 10);
    expect(refusedByValidate).toBeGreaterThan(RUNS / 10);
  }, 120_000);
});

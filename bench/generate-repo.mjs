#!/usr/bin/env node
// Generates a realistic tollgate manifest repository for benchmarks:
//   environments/   sandbox (cors-first) and production (strict, automated policies)
//   apis/           `apis` Apis, `perFile` per file, 6 policies each, some with per-environment overrides
//   applications/   client applications with contracts to the client-id-enforced APIs
//
// Usage: node bench/generate-repo.mjs <dir> [--apis 5000] [--per-file 50]
// Or:    import { generateRepo } from './generate-repo.mjs'
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCHEMAS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schemas');

/** A small deterministic PRNG so every run generates the same repository. */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEAMS = ['commerce', 'payments', 'logistics', 'identity', 'search', 'media', 'support', 'billing'];
const NOUNS = [
  'orders',
  'invoices',
  'parcels',
  'users',
  'products',
  'images',
  'tickets',
  'accounts',
  'carts',
  'quotes',
];

function modeline(dir, schema) {
  return `# yaml-language-server: $schema=${path.relative(dir, path.join(SCHEMAS, schema)).split(path.sep).join('/')}\n`;
}

function environments() {
  return `apiVersion: tollgate.dev/v1
kind: Environment
metadata:
  name: sandbox
spec:
  precedence: cors-first
  gatekeeper: flexible
  nodes:
    - name: sandbox-1
      adminUrl: https://gw-sandbox-1.internal.example.com:8081
      token: \${env:SANDBOX_ADMIN_TOKEN}
---
apiVersion: tollgate.dev/v1
kind: Environment
metadata:
  name: production
spec:
  precedence: strict
  gatekeeper: strict
  sharedStorage: \${env:PRODUCTION_REDIS_URL}
  nodes:
    - name: prod-1
      adminUrl: https://gw-prod-1.internal.example.com:8081
      token: \${env:PROD_1_ADMIN_TOKEN}
    - name: prod-2
      adminUrl: https://gw-prod-2.internal.example.com:8081
      token: \${env:PROD_2_ADMIN_TOKEN}
  policies:
    - name: known-abusers
      type: ip-blocklist
      config:
        ips: [192.0.2.0/24, 198.51.100.17, "2001:db8:dead::/48"]
    - name: audit-log
      type: message-logging
      config: { loggingConfiguration: [{ itemData: { message: '#[attributes.method]', category: production.audit, level: INFO, secondSection: true } }] }
`;
}

/** Whether Api number i is protected by client-id-enforcement (the others use basic-auth). */
export function usesClientId(i) {
  return i % 3 !== 2;
}

export function apiName(i) {
  return `${NOUNS[i % NOUNS.length]}-${String(i).padStart(5, '0')}`;
}

function api(i, random) {
  const name = apiName(i);
  const team = TEAMS[i % TEAMS.length];
  const perSecond = 10 + Math.floor(random() * 990);
  const auth = usesClientId(i)
    ? `    - name: contracted-clients
      type: client-id-enforcement
      config: { clientSecretExpression: "${i % 2 === 0 ? "#[attributes.headers['client_secret']]" : ''}" }`
    : `    - name: staff-login
      type: basic-auth
      config:
        username: svc-${i}
        password: \${env:API_${i}_PASSWORD}
        realm: ${team}`;
  const override =
    i % 4 === 0
      ? `  overrides:
    sandbox:
      upstream: http://${name}.sandbox.svc.cluster.local:8080
      policies:
        office-network: { enabled: false }
        quota:
          config:
            rateLimits:
              - { maximumRequests: ${Math.max(1, Math.floor(perSecond / 10))}, timePeriodInMilliseconds: 1000 }
`
      : '';
  return `apiVersion: tollgate.dev/v1
kind: Api
metadata:
  name: ${name}
  labels:
    team: ${team}
spec:
  version: v${1 + (i % 3)}
  basePath: /${team}/${name}
  upstream: http://${name}.prod.svc.cluster.local:8080
  timeout: ${5 + (i % 25)}s
  environments: [sandbox, production]
  policies:
    - name: browsers
      type: cors
      config:
        publicResource: false
        originGroups:
          - origins: [https://app.example.com, https://${team}.example.com]
            allowedMethods: [GET, POST, PUT, DELETE]
            exposedHeaders: [X-Ratelimit-Remaining]
    - name: burst-guard
      type: spike-control
      config: { maximumRequests: ${perSecond * 2}, timePeriodInMilliseconds: 1000, delayTimeInMillis: 50, delayAttempts: 1, queuingLimit: 10 }
    - name: quota
      type: rate-limiting
      config:
        rateLimits:
          - { maximumRequests: ${perSecond}, timePeriodInMilliseconds: 1000 }
          - { maximumRequests: ${perSecond * 1000}, timePeriodInMilliseconds: 86400000 }
        keySelector: { source: ${i % 2 === 0 ? 'ip' : 'api'} }
        exposeHeaders: true
${auth}
    - name: office-network
      type: ip-allowlist
      rules:
        - { path: "^/admin(/.*)?$", methods: [POST, PUT, DELETE] }
      config:
        ips: [10.${i % 250}.0.0/16, 172.16.0.0/12, "2001:db8:${(i % 65535).toString(16)}::/48"]
    - name: tag-requests
      type: header-injection
      config:
        inboundHeaders:
          - { key: X-Team, value: ${team} }
          - { key: X-Api, value: ${name} }
        outboundHeaders:
          - { key: X-Served-By, value: tollgate }
${override}`;
}

function application(a, apis, random) {
  const contracts = [];
  for (let k = 0; k < 5; k++) {
    let i = Math.floor(random() * apis);
    while (!usesClientId(i)) i = (i + 1) % apis;
    contracts.push(`    - { api: ${apiName(i)}, version: v${1 + (i % 3)} }`);
  }
  const unique = [...new Set(contracts)];
  return `apiVersion: tollgate.dev/v1
kind: Application
metadata:
  name: app-${String(a).padStart(4, '0')}
spec:
  clientId: app-${a}-client
  clientSecret: \${env:APP_${a}_SECRET}
  contracts:
${unique.join('\n')}
`;
}

/**
 * Writes the repository under `dir` and returns what it wrote.
 * @param {string} dir
 * @param {{ apis?: number, perFile?: number, applications?: number, seed?: number }} [options]
 */
export async function generateRepo(dir, options = {}) {
  const apis = options.apis ?? 5000;
  const perFile = options.perFile ?? 50;
  const applications = options.applications ?? Math.max(1, Math.floor(apis / 10));
  const random = rng(options.seed ?? 42);
  const files = [];
  const write = async (rel, schema, text) => {
    const file = path.join(dir, rel);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, modeline(path.dirname(file), schema) + text);
    files.push(file);
  };
  await write('environments/environments.yaml', 'environment.json', environments());
  for (let start = 0, f = 0; start < apis; start += perFile, f++) {
    const docs = [];
    for (let i = start; i < Math.min(apis, start + perFile); i++) docs.push(api(i, random));
    await write(
      `apis/${TEAMS[f % TEAMS.length]}/apis-${String(f).padStart(3, '0')}.yaml`,
      'api.json',
      docs.join('---\n'),
    );
  }
  const perAppFile = 50;
  for (let start = 0, f = 0; start < applications; start += perAppFile, f++) {
    const docs = [];
    for (let a = start; a < Math.min(applications, start + perAppFile); a++) docs.push(application(a, apis, random));
    await write(`applications/applications-${String(f).padStart(3, '0')}.yaml`, 'application.json', docs.join('---\n'));
  }
  return { dir, files, apis, policiesPerApi: 6, applications, environments: 2 };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  const flag = (name, fallback) => {
    const i = args.indexOf(name);
    return i === -1 ? fallback : Number(args[i + 1]);
  };
  if (!dir) {
    console.error('usage: node bench/generate-repo.mjs <dir> [--apis 5000] [--per-file 50]');
    process.exit(2);
  }
  const result = await generateRepo(dir, { apis: flag('--apis', 5000), perFile: flag('--per-file', 50) });
  console.log(
    `wrote ${result.files.length} files (${result.apis} APIs × ${result.policiesPerApi} policies, ${result.applications} applications) under ${dir}`,
  );
}

import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import type { Kind } from './types.js';
import { isDuration, isHttpUrl, isRedisUrl, isRegex, parseCidr, parseIpRange } from './formats.js';

/** The JSON Schemas in schemas/ are the source of truth; they are compiled once per process. */
export const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../schemas');
const BASE_URL = 'https://tollgate.dev/schemas/';

function schemaFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? schemaFiles(path.join(dir, e.name)) : e.name.endsWith('.json') ? [path.join(dir, e.name)] : [],
  );
}

export function createAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    useDefaults: true,
    verbose: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
    allowUnionTypes: true,
  });
  ajv.addFormat('duration', { type: 'string', validate: isDuration });
  ajv.addFormat('cidr', { type: 'string', validate: (v: string) => parseCidr(v) !== undefined });
  ajv.addFormat('ip-range', { type: 'string', validate: (v: string) => parseIpRange(v) !== undefined });
  ajv.addFormat('regex', { type: 'string', validate: isRegex });
  ajv.addFormat('http-url', { type: 'string', validate: isHttpUrl });
  ajv.addFormat('redis-url', { type: 'string', validate: isRedisUrl });
  for (const file of schemaFiles(SCHEMA_DIR)) {
    ajv.addSchema(JSON.parse(readFileSync(file, 'utf8')) as object);
  }
  return ajv;
}

let compiled: { ajv: Ajv; kinds: Record<Kind, ValidateFunction>; policies: Map<string, ValidateFunction> } | undefined;

export function schemas() {
  if (!compiled) {
    const ajv = createAjv();
    const kind = (name: string) => {
      const fn = ajv.getSchema(`${BASE_URL}${name}.json`);
      if (!fn) throw new Error(`schema ${name}.json is missing from ${SCHEMA_DIR}`);
      return fn;
    };
    compiled = {
      ajv,
      kinds: {
        Environment: kind('environment'),
        Api: kind('api'),
        Application: kind('application'),
        Certificate: kind('certificate'),
        Alert: kind('alert'),
      },
      policies: new Map(),
    };
  }
  return compiled;
}

/** Validator of one policy type's config (schemas/policies/<type>.json). */
export function policyConfigValidator(type: string): ValidateFunction {
  const s = schemas();
  let fn = s.policies.get(type);
  if (!fn) {
    const found = s.ajv.getSchema(`${BASE_URL}policies/${type}.json`);
    if (!found) throw new Error(`no schema for policy type ${type}`);
    fn = found;
    s.policies.set(type, fn);
  }
  return fn;
}

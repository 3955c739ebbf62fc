import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { POLICY_CATALOG } from '../../src/policies/catalog.js';
import { policySchemaDocuments, schemaFileText } from '../../src/policies/schema-documents.js';
import { COMMON_PARTS } from '../../src/policies/shared/schema-parts.js';
import { ROOT } from '../helpers/gateway-process.js';

/** A file of schemas/ as committed (HEAD), or as on disk outside a git checkout. */
function committed(file: string): string | undefined {
  try {
    return execFileSync('git', ['show', `HEAD:schemas/${file}`], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch {
    return undefined;
  }
}

function committedPolicyFiles(): string[] {
  const listed = execFileSync('git', ['ls-tree', '--name-only', 'HEAD', 'schemas/policies/'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return listed
    .split('\n')
    .filter(Boolean)
    .map((f) => path.relative('schemas', f))
    .sort();
}

describe('policy schemas come from the catalog', () => {
  const documents = policySchemaDocuments();

  it('the committed schemas/policy.json and schemas/policies/*.json are what `npm run schemas` writes (run it and commit)', () => {
    for (const [file, document] of documents) expect(committed(file), `schemas/${file}`).toBe(schemaFileText(document));
    expect(committedPolicyFiles()).toEqual([...documents.keys()].filter((f) => f.startsWith('policies/')).sort());
  });

  it('the files on disk are the generated ones too (the build wrote them)', () => {
    for (const [file, document] of documents)
      expect(readFileSync(path.join(ROOT, 'schemas', file), 'utf8')).toBe(schemaFileText(document));
  });

  it('policy.json lists every type of the catalog, each with its config branch', () => {
    const policy = documents.get('policy.json') as { properties: { type: { enum: string[] } }; allOf: unknown[] };
    expect(policy.properties.type.enum).toEqual([...POLICY_CATALOG.keys()]);
    expect(policy.allOf).toHaveLength(POLICY_CATALOG.size);
  });

  it('the shared schema parts are the definitions of schemas/common.json of the same name', () => {
    const common = JSON.parse(readFileSync(path.join(ROOT, 'schemas/common.json'), 'utf8')) as {
      definitions: Record<string, unknown>;
    };
    for (const [name, part] of Object.entries(COMMON_PARTS)) expect(part, name).toEqual(common.definitions[name]);
  });
});

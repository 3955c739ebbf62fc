import { describe, expect, it } from 'vitest';
import { compileChain } from '../helpers/chain.js';

/** message-logging scoped to POST requests; what it logged tells which requests it saw. */
async function auditedMethods(conditional: boolean): Promise<unknown[]> {
  const chain = await compileChain({ type: 'message-logging', name: 'audit', config: { message: '{{method}}', conditional, category: 'audit', level: 'INFO', logPoint: 'before' }, rules: [{ methods: ['POST'] }] });
  for (const method of ['GET', 'POST', 'PUT']) await chain.send({ method });
  return chain.records().filter((r) => r.category === 'audit').map((r) => r.message);
}

describe('chain compiler', () => {
  it('scopes a policy by its rules', async () => {
    expect(await auditedMethods(true)).toEqual(['POST']);
  });

  it('lets message-logging with conditional: false log every request, whatever its rules', async () => {
    expect(await auditedMethods(false)).toEqual(['GET', 'POST', 'PUT']);
  });
});

import { describe, expect, it } from 'vitest';
import { compileChain } from '../helpers/chain.js';

/** message-logging scoped by rules; what it logged tells which requests it saw. */
async function auditedMethods(
  rules: { methods: ('POST' | 'GET' | 'PUT')[] }[] | undefined,
  enabled = true,
): Promise<unknown[]> {
  const config = {
    loggingConfiguration: [
      {
        itemData: {
          message: '#[attributes.method]',
          category: 'audit',
          level: 'INFO',
          firstSection: true,
          secondSection: false,
        },
      },
    ],
  };
  const chain = await compileChain({
    type: 'message-logging',
    name: 'audit',
    config,
    enabled,
    ...(rules ? { rules } : {}),
  });
  for (const method of ['GET', 'POST', 'PUT']) await chain.send({ method });
  return chain
    .records()
    .filter((r) => r.category === 'audit')
    .map((r) => r.message);
}

describe('chain compiler', () => {
  it('scopes a policy by its rules', async () => {
    expect(await auditedMethods([{ methods: ['POST'] }])).toEqual(['POST']);
    expect(await auditedMethods([{ methods: ['POST'] }, { methods: ['PUT'] }])).toEqual(['POST', 'PUT']);
  });

  it('runs an unscoped policy for every request, and a disabled one for none', async () => {
    expect(await auditedMethods(undefined)).toEqual(['GET', 'POST', 'PUT']);
    expect(await auditedMethods(undefined, false)).toEqual([]);
  });
});

/**
 * JSON Schema fragments that policy schemas share, as TypeScript constants so
 * that config types can be derived from them (json-schema-to-ts). The same
 * definitions are in schemas/common.json for the manifests' other kinds; a test
 * (test/policies/schemas.test.ts) fails when the two drift apart.
 */

export const headerName = { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" } as const;

export const cidr = { type: 'string', format: 'cidr' } as const;

export const regex = { type: 'string', format: 'regex' } as const;

export const method = {
  type: 'string',
  enum: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'],
} as const;

export const limit = {
  type: 'object',
  additionalProperties: false,
  required: ['maximumRequests', 'timePeriodInMilliseconds'],
  properties: {
    maximumRequests: { type: 'integer', minimum: 1 },
    timePeriodInMilliseconds: { type: 'integer', minimum: 1 },
  },
} as const;

export const secret = {
  description:
    'a secret: a reference ${env:NAME} resolved at apply time (preferred), a digest as a gateway stores it (scrypt, or the salted SHA-256 of earlier versions), or plain text (reported as a warning)',
  oneOf: [
    { type: 'string', minLength: 1 },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kdf', 'N', 'r', 'p', 'salt', 'hash'],
      properties: {
        kdf: { const: 'scrypt' },
        N: {
          enum: [1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576],
          description: 'scrypt cost: a power of two',
        },
        r: { type: 'integer', minimum: 1, maximum: 32 },
        p: { type: 'integer', minimum: 1, maximum: 16 },
        salt: { type: 'string', minLength: 16, pattern: '^[A-Za-z0-9+/]+={0,2}$' },
        hash: { type: 'string', minLength: 16, pattern: '^[A-Za-z0-9+/]+={0,2}$' },
        check: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['salt', 'sha256'],
      properties: {
        salt: { type: 'string', minLength: 8 },
        sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      },
    },
  ],
} as const;

/** The parts above by their name in schemas/common.json. */
export const COMMON_PARTS = { headerName, cidr, regex, method, limit, secret } as const;

/** The fields every counting policy shares (rate-limiting, rate-limiting-sla, spike-control): headers, shared storage, fail mode. */
export const countingProperties = {
  exposeHeaders: { type: 'boolean', default: false },
  clusterizable: {
    type: 'boolean',
    default: true,
    description: "Count in the environment's shared storage when it has one.",
  },
  failMode: {
    type: 'string',
    enum: ['open', 'closed'],
    default: 'open',
    description: 'When shared storage is unreachable: open counts locally, closed answers 503.',
  },
} as const;

/** The request attributes an expression can read (the reference's `attributes.*`). */
export const ATTRIBUTES = ['method', 'requestPath', 'relativePath', 'remoteAddress', 'host', 'statusCode'] as const;
export type AttributeName = (typeof ATTRIBUTES)[number];

/** What authentication policies earlier in the chain verified (the reference's `authentication.*`). */
export const AUTHENTICATION = ['principal', 'clientId', 'clientName'] as const;
export type AuthenticationName = (typeof AUTHENTICATION)[number];

/** A parsed expression. `offset` is where the node starts in the configured string. */
export type ExpressionNode =
  | { kind: 'string'; value: string; offset: number }
  | { kind: 'boolean'; value: boolean; offset: number }
  | { kind: 'null'; offset: number }
  | { kind: 'header'; name: string; offset: number }
  | { kind: 'query'; name: string; offset: number }
  | { kind: 'attribute'; name: AttributeName; offset: number }
  | { kind: 'authentication'; name: AuthenticationName; offset: number }
  | { kind: 'concat'; left: ExpressionNode; right: ExpressionNode; offset: number }
  | { kind: 'default'; value: ExpressionNode; fallback: ExpressionNode; offset: number }
  | { kind: 'equals'; left: ExpressionNode; right: ExpressionNode; negated: boolean; offset: number }
  | { kind: 'and' | 'or'; left: ExpressionNode; right: ExpressionNode; offset: number }
  | { kind: 'not'; operand: ExpressionNode; offset: number };

/** The static type of a node: every value is a string or a boolean, or null (missing). */
export type ValueType = 'string' | 'boolean' | 'null';

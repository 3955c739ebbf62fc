// Expressions (`#[...]`, the reference's DataWeave subset): parsed and compiled once per reload into plain functions.
export {
  compileBooleanExpression,
  compileStringExpression,
  compileStringValue,
  expressionProblem,
  type CompiledExpression,
  type Evaluate,
  type ExpressionScope,
} from './compile.js';
export { isExpression, parseExpression } from './parse.js';
export { ExpressionError } from '../../errors/catalog.js';

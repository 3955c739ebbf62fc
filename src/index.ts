// The library entry point: what the commands are built from, for programs of your own.
export { ErrorCatalog, TollgateError, type ErrorCode } from './errors/catalog.js';
export type { Diagnostic, SourcePosition } from './errors/diagnostic.js';
export { loadManifests, loadManifestTexts, type LoadResult } from './manifest/load.js';
export type * from './manifest/types.js';
export { validatePaths, validateManifestSet, type ValidateOptions, type ValidationResult } from './validate/index.js';
export { environmentState } from './model/normalize.js';
export type * from './model/types.js';
export { assembleChain } from './precedence/assemble.js';
export { orderViolations, expectedOrder } from './precedence/validate-order.js';
export { POLICY_CATALOG, policyModule } from './policies/catalog.js';
// The policy SDK: what custom policies (and the built-in ones) are written against.
export type * from './policies/sdk/index.js';
export { diffStates } from './plan/diff.js';
export { computePlan, transactionChanges, type PlanOptions } from './plan/plan.js';
export type { Change, Plan } from './plan/types.js';
export { renderDiagnostics } from './output/diagnostics.js';
export { renderPlansMarkdown, renderPlansText } from './plan/render.js';
export { resolveStateSecrets } from './secrets/resolve-state.js';
export { startGateway, type GatewayOptions, type RunningGateway } from './gateway/start.js';
export { ControlEngine, type Transaction, type ApplyOutcome } from './gateway/control/engine.js';
export { DataPlaneRuntime } from './gateway/data-plane/runtime.js';
export { directLink, type DataPlaneLink } from './gateway/control/link.js';
export { AdminClient, type GatewayNode } from './reconcile/admin-client.js';
export { applyEnvironment, nodeTargets, planEnvironment } from './reconcile/apply-environment.js';
export { Reconciler, type ReconcilerOptions } from './reconcile/reconciler.js';
export { FolderSource } from './reconcile/sources/folder.js';
export { GitSource } from './reconcile/sources/git.js';

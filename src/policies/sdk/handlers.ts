import type { PolicyContext } from './context.js';
import type { Exchange, Reply, ResponseView } from './exchange.js';

/** What a policy's factory returns: the handlers the chain calls. */
export interface PolicyHandlers {
  /** Runs in chain order. Returning a Reply stops the chain (the upstream is not called); undefined lets the request on. */
  request?(exchange: Exchange): Reply | undefined | Promise<Reply | undefined>;
  /** Runs in reverse chain order, for the policies whose request handler ran (or that have none). */
  response?(exchange: Exchange, response: ResponseView): void;
  /** Called when the compiled chain is replaced and this instance is not carried over. */
  dispose?(): void;
}

/** Compiles a policy's config (schema-valid, defaults filled) into handlers, once per reload. */
export type PolicyFactory<Config> = (config: Config, ctx: PolicyContext) => PolicyHandlers | Promise<PolicyHandlers>;

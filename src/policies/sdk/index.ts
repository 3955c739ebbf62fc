// The policy SDK: the contract between the chain and every policy, built-in or custom.
// The gateway implements it; nothing here depends on the gateway.
export type * from './exchange.js';
export type * from './handlers.js';
export type * from './context.js';
export type * from './counters.js';
export type * from './module.js';

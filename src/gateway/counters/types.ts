// Counter stores implement the policies' SDK contract (src/policies/sdk/counters.ts).
export type { CounterStore, WindowDecision } from '../../policies/sdk/counters.js';

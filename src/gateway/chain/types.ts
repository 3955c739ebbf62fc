// The chain's contract is the policies' SDK (src/policies/sdk): the gateway implements it.
export type * from '../../policies/sdk/index.js';

/** Characteristics policies provide and require (Anypoint's names, kebab-cased). */
export const CHARACTERISTICS = {
  'cors-enabled': { exclusive: true, label: 'CORS enabled' },
  'spike-controlled': { exclusive: true, label: 'Spike controlled' },
  'baseline-rate-limiting': { exclusive: true, label: 'Baseline Rate Limiting' },
  'sla-rate-limiting': { exclusive: true, label: 'SLA Rate Limiting' },
  'client-id-required': { exclusive: true, label: 'Client ID required' },
  'requires-authentication': { exclusive: true, label: 'Requires authentication' },
  'ip-filtered': { exclusive: false, label: 'IP filtered' },
  'json-threat-protected': { exclusive: true, label: 'JSON threat protected' },
  'xml-threat-protected': { exclusive: true, label: 'XML threat protected' },
} as const;

export type Characteristic = keyof typeof CHARACTERISTICS;

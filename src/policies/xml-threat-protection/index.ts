import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';

export interface XmlThreatProtectionConfig {
  maxNodeDepth: number;
  maxAttributeCountPerElement: number;
  maxChildCount: number;
  maxTextLength: number;
  maxAttributeLength: number;
  maxCommentLength: number;
}

export const xmlThreatProtection: PolicyModule<XmlThreatProtectionConfig> = {
  type: 'xml-threat-protection',
  summary: 'Rejects XML bodies over the depth, count and length limits, and any DTD or entity declaration, with 400, checked while the body streams in.',
  precedence: 'standard',
  provides: ['xml-threat-protected'],
  requires: [],
  secretFields: [],
  unordered: [],
  create,
};

import type { PolicyFactory } from '../../gateway/chain/types.js';
import { limitOrInfinity } from '../shared/body-scanner.js';
import { requestMediaType } from '../shared/media-type.js';
import { scanRequestBody } from '../shared/scan-request-body.js';
import type { XmlThreatProtectionConfig } from './index.js';
import { type XmlLimits, XmlLimitsScanner } from './xml-limits-scanner.js';
import { isXmlMediaType } from './xml-media-type.js';

export const create: PolicyFactory<XmlThreatProtectionConfig> = (config) => {
  // -1 (the schema default) and a missing field both mean unlimited.
  const limits: XmlLimits = Object.freeze({
    maxNodeDepth: limitOrInfinity(config.maxNodeDepth),
    maxAttributeCountPerElement: limitOrInfinity(config.maxAttributeCountPerElement),
    maxChildCount: limitOrInfinity(config.maxChildCount),
    maxTextLength: limitOrInfinity(config.maxTextLength),
    maxAttributeLength: limitOrInfinity(config.maxAttributeLength),
    maxCommentLength: limitOrInfinity(config.maxCommentLength),
  });
  return {
    request(exchange) {
      // Only XML is inspected; other bodies are not this policy's business.
      if (!isXmlMediaType(requestMediaType(exchange.requestHeaders))) return undefined;
      return scanRequestBody(exchange, new XmlLimitsScanner(limits));
    },
  };
};

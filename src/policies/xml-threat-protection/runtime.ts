import type { PolicyFactory } from '../sdk/index.js';
import { requestMediaType } from '../shared/media-type.js';
import { scanRequestBody } from '../shared/scan-request-body.js';
import type { XmlThreatProtectionConfig } from './index.js';
import { XmlLimitsScanner, compileXmlLimits } from './xml-limits-scanner.js';
import { isXmlMediaType } from './xml-media-type.js';

export const create: PolicyFactory<XmlThreatProtectionConfig> = (config) => {
  const limits = compileXmlLimits(config);
  return {
    request(exchange) {
      // Only XML is inspected; other bodies are not this policy's business.
      if (!isXmlMediaType(requestMediaType(exchange.requestHeaders))) return undefined;
      return scanRequestBody(exchange, new XmlLimitsScanner(limits));
    },
  };
};

import type { PolicyFactory } from '../sdk/index.js';
import { requestMediaType } from '../shared/media-type.js';
import { scanRequestBody } from '../shared/scan-request-body.js';
import type { JsonThreatProtectionConfig } from './index.js';
import { isJsonMediaType } from './json-media-type.js';
import { JsonLimitsScanner, compileJsonLimits } from './json-limits-scanner.js';

export const create: PolicyFactory<JsonThreatProtectionConfig> = (config) => {
  const limits = compileJsonLimits(config);
  return {
    request(exchange) {
      // Only JSON is inspected; other bodies are not this policy's business.
      if (!isJsonMediaType(requestMediaType(exchange.requestHeaders))) return undefined;
      return scanRequestBody(exchange, new JsonLimitsScanner(limits));
    },
  };
};

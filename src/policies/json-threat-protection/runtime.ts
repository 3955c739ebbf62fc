import type { PolicyFactory } from '../../gateway/chain/types.js';
import { limitOrInfinity } from '../shared/body-scanner.js';
import { requestMediaType } from '../shared/media-type.js';
import { scanRequestBody } from '../shared/scan-request-body.js';
import type { JsonThreatProtectionConfig } from './index.js';
import { isJsonMediaType } from './json-media-type.js';
import { type JsonLimits, JsonLimitsScanner } from './json-limits-scanner.js';

export const create: PolicyFactory<JsonThreatProtectionConfig> = (config) => {
  const limits: JsonLimits = Object.freeze({
    maxContainerDepth: limitOrInfinity(config.maxContainerDepth),
    maxObjectEntryCount: limitOrInfinity(config.maxObjectEntryCount),
    maxObjectEntryNameLength: limitOrInfinity(config.maxObjectEntryNameLength),
    maxArrayElementCount: limitOrInfinity(config.maxArrayElementCount),
    maxStringValueLength: limitOrInfinity(config.maxStringValueLength),
  });
  return {
    request(exchange) {
      // Only JSON is inspected; other bodies are not this policy's business.
      if (!isJsonMediaType(requestMediaType(exchange.requestHeaders))) return undefined;
      return scanRequestBody(exchange, new JsonLimitsScanner(limits));
    },
  };
};

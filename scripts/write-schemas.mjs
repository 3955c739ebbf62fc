// Writes schemas/policy.json and schemas/policies/<type>.json from the policy catalog (run by `npm run build`).
// Files of policy types that no longer exist are removed.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { policySchemaDocuments, schemaFileText } from '../dist/policies/schema-documents.js';

const schemas = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schemas');
const documents = policySchemaDocuments();
for (const [file, document] of documents) writeFileSync(path.join(schemas, file), schemaFileText(document));
for (const name of readdirSync(path.join(schemas, 'policies'))) {
  if (!documents.has(`policies/${name}`)) rmSync(path.join(schemas, 'policies', name));
}

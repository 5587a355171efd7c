// Validates one JSON document against a draft-04 JSON schema (e.g. the Teams app manifest schema) with ajv-draft-04.
// Usage: node validate-json-schema.mjs <schema.json> <document.json>   → {"valid":true|false,"errors":["…"]}
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const Ajv = require("ajv-draft-04");
const addFormats = (() => { try { return require("ajv-formats"); } catch { return null; } })();

const [schemaPath, documentPath] = process.argv.slice(2);
if (!schemaPath || !documentPath) {
  console.error("usage: node validate-json-schema.mjs <schema.json> <document.json>");
  process.exit(2);
}
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
const document = JSON.parse(readFileSync(documentPath, "utf8"));
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: addFormats !== null });
if (addFormats) addFormats(ajv);
const validate = ajv.compile(schema);
const valid = validate(document);
const errors = valid ? [] : validate.errors.map(e => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`);
console.log(JSON.stringify({ valid, formatsChecked: addFormats !== null, errors }));

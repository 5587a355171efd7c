// Validates every *.json Adaptive Card in a folder two ways and prints one JSON report on stdout:
//  1. against the Adaptive Card JSON schema (draft-06) with ajv;
//  2. by parsing it with the official `adaptivecards` JavaScript library, collecting every parse/validation event.
// The root-level `msteams` object is Teams' documented host extension (width, mentions); the official schema's
// AdaptiveCard has additionalProperties:false, so it is set aside before the schema check (reported, not hidden).
// Usage: node validate-cards.mjs <schema.json> <folder>   → {"files":[{"file","schemaErrors":[],"parseEvents":[]}]}
import { createRequire } from "node:module";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const Ajv = require("ajv");
const AC = require("adaptivecards/dist/adaptivecards.js");

const [schemaPath, folder] = process.argv.slice(2);
if (!schemaPath || !folder) {
  console.error("usage: node validate-cards.mjs <schema.json> <folder>");
  process.exit(2);
}

const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
// The 1.5 schema declares draft-06 and an "id" (draft-04/06 spelling); ajv 8 reads $id, so map it across.
if (schema.id && !schema.$id) { schema.$id = schema.id; delete schema.id; }
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
const validate = ajv.compile(schema);

const files = [];
for (const name of readdirSync(folder).filter(f => f.endsWith(".json")).sort()) {
  const card = JSON.parse(readFileSync(join(folder, name), "utf8"));
  const result = { file: name, schemaErrors: [], parseEvents: [], hostExtensions: [] };

  const forSchema = structuredClone(card);
  if (forSchema && typeof forSchema === "object" && "msteams" in forSchema) {
    const extra = Object.keys(forSchema.msteams ?? {}).filter(k => k !== "width" && k !== "entities");
    if (extra.length > 0) result.schemaErrors.push(`/msteams has properties Teams does not define: ${extra.join(", ")}`);
    delete forSchema.msteams;
    result.hostExtensions.push("msteams");
  }
  if (!validate(forSchema)) {
    result.schemaErrors.push(...validate.errors.slice(0, 80).map(e => `${e.instancePath || "/"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`));
  }

  const context = new AC.SerializationContext(new AC.Version(1, 5));
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) {
    const e = context.getEventAt(i);
    result.parseEvents.push(`parse: ${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`);
  }
  const validation = parsed.validateProperties();
  for (const e of validation.validationEvents) {
    result.parseEvents.push(`validate: ${AC.ValidationEvent[e.event] ?? e.event}: ${e.message}`);
  }
  files.push(result);
}
console.log(JSON.stringify({ files }));

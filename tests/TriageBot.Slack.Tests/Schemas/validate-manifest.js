// Validates a Slack app manifest against Slack's dispatcher schema with ajv (draft-07, incl. const/oneOf),
// resolving the dispatcher's absolute $refs to the local copies. Usage: node validate-manifest.js <toolsDir> <schemaDir> <manifest.json>
'use strict';
const fs = require('fs');
const path = require('path');
const [toolsDir, schemaDir, manifestPath] = process.argv.slice(2);
const Ajv = require(require.resolve('ajv', { paths: [toolsDir] })).default;
const read = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

// Formats (uri, …) are not checked: ajv-formats is not among the tools, and the shapes are what matter here.
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const base = 'https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/';
ajv.addSchema(read(path.join(schemaDir, 'slack-app-manifest.schema.1.0.0.json')), base + 'manifest.schema.1.0.0.json');
ajv.addSchema(read(path.join(schemaDir, 'slack-app-manifest.schema.2.0.0.json')), base + 'manifest.schema.2.0.0.json');
const validate = ajv.compile(read(path.join(schemaDir, 'slack-app-manifest.schema.json')));
const ok = validate(read(manifestPath));
process.stdout.write(JSON.stringify({ ok, errors: validate.errors || [] }, null, 2));
process.exit(ok ? 0 : 1);

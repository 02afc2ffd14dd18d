// Generates web/src/lib/api-types.ts, the TypeScript types of the OpenWork
// host API, from the repository's openapi.json with openapi-typescript.
//
//   node tools/api-gen/gen.mjs           write src/lib/api-types.ts (`npm run gen:api`)
//   node tools/api-gen/gen.mjs --check   exit 1 if it differs from what would be written
//
// Offline: everything comes from node_modules (this package's own
// openapi-typescript and the TypeScript 5 it needs; the UI compiles with
// TypeScript 7, which has no compiler API for it).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

/** The committed OpenAPI document (`scripts/update-openapi` writes it from the Rust code). */
export const SOURCE = new URL('../../../openapi.json', import.meta.url);
/** The generated file. */
export const OUTPUT = new URL('../../src/lib/api-types.ts', import.meta.url);

const HEADER = `// GENERATED FILE: do not edit. The types of the OpenWork host API, generated
// by openapi-typescript from openapi.json at the repository root (which
// \`scripts/update-openapi\` regenerates from the Rust code). To regenerate
// after openapi.json changes: \`cd web && npm run gen:api\`. \`scripts/test-ui\`
// and src/lib/api-types.test.ts fail while this file is out of date.
`;

/**
 * openapi.json without the operationIds that name more than one operation
 * (utoipa names operations after the Rust handlers: `list`, `add`, `remove`
 * serve skills, plugins, MCP servers and commands alike). openapi-typescript
 * refuses duplicates (its `operations` would mix them up); without an id an
 * operation is typed inline under `paths`.
 */
export function withUniqueOperationIds(doc) {
  const ops = Object.values(doc.paths ?? {}).flatMap((item) => Object.values(item).filter((op) => op && typeof op === 'object' && 'responses' in op));
  const seen = new Map();
  for (const op of ops) if (op.operationId) seen.set(op.operationId, (seen.get(op.operationId) ?? 0) + 1);
  for (const op of ops) if (op.operationId && seen.get(op.operationId) > 1) delete op.operationId;
  return doc;
}

/** The text of api-types.ts for the current openapi.json. */
export async function generate() {
  const doc = withUniqueOperationIds(JSON.parse(await readFile(SOURCE, 'utf8')));
  const ast = await openapiTS(doc, {
    // `export type Workspace = components['schemas']['Workspace']`, ...
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    // `{type: "object"}` without properties is any object, not `Record<string, never>`.
    emptyObjectsUnknown: true,
    silent: true,
  });
  return `${HEADER}\n${astToString(ast)}`;
}

/** The text of api-types.ts as it is now (null if missing). */
export function committed() {
  return readFile(OUTPUT, 'utf8').catch(() => null);
}

async function main() {
  const check = process.argv.includes('--check');
  const want = await generate();
  const out = fileURLToPath(OUTPUT);
  const have = await committed();
  if (check) {
    if (have !== want) {
      console.error(`${out} is out of date with openapi.json: run 'cd web && npm run gen:api' and commit it`);
      process.exit(1);
    }
    return;
  }
  if (have !== want) await writeFile(out, want);
  console.log(`${have === want ? 'up to date' : 'wrote'}: ${out}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();

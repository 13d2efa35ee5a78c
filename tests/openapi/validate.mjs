// Validates the OpenAPI document against the OpenAPI 3.1 JSON schema with a
// maintained validator (@seriousme/openapi-schema-validator, pinned by
// package-lock.json): structure, types, $refs. Prints each error and exits 1
// when the document is not valid.
//
// Usage: node validate.mjs PATH/openapi.json
import { readFile } from 'node:fs/promises'
import { Validator } from '@seriousme/openapi-schema-validator'

const path = process.argv[2]
const document = JSON.parse(await readFile(path, 'utf8'))
const validator = new Validator()
const result = await validator.validate(document)
if (!result.valid) {
  console.error(`${path} is not a valid OpenAPI ${validator.version} document:`)
  console.error(JSON.stringify(result.errors, null, 2))
  process.exit(1)
}
console.log(`${path}: valid OpenAPI ${validator.version} (${Object.keys(document.paths).length} paths)`)

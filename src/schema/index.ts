// Public API of the schema DSL: declare a schema once (defineSchema + typedefs), validate
// writes with Kong's defaults and error bodies (validateEntity), infer its TypeScript shape
// (Infer<>), and render Kong's `/schemas/...` JSON (toKongSchemaJson).
export type {
  CheckResult, ConditionalAtLeastOneOfCheck, ConditionalCheck, CustomEntityCheck, CustomValidator,
  EntityCheck, EntityRow, FieldDef, FieldMap, FieldType, Infer, InferField, InferFields, PatternRule,
  Schema, SchemaDef, ShorthandField, ValidateOptions, ValidationMode,
} from './types.ts';
export { defineSchema, withAttributes } from './define.ts';
export { validateEntity, expandShorthands } from './validate.ts';
export { validateField, isPlainObject, isVaultReference } from './validate-field.ts';
export type { FieldError } from './validate-field.ts';
export { validateFields } from './validate-fields.ts';
export { processFields, mergeValues, randomString } from './process.ts';
export { schemaViolation, schemaViolationMessage, luaPretty } from './violation.ts';
export { toKongSchemaJson, fieldToJson, fieldsToJson, entityChecksToJson } from './schema-json.ts';
export { messages, quotedList } from './messages.ts';
export { luaMatches, luaPatternToRegExp } from './lua-pattern.ts';
export { hostnameType, normalizeIp, isIpOrCidr } from './hosts.ts';
export type { HostType, ParsedHost, HostParseResult } from './hosts.ts';
export {
  typedefs, typedef, PROTOCOLS, HTTP_PROTOCOLS,
  validateHost, validateHostWithOptionalPort, validateSni, validateWildcardHost, validatePath,
  validatePercentEncoding, validateTag, validateUtf8Name, validateHeaderName, validateCertificate,
  validateKey, validateUrl,
} from './typedefs.ts';

// The part of an entity definition (src/entities) the generated endpoints rely on. Kept
// structural so plugin-owned DAOs (credentials) can plug into the same engine later.
import type { Row } from '../../store/types.ts';

export type WriteMode = 'insert' | 'upsert' | 'update';

export interface CrudForeignKey {
  field: string;
  reference: string;
  onDelete?: string;
}

export interface CrudEntity {
  /** Table name (`services`, `ca_certificates`). */
  name: string;
  /** Admin API path segment (`services`, `ca_certificates`, `key-sets`); null = no endpoints. */
  adminPath: string | null;
  /** Kong's `admin_api_nested_name` (`/consumers/{c}/key-auth`); defaults to `adminPath`. */
  nestedAdminPath?: string | null;
  /** Field a non-UUID key in the URL is looked up by (`name`, `username`, `target`); null = ids only. */
  endpointKey: string | null;
  /**
   * Field a non-UUID key is looked up by under a parent only (`/consumers/{c}/acls/{group}`,
   * Kong's acl api.lua): unique per parent, not globally.
   */
  scopedEndpointKey?: string | null;
  uniqueFields: readonly string[];
  foreignKeys: readonly CrudForeignKey[];
  hasTags: boolean;
  /** Validates (and completes: defaults, auto fields) an input; throws KongError code 2. */
  validate(input: Record<string, unknown>, mode: WriteMode, existing?: Row): Row | Promise<Row>;
  /** The `/schemas/{name}` JSON (`{fields: [...], entity_checks: [...]}`). */
  schemaJson(): object;
}

export type CrudEntities = Readonly<Record<string, CrudEntity>>;

// Fields every Kong entity starts with (`id`, `created_at`, `updated_at`) and the shared
// `tags` typedef, so entity files declare only what is theirs.
import { typedefs } from '../schema/index.ts';

export const baseFields = {
  id: typedefs.uuid,
  created_at: typedefs.auto_timestamp_s,
  updated_at: typedefs.auto_timestamp_s,
} as const;

export const tagsField = typedefs.tags;
